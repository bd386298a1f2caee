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

        before = {key: table.values(key) for key in table.keys}
        await table.show_chunked(summaries(failed_every=10), labels)
        assert table.last_changes == (0, 0, ROWS // 10)
        after = {key: table.values(key) for key in table.keys}
        changed = {
            table.columns[i].key
            for key in before
            for i, (old, new) in enumerate(zip(before[key], after[key], strict=True))
            if old != new
        }
        assert changed <= {"failed", "pending", "bar", "cost"}, changed

        await table.show_chunked(summaries(failed_every=10), labels)
        assert table.last_changes == (0, 0, 0)  # nothing changed: not one row touched


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


async def test_chunked_comparison_finds_what_the_plain_one_does():
    from usms_tui.tui.widgets.table_base import RowModel

    model = RowModel()
    model.shown = {f"k{i}": (i, "a") for i in range(3000)}
    wanted = {f"k{i}": (i, "b" if i % 7 == 0 else "a") for i in range(500, 4000)}
    assert await model.diff_in_chunks(wanted) == model.diff(wanted)
    model.given, model.where = wanted, lambda key, values: values[1] == "b"
    assert await model.wanted_in_chunks() == model.wanted()


async def test_sorted_modes_over_a_big_table_keep_ties_in_watchlist_order():
    app = Host()
    async with app.run_test(size=(100, 30)):
        table = app.query_one(SessionTable)
        table.sort_mode = "failed"
        await table.show_chunked(summaries(failed_every=3), {})
        keys = table.keys
        failed = [f"s-{i:05d}" for i in range(0, ROWS, 3)]
        assert keys[: len(failed)] == failed  # the sessions with a failure first, in their order
        assert keys[len(failed) :] == [f"s-{i:05d}" for i in range(ROWS) if i % 3]


async def test_a_resize_renders_names_at_the_new_width_without_rebuilding_rows():
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(SessionTable)
        long_no = "usms-" + "9" * 40
        await table.show_chunked([*summaries()[:-1], summarize(long_no, [], now=NOW, added_at=NOW)], {})
        await pilot.pause()
        values = {key: table.values(key) for key in table.keys}
        wide = table.cell(long_no, "name")[0]

        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        narrow = table.cell(long_no, "name")[0]
        assert len(narrow) < len(wide) and narrow.endswith("9999")  # shortened, head and tail kept
        # The rows' values are the very same objects: a resize costs the lines on screen.
        assert all(table.values(key) is value for key, value in values.items())
        assert table.last_changes == (ROWS, 0, 0)  # still the fill's: nothing was updated
