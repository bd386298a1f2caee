"""SessionTable alone, at a size where its chunked and signature paths matter (1,500 rows)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.tui.conftest import NOW
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.tui.widgets.session_table import SessionTable

ROWS = 1500


def summaries(failed_every: int = 0):
    out = []
    for i in range(ROWS):
        receipts = [Receipt.from_api({"Phone": "1", "ReceiptResult": "Success"})]
        if failed_every and i % failed_every == 0:
            receipts.append(Receipt.from_api({"Phone": "2", "ReceiptResult": "Fail"}))
        out.append(summarize(f"s-{i:05d}", receipts, now=NOW, added_at=NOW - 60 - i, known_phones=("1", "2")))
    return out


class Host(App):
    def compose(self) -> ComposeResult:
        yield SessionTable()


async def test_chunked_fill_then_diff_update_touches_only_changed_rows():
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(SessionTable)
        labels = {f"s-{i:05d}": f"job {i}" for i in range(0, ROWS, 2)}
        await table.show_chunked(summaries(), labels)
        await pilot.pause()
        assert table.row_count == ROWS and table.selected_key == "s-00000"

        updates: list[tuple[str, str]] = []
        original = table.update_cell

        def counting(row_key, column_key, value, **kwargs):
            updates.append((row_key, getattr(column_key, "value", column_key)))
            return original(row_key, column_key, value, **kwargs)

        table.update_cell = counting  # type: ignore[method-assign]
        table.clear = None  # type: ignore[assignment]  # a refresh must never clear
        await table.show_chunked(summaries(failed_every=10), labels)
        changed_rows = {row for row, _ in updates}
        assert len(changed_rows) == ROWS // 10
        assert {column for _, column in updates} <= {"failed", "pending", "bar", "cost"}, {
            column for _, column in updates
        }

        updates.clear()
        await table.show_chunked(summaries(failed_every=10), labels)
        assert updates == []  # nothing changed: not one cell touched


async def test_filter_over_a_big_table_and_back():
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(SessionTable)
        await table.show_chunked(summaries(), {})
        table.filter_text = "s-0149"
        await table.redraw_chunked()
        await pilot.pause()
        assert table.keys == [f"s-0149{d}" for d in range(10)]
        table.filter_text = ""
        await table.redraw_chunked()
        assert table.row_count == ROWS and table.keys[:2] == ["s-00000", "s-00001"]
        table.sort_mode = "age"
        await table.redraw_chunked()
        assert table.keys[0] == f"s-{ROWS - 1:05d}"  # the oldest first
