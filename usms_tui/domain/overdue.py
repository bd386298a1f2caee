"""How long a message may go without a final receipt before it counts as overdue.

A module of its own so the settings table can name the default without loading the receipts
(their status enum and record type), which a command like ``add`` never uses.
"""

from __future__ import annotations

#: UCloud's advice: if a message has no status 12 hours after sending, open a ticket.
DEFAULT_WARN_AFTER = 12 * 3600.0
