"""``check``: one refresh of the watched sessions, for cron and CI. Updates the cache.

Settled sessions are final and served from the cache instead of being fetched again
(receipts never change once final), unless named with ``--session``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from usms_tui.cli._common import (
    API_EXIT_CODES_HELP,
    CACHE_KEEP_SECONDS,
    SessionView,
    counts_dict,
    exit_code_for,
    formatter,
    load_settings,
    warn,
)
from usms_tui.cli._explained import explained_help
from usms_tui.domain.errors import EXIT_OK, EXIT_THRESHOLD, UserError
from usms_tui.domain.text import safe, safe_json_text

if TYPE_CHECKING:
    from usms_tui.domain.failures import BatchError
    from usms_tui.domain.receipts import SessionSummary
    from usms_tui.domain.sessions import WatchedSession
    from usms_tui.monitor.poller import Poller
    from usms_tui.monitor.runtime import Runtime
    from usms_tui.store.watchlist import Watchlist

#: A command's work once its runtime is open (``check``, ``wait``).
Work = Callable[[argparse.Namespace, "Runtime"], Coroutine[Any, Any, int]]

EPILOG = (
    """\
--json prints {"checked_at": unix, "sessions": [{"session_no", "label", "sent_at",
"age_seconds", "settled", "overdue", "counts": {"delivered", "failed", "unknown", "pending",
"other"}, "cost_count", "delivery_seconds", "phones": [{"phone", "status", "result", "code",
"desc", "cost_count", "receipt_time", "user_id", "carrier", "cause", "meaning", "advice",
"meaning_source"}]}], "errors": [{"kind", "message", "ret_code", "request_id", "session_nos"}],
"alerts": [{"rule", "value", "threshold"}], "delivery_seconds"}. Errors and crossed
thresholds are also printed on stderr, one line each.

--fail-above PCT: the share of phones with a final receipt that were not delivered (failed,
unknown or an unlisted result), over the checked sessions; --overdue-above N: overdue
sessions. Both also in config.toml under [alerts].

"""
    + explained_help(
        'delivery_seconds: {"p50", "p95", "max"} of ReceiptTime minus the sent time (else the time '
        "added; never negative) over delivered phones, nearest-rank, whole seconds; nulls when "
        "nothing was delivered."
    )
    + "\n\n"
    + API_EXIT_CODES_HELP
    + """  7  a threshold was crossed (--fail-above, --overdue-above); 4, 5 and 6 win over it
