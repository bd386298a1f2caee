"""usms-tui: watch UCloud SMS (USMS) delivery receipts from the terminal."""

__version__ = "0.1.0"
