"""The UI's text helpers: untrusted text as literal Rich text, fitted to terminal cells, and
how a status reads (symbol and word, never colour alone)."""

from __future__ import annotations

from rich.cells import cell_len

from usms_tui.domain.receipts import Status
from usms_tui.tui.statuses import progress_bar, status_class, status_label
from usms_tui.tui.text import clip, fit, literal, shorten


def test_literal_keeps_markup_and_escapes_visible():
    text = literal("[bold red]x[/] \x1b[31mEVIL\u202e")
    assert text.plain == "[bold red]x[/] \\x1b[31mEVIL\\u202e"
    assert not text.spans


def test_status_label_is_symbol_and_word():
    """What every status cell shows (the tables style it by status_class, never by colour alone)."""
    assert status_label(Status.DELIVERED) == "✓ delivered"
    assert status_label(Status.FAILED) == "✗ failed"
    assert status_label(Status.PENDING, overdue=True) == "! overdue"
    assert status_label(Status.OTHER, "Weird") == "• Weird"
    assert status_label(Status.FAILED, "SubmitFail") == "✗ SubmitFail"  # a failure, its raw word kept
    assert status_label(Status.FAILED, "Fail") == "✗ failed"
    assert status_label(Status.OTHER, "[b]x\x1b") == "• [b]x\\x1b"
    assert status_class(Status.PENDING, overdue=True) == "-overdue" and status_class(Status.FAILED) == "-failed"


def test_progress_bar_and_shorten():
    assert progress_bar(2 / 3) == "████░░  67%"
    assert progress_bar(1.0) == "██████ 100%"
    assert shorten("c7ece75d-b582-4b6f-bafd-51da02a03873", 17) == "c7ece75d…a02a03873"[:8] + "…" + "a02a03873"[1:]
    assert len(shorten("x" * 50, 12)) == 12
    assert clip("from another shell", 12) == "from anothe…" and clip("short", 12) == "short"


def test_clip_and_shorten_count_terminal_cells():
    label = "营销短信双十一活动第二批次用户通知"  # 17 characters, 34 cells
    assert clip(label, 16) == "营销短信双十一…" and cell_len(clip(label, 16)) <= 16
    assert shorten(label, 9) == "营销…通知" and cell_len(shorten(label, 9)) == 9
    assert clip("from another shell", 12) == "from anothe…"  # ASCII as before


def test_fit_pads_or_cuts_to_exact_cells():
    assert fit("ok", 5) == "ok   " and fit("ok", 5, "right") == "   ok"
    assert fit("用户接收成功", 7) == "用户接…" and cell_len(fit("用户接收成功", 7)) == 7
    assert fit("abc", 1) == "a"
