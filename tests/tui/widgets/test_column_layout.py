"""Where a virtual table's columns are drawn: hidden columns take no room, fixed columns stay
put when the rest scroll sideways, and a repaint covers only what is on screen."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from usms_tui.tui.widgets.column_layout import ColumnLayout
from usms_tui.tui.widgets.table_base import Column

COLUMNS = (Column("name", "Name", 10), Column("a", "A", 4), Column("b", "B", 0), Column("c", "C", 6))


def test_hidden_columns_take_no_room_not_even_padding():
    layout = ColumnLayout(COLUMNS, fixed=1)
    assert layout.starts == (0, 12, 18, 18)
    assert layout.width == 26 and layout.fixed_width == 12
    assert layout.spans([2], 0, 80) == []


def test_scrolled_columns_shift_and_never_cover_the_fixed_ones():
    layout = ColumnLayout(COLUMNS, fixed=1)
    assert layout.spans([0, 1, 3], 0, 80) == [(0, 12), (12, 6), (18, 8)]
    # Scrolled by 6: column "a" (12..18) is under the fixed name, "c" moves left by 6.
    assert layout.spans([0, 1, 3], 6, 80) == [(0, 12), (12, 8)]
    assert layout.spans([3], 0, 20) == [(18, 2)]  # cut at the view's edge
    assert layout.stops() == [0, 6]


def test_new_widths_and_headers_make_a_new_layout_or_none():
    layout = ColumnLayout(COLUMNS, fixed=1)
    assert layout.with_widths({"b": 0}) is None
    wider = layout.with_widths({"b": 3})
    assert wider is not None and wider.starts == (0, 12, 18, 23) and wider.width == 31
    assert layout.with_label("a", "A") is None
    relabelled = layout.with_label("a", "Ä")
    assert relabelled is not None and relabelled.columns[1].label == "Ä" and relabelled.width == layout.width


def test_a_column_without_a_width_is_refused():
    with pytest.raises(ValueError, match="fixed widths"):
        ColumnLayout([Column("x", "X")])


@given(
    widths=st.lists(st.integers(0, 12), min_size=1, max_size=8),
    fixed=st.integers(0, 3),
    scroll=st.integers(0, 60),
    view=st.integers(1, 100),
)
def test_spans_stay_on_screen_and_apart(widths, fixed, scroll, view):
    layout = ColumnLayout([Column(f"c{i}", "", w) for i, w in enumerate(widths)], fixed=fixed)
    spans = layout.spans(range(len(widths)), scroll, view)
    assert all(x >= 0 and width > 0 and x + width <= view for x, width in spans)
    assert all(a[0] + a[1] <= b[0] for a, b in pairwise(spans))  # in order, no overlap
