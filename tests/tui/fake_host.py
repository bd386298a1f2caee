"""A tiny host app for testing screens and dialogs alone: a fake poller, a fixed clock.

The real app (``make_test_app`` in conftest.py) is used where the whole app matters; this
host keeps screen tests fast and independent of the refresh worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from usms_tui.domain.failures import BatchError
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary, summarize
from usms_tui.store.watchlist import WatchedSession
from usms_tui.tui.widgets.table_base import KeyedView

#: 2026-11-30 08:00:00 UTC: every test sees the same "now".
NOW = 1_796_025_600.0
HOUR = 3600.0


def receipt(
    phone: str, result: str = "", code: str = "", desc: str = "", time: float | None = None, cost: int = 1
) -> Receipt:
    """A receipt as the API would give it ("" result = no receipt yet)."""
    if not result:
        return Receipt.pending(phone)
    return Receipt.from_api(
        {
            "Phone": phone,
            "ReceiptResult": result,
            "ReceiptCode": code,
            "ReceiptDesc": desc,
            "ReceiptTime": time,
            "CostCount": cost,
        }
    )


@dataclass
class FakeState:
    entry: WatchedSession
    receipts: list[Receipt] = field(default_factory=list)
    last_error: BatchError | None = None


class FakePoller:
    """What screens use of the poller: ``summary(no, now)``, ``summaries(now)`` and ``states``."""

    def __init__(self, warn_after: float = 12 * HOUR) -> None:
        self.states: dict[str, FakeState] = {}
        self.warn_after = warn_after

    def add(
        self,
        session_no: str,
        receipts: Iterable[Receipt] = (),
        *,
        label: str = "",
        sent_at: float | None = None,
        phones: Iterable[str] = (),
    ) -> None:
        entry = WatchedSession(
            session_no=session_no, label=label, added_at=sent_at or NOW, sent_at=sent_at, phones=tuple(phones)
        )
        self.states[session_no] = FakeState(entry, list(receipts))

    def set_receipts(self, session_no: str, receipts: Iterable[Receipt]) -> None:
        self.states[session_no].receipts = list(receipts)

    def summary(self, session_no: str, now: float | None = None, *, with_age: bool = True) -> SessionSummary:
        state = self.states[session_no]
        return summarize(
            session_no,
            state.receipts,
            now=NOW if now is None else now,
            added_at=state.entry.added_at,
            sent_at=state.entry.sent_at,
            known_phones=state.entry.phones,
            warn_after=self.warn_after,
        )

    def summaries(self, now: float | None = None) -> list[SessionSummary]:
        return [self.summary(no, now) for no in self.states]


def sample_poller() -> FakePoller:
    """Sessions in every state, including one sent 13 h ago with phones still pending."""
    poller = FakePoller()
    poller.add(
        "usms-7a1c0f3e-0001",
        [
            receipt("13800000001", "Success", "DELIVRD", "delivered", NOW - 3500),
            receipt("13800000002", "Fail", "UNDELIV", "undeliverable", NOW - 3400),
            receipt("13800000003", "Fail", "MK:0001", "空号", NOW - 3300),
        ],
        label="Login codes",
        sent_at=NOW - HOUR,
        phones=["13800000001", "13800000002", "13800000003", "13800000004"],
    )
    poller.add(
        "usms-7a1c0f3e-0002",
        [
            receipt("13900000001", "Unknow", "", "[bold red]carrier silent[/]", NOW - 20000),
            receipt("13900000002", "Fail", "UNDELIV", "undeliverable", NOW - 19000),
            receipt("13900000003", "Weird", "X:1", "odd \x1b[31mresult", NOW - 18000),
        ],
        sent_at=NOW - 13 * HOUR,
        phones=["13900000001", "13900000002", "13900000003", "13900000004", "13900000005"],
    )
    poller.add(
        "usms-7a1c0f3e-0003",
        [receipt("13700000001", "Success", "DELIVRD", "delivered", NOW - 100)],
        label="Marketing",
        sent_at=NOW - 300,
    )
    return poller


class HostScreen(Screen):
    """Stands in for the main screen beneath the screen under test."""

    BINDINGS = [Binding("d", "app.bell", "Delete session"), Binding("slash", "app.bell", "Filter sessions")]

    def compose(self) -> ComposeResult:
        yield Static("host")
        yield Footer()


class HostApp(App):
    """Pushes ``make_screen()`` over a stand-in main screen and records what it dismisses with."""

    BINDINGS = [Binding("r", "bell", "Refresh now"), Binding("question_mark", "bell", "Help")]

    def __init__(
        self,
        make_screen: Callable[[], Screen],
        poller: Any = None,
        *,
        clock: Callable[[], float] = lambda: NOW,
        mask_phones: bool = True,
    ) -> None:
        super().__init__()
        self.poller = poller if poller is not None else sample_poller()
        self.clock = clock
        self.mask_phones = mask_phones
        self._make_screen = make_screen
        self.results: list[Any] = []

    def bar_state(self) -> None:
        """This host has no status line (the screens then show none)."""
        return

    def on_mount(self) -> None:
        self.push_screen(HostScreen())
        self.push_screen(self._make_screen(), callback=self.results.append)


# -- helpers for reading screens -----------------------------------------------------------


def cells(table: KeyedView) -> list[list[str]]:
    """The table as plain strings, in display order."""
    return [table.cells(key) for key in table.keys]


def screen_lines(table) -> list[str]:
    """What the table draws on screen now, line by line."""
    return [table.render_line(y).text for y in range(table.size.height)]


def column(table, index: int) -> list[str]:
    return [row[index] for row in cells(table)]


class Spy:
    """Counts DataTable mutations, to prove refreshes are diffs, not clear-and-refill."""

    def __init__(self, table, monkeypatch) -> None:
        self.calls: dict[str, list] = {"add_row": [], "remove_row": [], "update_cell": [], "clear": []}
        for name in self.calls:
            original = getattr(table, name)

            def wrapper(*args, _original=original, _name=name, **kwargs):
                self.calls[_name].append(args)
                return _original(*args, **kwargs)

            monkeypatch.setattr(table, name, wrapper)

    def count(self, name: str) -> int:
        return len(self.calls[name])


async def fill(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).value = text
    await pilot.pause()


async def until(pilot, condition, tries: int = 100) -> None:
    """Let the app work (a thread writing a file) until ``condition()``; never sleeps."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never became true")
