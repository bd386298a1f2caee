"""Wiring, in one place: the HTTP client, receipt client, watchlist, cache, poller and refresh
controller of one run, built from effective settings.

A :class:`Runtime` is an async context manager that closes what it opened, in reverse, when
the run ends; nothing else closes them (the UI app only uses them). Every command that polls
(``check``, ``wait``, ``ui``, ``demo``), the UI tests, the benchmarks and the screenshots get
theirs from one of its constructors:

* :meth:`Runtime.open`: the user's watchlist and cache, the real API;
* :meth:`Runtime.offline`: the in-process simulator behind httpx's mock transport, no
  socket, no waiting, one clock shared by simulator, poller and UI (screenshots, UI tests);
* ``Runtime(settings, watchlist, fetcher)``: any fetcher (benchmarks with a fake one).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from usms_tui.api.client import ReceiptClient, RetryPolicy, make_http_client
from usms_tui.config.settings import Settings
from usms_tui.monitor.alerting import Alerting, thresholds_of
from usms_tui.monitor.controller import RefreshController
from usms_tui.monitor.credentials import build_auth
from usms_tui.monitor.doctor import AccountCheck, check_account
from usms_tui.monitor.poller import Poller, ReceiptFetcher
from usms_tui.store.cache import CacheError, ReceiptCache
from usms_tui.store.watchlist import Watchlist

if TYPE_CHECKING:
    from usms_tui.simulator import Simulator  # only the offline runtime needs one

#: Where warnings go (the CLI prints them on stderr); they are kept in ``Runtime.notes`` too.
Warn = Callable[[str], None]


def build_client(settings: Settings, http: httpx.AsyncClient | None = None, **kwargs: Any) -> ReceiptClient:
    """A client from effective settings (raises ConfigError when credentials are missing)."""
    http = http if http is not None else make_http_client(settings.timeout, base_url=settings.base_url)
    kwargs.setdefault("retry", RetryPolicy(max_attempts=settings.max_retry_times + 1))
    return ReceiptClient(
        http,
        build_auth(settings, http),
        channel_key=settings.channel_key,
        base_url=settings.base_url,
        project_id=settings.project_id,
        region=settings.region,
        batch_size=settings.batch_size,
        concurrency=settings.concurrency,
        allow_http=settings.allow_http,
        **kwargs,
    )


def open_cache(path: Path, warn: Warn) -> ReceiptCache | None:
    """The receipt cache, or None (after a warning) when it cannot be used: it is disposable."""
    try:
        cache = ReceiptCache(path)
    except (CacheError, OSError) as error:
        warn(f"{error}; continuing without the cache")
        return None
    flush_cache_warnings(cache, warn)
    return cache


def flush_cache_warnings(cache: ReceiptCache | None, warn: Warn) -> None:
    """Hand on (once) what went wrong with the cache since the last call: never fatal, never hidden."""
    if cache is None:
        return
    for message in cache.warnings:
        warn(str(message))
    cache.warnings.clear()


async def _no_sleep(_seconds: float) -> None:
    return None


class Runtime:
    """The machinery of one run. Use as ``async with``; it closes what it was given to own."""

    def __init__(
        self,
        settings: Settings,
        watchlist: Watchlist,
        fetcher: ReceiptFetcher,
        *,
        cache: ReceiptCache | None = None,
        clock: Callable[[], float] = time.time,
        warn: Warn | None = None,
    ) -> None:
        self.settings = settings
        self.watchlist = watchlist
        self.cache = cache
        self.clock = clock
        self.poller = Poller(
            watchlist, cache, fetcher, warn_after=settings.warn_after, interval=settings.interval, clock=clock
        )
        self._fetcher = fetcher
        self.controller = RefreshController(self.poller, clock=clock)
        self.controller.thresholds = thresholds_of(settings)
        #: Warnings given while opening (the UI shows them again: its screen hides stderr).
        self.notes: list[str] = []
        self._warn = warn
        self._closers: list[Callable[[], Awaitable[None]]] = []
        if cache is not None:
            self._closers.append(self._close_cache)

    @classmethod
    def open(cls, settings: Settings, *, warn: Warn | None = None) -> Runtime:
        """The user's watchlist (loaded: a corrupt one raises WatchlistError), the real API
        (ConfigError without credentials) and the cache (None, with a warning, if unusable).
        Nothing is left open when it raises."""
        notes: list[str] = []

        def note(message: str) -> None:
            notes.append(message)
            if warn is not None:
                warn(message)

        watchlist = Watchlist(settings.watchlist_path)
        watchlist.load()
        settings.login()  # before anything is opened that would need closing
        http = make_http_client(settings.timeout, base_url=settings.base_url)
        client = build_client(settings, http)
        runtime = cls(settings, watchlist, client, cache=open_cache(settings.cache_path, note), warn=warn)
        runtime.notes = notes
        runtime._closers.insert(0, http.aclose)
        return runtime

    @classmethod
    def offline(
        cls, sim: Simulator, watchlist: Watchlist, clock: Callable[[], float], folder: Path, **overrides: Any
    ) -> Runtime:
        """The real machinery over ``sim`` with no socket and no waiting: HTTP through the
        simulator's mock transport, retries that do not sleep, ``clock`` shared by simulator,
        poller and UI; no cache; the UI's state file in ``folder``. ``overrides`` are settings
        (interval, bell, theme...)."""
        overrides.setdefault("state_path", folder / "ui-state.json")
        settings = Settings(
            public_key=sim.public_key,
            private_key=sim.private_key,
            base_url="http://127.0.0.1:9",  # never dialled: the mock transport answers
            watchlist_path=watchlist.path,
            cache_path=folder / "cache.sqlite3",
            config_path=folder / "config.toml",
            **overrides,
        )
        http = httpx.AsyncClient(transport=sim.mock_transport())
        client = ReceiptClient(http, sim.credentials, base_url=settings.base_url, sleep=_no_sleep)
        runtime = cls(settings, watchlist, client, clock=clock)
        runtime._closers.append(http.aclose)
        return runtime

    def check_account_at_start(self) -> None:
        """Have the first cycle probe the account when it needs no request (as ``doctor`` does):
        with every session settled a bad key would otherwise go unseen. Only for a real client."""
        client = self._fetcher
        if not isinstance(client, ReceiptClient):
            return
        project_id = self.settings.project_id

        async def probe() -> AccountCheck:
            return await check_account(client, project_id=project_id, clock=self.clock)

        self.controller.account_check = probe

    def use_alerting(self, alerting: Alerting) -> Alerting:
        """Have every cycle of the controller end with ``alerting`` (closed with the runtime,
        before the cache: queued hooks finish first)."""
        self.controller.alerting = alerting
        self._closers.append(alerting.aclose)
        return alerting

    async def _close_cache(self) -> None:
        if self.cache is not None:
            if self._warn is not None:
                flush_cache_warnings(self.cache, self._warn)
            self.cache.close()

    async def aclose(self) -> None:
        """Close what this runtime owns, last opened first (each at most once)."""
        while self._closers:
            close = self._closers.pop()
            try:
                await close()
            except BaseException:
                await self.aclose()  # the others still get closed; the first failure is raised
                raise

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


__all__ = ["Runtime", "build_client", "flush_cache_warnings", "open_cache"]
