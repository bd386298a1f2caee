"""``list``/``check``/``wait`` tables: whole SessionNos in a pipe or when the terminal is wide
enough, and columns measured in terminal cells so CJK labels line up."""

from __future__ import annotations

import io

import pytest

from usms_tui.cli import _common
from usms_tui.cli._common import SessionView
from usms_tui.cli._listing import print_table
from usms_tui.domain.cells import cell_width, clip, pad
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.store.cache import CachedSession
from usms_tui.store.watchlist import WatchedSession

LONG = "8c4f3a2b-1d2e-4f5a-9b8c-7d6e5f4a3b2c-0123456789"  # 47 characters


def view(session_no: str, label: str = "", desc: str = "") -> SessionView:
    entry = WatchedSession(session_no, label=label, added_at=1_000.0, phones=("13800000001",))
    receipts = [Receipt.from_api({"Phone": "13800000001", "ReceiptResult": "Fail", "ReceiptDesc": desc})]
    summary = summarize(session_no, receipts, now=2_000.0, added_at=1_000.0, known_phones=entry.phones)
    return SessionView(entry, summary, CachedSession(session_no, tuple(receipts), last_checked=1_900.0))


def table(capsys, views, **kwargs) -> list[str]:
    print_table(views, phones=kwargs.pop("phones", False), mask=True, now=2_000.0, **kwargs)
    return capsys.readouterr().out.splitlines()


def age_column_end(line: str) -> int:
    """Cells up to the end of the (right-aligned) AGE column: header ``AGE`` or value ``16m``."""
    token = "AGE" if line.startswith("SESSION") else " 16m"
    return cell_width(line[: line.index(token) + len(token)])


def test_cells_count_cjk_as_two_and_marks_as_none():
    assert cell_width("登录验证码") == 10 and cell_width("e\u0301") == 1 and cell_width("abc") == 3
    assert clip("登录验证码短信", 7) == "登录验…" and cell_width(clip("登录验证码短信", 7)) == 7
    assert pad("空号", 6) == "空号  " and pad("ab", 4, right=True) == "  ab"


def test_in_a_pipe_session_nos_are_whole_in_the_name_column(capsys):
    lines = table(capsys, [view(LONG), view("short")])
    assert lines[1].startswith(LONG + " ")
    assert not any(line.strip() == LONG for line in lines)  # no need for a second line


def test_a_narrow_terminal_cuts_the_column_but_prints_the_session_no_whole_below(capsys):
    lines = table(capsys, [view(LONG)], width=80)
    assert "…" in lines[1] and LONG not in lines[1]
    assert lines[2] == "  " + LONG
    assert max(cell_width(line) for line in lines[:2]) <= 80


def test_a_wide_terminal_shows_whole_session_nos_in_the_column(capsys):
    lines = table(capsys, [view(LONG)], width=200)
    assert lines[1].startswith(LONG + " ") and len(lines) == 3  # header, row, footer


def test_cjk_labels_keep_the_columns_aligned(capsys):
    views = [view("s-1", label="登录验证码短信"), view("s-2", label="order shipped"), view("s-3", label="混合 mix")]
    lines = table(capsys, views)
    rows = [lines[0]] + [line for line in lines[1:] if " 16m " in line]
    assert len(rows) == 4 and len({age_column_end(line) for line in rows}) == 1, rows


def test_cjk_descriptions_are_cut_by_cells_on_a_terminal(capsys):
    lines = table(capsys, [view("s-1", desc="空号" * 40)], width=100, phones=True)
    phone_line = next(line for line in lines if "138****0001" in line)
    assert phone_line.endswith("…") and cell_width(phone_line) <= 100


@pytest.mark.parametrize(("tty", "expected"), [(True, 123), (False, None)])
def test_terminal_width_only_for_a_terminal(monkeypatch, tty, expected):
    class Out(io.StringIO):
        def isatty(self) -> bool:
            return tty

    monkeypatch.setattr("sys.stdout", Out())
    monkeypatch.setenv("COLUMNS", "123")
    assert _common.terminal_width() == expected
