"""What the screen mixins are mixed into, as the type checker sees it: a Screen of UsmsApp.

At run time the mixins derive from ``object`` (the concrete screens add ``Screen``); under
type checking they derive from :class:`AppScreen`, so ``self.app``, ``notify`` and
``query_one`` are known and typed. The app module is imported for the type checker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from usms_tui.tui.app import UsmsApp

    class AppScreen(Screen[None]):
        app: UsmsApp

else:
    AppScreen = object
