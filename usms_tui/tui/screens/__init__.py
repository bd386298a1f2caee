"""Screens and dialogs of the app, one per file (pushed by ``usms_tui.tui.app``)."""
