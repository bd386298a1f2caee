"""Toasts that stay out of the way: short, one per kind, replaced rather than stacked.

A toast over the phone pane for half a minute hides what it is about, and a failing API
every cycle would pile them up; what they said is kept on the events screen, so a toast may
be brief. Esc dismisses them (see the app's ``dismiss_toasts``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.actions import SkipAction
from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel

from usms_tui.monitor.notices import News, Notice
from usms_tui.tui.alerts import say
from usms_tui.tui.keymap import key_hint

#: No toast stays longer than this (seconds); the events screen keeps what it said.
MAX_TIMEOUT = 5.0


class Toasts:
    """The live toast of each kind (``kind``: the notice's kind; else the words themselves,
    so the same words are never shown twice at once)."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._live: dict[str, Notification] = {}

    def show(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        kind: str | None = None,
    ) -> None:
        app = self._app
        kind = kind or f"{title}\x00{message}"
        notifications = app._notifications  # Textual offers no public "replace"
        old = self._live.get(kind)
        if old is not None and old in notifications:
            if old.message == message and old.title == title:
                return  # the same words again: the one on screen says it
            app._unnotify(old, refresh=False)
        duration = MAX_TIMEOUT if timeout is None else min(timeout, MAX_TIMEOUT)
        notification = Notification(message, title, severity, duration, markup=markup)
        self._live[kind] = notification
        app.post_message(Notify(notification))

    def tell(self, notices: Iterable[Notice], name_of: Callable[[str], str], phone_of: Callable[[str], str]) -> bool:
        """A toast per notice, one live per notice kind; True when one of them is news."""
        news = False
        for notice in notices:
            said = say(notice, name_of, phone_of, key_hint(self._app, "refresh"))
            kind = type(notice).__name__
            self.show(
                said.message, title=said.title, severity=said.severity, timeout=said.timeout, markup=False, kind=kind
            )
            news = news or isinstance(notice, News)
        return news

    def any_shown(self) -> bool:
        return bool(len(self._app._notifications))

    def clear(self) -> None:
        self._live.clear()
        self._app.clear_notifications()


class ToastingApp:
    """Mixin for the app: every ``notify`` goes through :class:`Toasts`; Esc dismisses them."""

    toasts: Toasts

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        kind: str | None = None,
    ) -> None:
        self.toasts.show(message, title=title, severity=severity, timeout=timeout, markup=markup, kind=kind)

    def action_dismiss_toasts(self) -> None:
        """Esc: the toasts go (bound with priority; passes the key on when there are none)."""
        if not self.toasts.any_shown():
            raise SkipAction()
        self.toasts.clear()
