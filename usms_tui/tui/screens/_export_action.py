"""``e`` on the phones and failures views: ask where (ExportDialog), then write the view."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from usms_tui.store.exporting import write_rows
from usms_tui.tui.screens._app_screen import AppScreen


class ExportsView(AppScreen):
    """Mixin for a Screen with ``export_rows() -> list[dict]`` and an ``EXPORT_NAME``."""

    EXPORT_NAME = "usms-export.csv"

    def export_rows(self) -> list[Mapping[str, Any]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def action_export(self) -> None:
        """Export the current view (filter and sort as shown) as CSV or JSON."""
        from usms_tui.tui.screens.export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(Path.cwd() / self.EXPORT_NAME), callback=self._export_to)

    async def _export_to(self, choice: tuple[str, Path] | None) -> None:
        if not choice:
            return
        fmt, path = choice
        rows = self.export_rows()
        try:
            # Off the event loop: a 100k-row file must not freeze the UI.
            count = await asyncio.to_thread(write_rows, rows, fmt, path)
        except OSError as error:
            self.notify(f"export failed: {path}: {error.strerror or error}", severity="error", timeout=8, markup=False)
            return
        self.notify(f"exported {count:,} rows to {path}", timeout=5, markup=False)
