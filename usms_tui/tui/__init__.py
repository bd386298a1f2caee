"""The terminal UI (Textual). The only package that imports textual or rich.

Build it with :func:`usms_tui.tui.app.make_app`; nothing here is imported by the core.
"""