"""
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``check`` subcommand."""
    from usms_tui.config.flags import setting_options

    parser = subparsers.add_parser(
        "check",
        parents=[setting_options("check")],
        help="refresh receipts once and print them (cron, CI)",
        description="Fetch receipts once for every watched, non-archived session (or the named ones).",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    add_session_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def add_session_option(parser: argparse.ArgumentParser) -> None:
    """``--session NO`` (repeatable), shared with ``wait``."""
    parser.add_argument(
        "--session",
        dest="sessions",
        action="append",
        default=[],
        metavar="NO",
        help="only this watched SessionNo (repeatable)",
    )


def named_sessions(watchlist: Watchlist, names: Sequence[str]) -> list[str] | None:
    """The ``--session`` values, all of which must be watched; None when none were given."""
    if not names:
        return None
    watched = {s.session_no for s in watchlist.sessions()}
    wanted = [n.strip() for n in names]
    missing = [n for n in wanted if n not in watched]
    if missing:
        raise UserError(f"not watched: {', '.join(safe(m) for m in missing)} (add it first: usms-tui add SESSION_NO)")
    return list(dict.fromkeys(wanted))


def targets(poller: Poller, only: list[str] | None) -> list[str]:
    """The sessions a command reports on: the named ones, else every non-archived one."""
    if only is not None:
        return only
    return [no for no, state in poller.states.items() if not state.entry.archived]


def views(poller: Poller, names: Sequence[str], now: float) -> list[SessionView]:
    """Poller state as list-style views (so tables look the same as ``list``)."""
    from usms_tui.store.cache import CachedSession

    out = []
    for no in names:
        state = poller.states[no]
        # No per-session error here: a failed batch is reported once on stderr, not once per
        # session of it; the CHECKED column still shows how old each session's data is.
        cached = CachedSession(no, tuple(state.receipts), state.last_checked)
        out.append(SessionView(state.entry, poller.summary(no, now), cached))
    return out


def session_fields(no: str, entry: WatchedSession, summary: SessionSummary) -> dict[str, object]:
    """A session's fields of the ``check --json`` document, before its delivery times and phones
    (one place for both writers: the whole document for ``wait``, the streamed one for ``check``)."""
    return {
        "session_no": no,
        "label": entry.label,
        "sent_at": entry.sent_at,
        "age_seconds": round(summary.age_seconds, 3),
        "settled": summary.settled,
        "overdue": summary.overdue,
        "counts": counts_dict(summary),
        "cost_count": summary.cost_count,
    }


def report_json(
    poller: Poller, names: Sequence[str], errors: Iterable[BatchError], now: float, **extra: object
) -> dict[str, object]:
    """The documented ``check --json`` document."""
    from usms_tui.domain.explain import explain_report

    sessions, summaries = [], []
    for no in names:
        summary = poller.summary(no, now)
        summaries.append(summary)
        entry = poller.states[no].entry
        sessions.append({**session_fields(no, entry, summary), "phones": [r.to_dict() for r in summary.phones]})
    doc = {"checked_at": now, "sessions": sessions, "errors": [e.to_dict() for e in errors], **extra}
    return explain_report(doc, summaries)


def write_report_json(
    write: Callable[[str], object],
    poller: Poller,
    names: Sequence[str],
    errors: Iterable[BatchError],
    now: float,
    **extra: object,
) -> None:
    """:func:`report_json`'s document, written a session at a time with the C encoder: the
    same keys in the same order, one line per session, never the whole document in memory
    (an indented dump forces the pure-Python encoder, several times slower).

    ``write`` receives text that is already safe for a terminal: a session whose texts hold
    no character :func:`safe_json_text` escapes (each distinct text is looked at once) is
    not scanned again."""
    import json
    from collections import Counter

    from usms_tui.domain.delivery import histogram, stats
    from usms_tui.domain.explain import explain
    from usms_tui.domain.receipt_codes import default_table

    table = default_table()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    # Explanations are shared objects: one dict each, and whether its texts are clean (the
    # object is held, so its id stays its own).
    explained: dict[int, tuple[object, dict[str, object], bool]] = {}
    by_prefix: dict[tuple[str, str, str], tuple[dict[str, object], bool]] = {}
    clean: dict[str, bool] = {}  # non-ASCII text -> holds nothing to escape

    def is_clean(text: str) -> bool:
        known = clean.get(text)
        if known is None:
            known = clean[text] = safe_json_text(text) == text
        return known

    delivered: Counter[int] = Counter()
    pending: list[str] = [f'{{"checked_at": {encode(now)}, "sessions": [']
    size = 0
    for index, no in enumerate(names):
        summary = poller.summary(no, now)
        entry = poller.states[no].entry
        texts = {text for text in (no, entry.label) if text and not text.isascii()}
        phones = []
        dirty = False  # an explanation's text needs escaping
        for receipt in summary.phones:
            number = receipt.phone
            # A plain eleven-digit number's carrier is its prefix's: one explanation per
            # prefix, status and code (see explain), not one lookup per phone.
            key = (number[:4], receipt.status, receipt.code) if len(number) == 11 and number.isdigit() else None
            found = by_prefix.get(key) if key is not None else None
            if found is None:
                explanation = explain(receipt, table)
                known = explained.get(id(explanation))
                if known is None:
                    fields = explanation.to_dict()
                    fine = all(is_clean(v) for v in fields.values() if isinstance(v, str) and not v.isascii())
                    known = explained[id(explanation)] = (explanation, fields, fine)
                found = (known[1], known[2])
                if key is not None:
                    by_prefix[key] = found
            dirty = dirty or not found[1]
            for text in (number, receipt.result, receipt.code, receipt.desc, receipt.user_id, receipt.time_raw):
                if not text.isascii():
                    texts.add(text)
            # Receipt.to_dict's keys, inline; a status is a str enum, encoded as its value.
            phone = {
                "phone": number,
                "status": receipt.status,
                "result": receipt.result,
                "code": receipt.code,
                "desc": receipt.desc,
                "cost_count": receipt.cost_count,
                "receipt_time": receipt.receipt_time,
                "user_id": receipt.user_id,
            }
            if receipt.time_raw:
                phone["receipt_time_raw"] = receipt.time_raw
            phone.update(found[0])
            phones.append(phone)
        counted = histogram(summary)
        delivered.update(counted)
        session = {**session_fields(no, entry, summary), "delivery_seconds": stats(counted).to_dict(), "phones": phones}
        text = encode(session)
        if dirty or not all(map(is_clean, texts)):
            text = safe_json_text(text)
        pending.append(("\n" if index == 0 else ",\n") + text)
        size += len(text)
        if size > 1 << 16:  # few large writes: the stream's own work is per call
            write("".join(pending))
            pending.clear()
            size = 0
    tail = {"errors": [e.to_dict() for e in errors], **extra, "delivery_seconds": stats(delivered).to_dict()}
    pending.append("\n], " + safe_json_text(encode(tail))[1:] + "\n")
    write("".join(pending))


def print_errors(errors: Iterable[BatchError]) -> None:
    """One stderr line per failed batch: what, RetCode, request id, what to do."""
    for error in errors:
        count = len(error.session_nos)
        print(
            f"usms-tui: error: {safe(error.describe(retrying=False))} ({count} session{'s' if count != 1 else ''})",
            file=sys.stderr,
        )


def prune_cache(runtime: Runtime, now: float) -> None:
    """Keep the cache bounded: forget unwatched sessions not refreshed for a month, and what
    was reported about them."""
    keep = [s.session_no for s in runtime.watchlist.sessions()]
    if runtime.cache is not None:
        runtime.cache.prune(now - CACHE_KEEP_SECONDS, keep=keep)
    if runtime.controller.alerting is not None:
        runtime.controller.alerting.prune(now - CACHE_KEEP_SECONDS, keep)


async def _check(args: argparse.Namespace, runtime: Runtime) -> int:
    from usms_tui.cli._common import terminal_width
    from usms_tui.cli._listing import print_table
    from usms_tui.domain.thresholds import crossed
    from usms_tui.monitor.alerting import open_alerting, thresholds_of

    poller, settings = runtime.poller, runtime.settings
    only = named_sessions(runtime.watchlist, args.sessions)
    # Only the API counters (for `usms-tui metrics`): check tells nobody about events.
    alerting = runtime.use_alerting(open_alerting(settings, tell=False, notice=warn))
    report = await poller.refresh(force=True, only=only)
    await alerting.after_cycle(poller, report)
    now = time.time()
    names = targets(poller, only)
    alerts = crossed([poller.summary(no, now) for no in names], thresholds_of(settings))
    if args.json:
        # Text made safe here need not be scanned again by the stream (it still masks secrets).
        write = getattr(sys.stdout, "write_safe", sys.stdout.write)
        write_report_json(write, poller, names, report.errors, now, alerts=[a.to_dict() for a in alerts])
    elif not names and poller.states:
        # print_table would say "No sessions watched. Add some", which is untrue here.
        print(
            f"No sessions to check: all {len(poller.states)} watched are archived "
            "('check --session NO' checks one anyway)."
        )
    else:
        print_table(
            views(poller, names, now),
            phones=False,
            mask=settings.mask_phones,
            now=now,
            footer="",
            width=terminal_width(),
        )
        print(
            f"fetched {len(report.checked)} session{'s' if len(report.checked) != 1 else ''} "
            f"in {report.requests} request{'s' if report.requests != 1 else ''}"
        )
    print_errors(report.errors)
    for alert in alerts:
        print(f"usms-tui: alert: {alert.describe()}", file=sys.stderr)
    code = exit_code_for(report.errors)
    # Data that could not be fetched is not data to judge a threshold by: 4, 5 and 6 win.
    return EXIT_THRESHOLD if code == EXIT_OK and alerts else code


def run_refreshing(args: argparse.Namespace, work: Work) -> int:
    """Open the runtime (watchlist, API client, cache) from the settings, load the watchlist
    and cache, run ``await work(args, runtime)``, then prune the cache and close everything
    whatever happened. Shared by ``check`` and ``wait``."""
    import asyncio  # here, not at the top: every command's --help imports this module

    from usms_tui.cli._signals import cancelled_by_signals
    from usms_tui.monitor.runtime import Runtime

    runtime = Runtime.open(load_settings(args), warn=warn)

    async def main() -> int:
        async with runtime:
            try:
                await runtime.controller.load()
                return await work(args, runtime)
            finally:
                prune_cache(runtime, time.time())

    # A hang-up or SIGTERM cancels the work, so the runtime and cache close before the exit.
    return asyncio.run(cancelled_by_signals(main()))


def run(args: argparse.Namespace) -> int:
    """One refresh; exit code from the worst failed batch (see the epilog)."""
    return run_refreshing(args, _check)
