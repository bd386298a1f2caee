"""The headless tables never pass terminal control sequences through from labels or the API."""

from __future__ import annotations

import pytest

from usms_tui.cli._common import SessionView
from usms_tui.cli._listing import print_table
from usms_tui.cli.check import print_errors
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.store.cache import CachedSession
from usms_tui.store.watchlist import WatchedSession

#: ESC (CSI, OSC title change), BEL, C1 CSI, a bidi override and a line separator.
EVIL = ["\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\u202e", "\u2028", "\r"]


def assert_inert(text: str) -> None:
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\r"):
        assert raw not in text, (raw, text)


def evil_view() -> SessionView:
    entry = WatchedSession("s-1", label="lbl" + "".join(EVIL), added_at=1_000.0, phones=("13800000009",))
    receipt = Receipt.from_api(
        {
            "Phone": "138\x1b[8m00000001",
            "ReceiptResult": "Odd\x1b[5m",
            "ReceiptCode": "C\x9b1m",
            "ReceiptDesc": "desc" + "".join(EVIL),
            "ReceiptTime": 1_700_000_000,
            "CostCount": 1,
        }
    )
    summary = summarize("s-1", [receipt], now=2_000.0, added_at=1_000.0, known_phones=entry.phones)
    error = BatchError(ErrorKind.OTHER, "GetUSMSSendReceipt: bad\x1b[31m thing", ("s-1",), ret_code=230)
    cached = CachedSession("s-1", (receipt,), last_checked=1_500.0, last_error=error, error_at=1_600.0)
    return SessionView(entry, summary, cached)


@pytest.mark.parametrize("mask", [True, False])
def test_table_with_phones_escapes_every_untrusted_field(capsys, mask):
    print_table([evil_view()], phones=True, mask=mask, now=2_000.0)
    out = capsys.readouterr().out
    assert_inert(out)
    # Shown, not dropped: the user sees that something odd came in.
    assert "lbl\\x1b[2J" in out and "desc\\x1b" in out and "other (Odd\\x1b[5m)" in out
    assert "bad\\x1b[31m thing" in out


def test_failed_batch_lines_are_escaped(capsys):
    print_errors([evil_view().cached.last_error])
    err = capsys.readouterr().err
    assert_inert(err)
    assert "RetCode 230" in err and "bad\\x1b[31m thing" in err
