"""``add``, ``remove`` and ``list``: edit and show the watchlist. No network, ever.

``list`` shows the last known state from the receipt cache, so right after a restart (or
with no network at all) the user sees every session's last receipts.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from usms_tui.cli._common import (
    formatter,
    load_cached,
    load_settings,
    open_watchlist,
    parse_option,
    session_views,
)
from usms_tui.domain import json_safety
from usms_tui.domain.errors import EXIT_OK, EXIT_USAGE, UserError
from usms_tui.domain.sessions import MAX_LABEL_LENGTH
from usms_tui.domain.text import decode_text, safe

if TYPE_CHECKING:
    from usms_tui.store.watchlist import WatchedSession

ADD_EPILOG = """\
input formats (positional SessionNos, '-' for standard input, --from FILE; mixed freely):
  one SessionNo per line (blank lines and '#' comments skipped);
  JSON lines or a JSON array of SendUSMSMessage / SendBatchUSMSMessage responses: their
  SessionNo, plus PhoneNumbers when the object also carries the request, e.g.
    {"request": {"PhoneNumbers": ["13800000000"]}, "response": {"RetCode": 0, "SessionNo": "..."}}
  or the output of 'usms-tui list --json'. A request's ProjectId (or the response's) is kept.
--project-id ID: the sessions were sent under project ID, and are always asked for under it
(without it, and without a ProjectId in the input, the configured project is used).
A SessionNo is trimmed and refused when empty, longer than 128 characters, or containing
whitespace or control characters. One already watched gets its label, send time and phones
updated instead of being added twice. --label, --sent-at and --phone are checked as the UI's
add dialog checks them: a label has at most @LABEL@ characters and no control characters, a
send time is not in the future, a phone is digits with an optional + ( ) -.

exit codes:
  0  everything given was added or updated
  2  something was refused (the rest was still added), the input held no SessionNo at all
     (an empty file or stdin), bad flags, or a corrupt watchlist
""".replace("@LABEL@", str(MAX_LABEL_LENGTH))

REMOVE_EPILOG = """\
--settled and --older-than select from the watchlist; given together, a session must match
both. SessionNos named as well are removed too.

exit codes:
  0  done
  2  bad flags, a named SessionNo that is not watched or an input that is not one (the
     others were removed), or a corrupt watchlist
"""

LIST_EPILOG = """\
Shows the last known state from the receipt cache: no network call is made.
--json prints {"sessions": [{"session_no", "label", "added_at", "sent_at", ...}]}.

exit codes:
  0  listed
  2  corrupt or unreadable watchlist (the file is left as it was)
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``add``, ``remove`` and ``list`` subcommands."""
    register_add(subparsers, common)
    register_remove(subparsers, common)
    register_list(subparsers, common)


# One function per command: a command line naming one builds that parser alone (see
# build_parser in cli.main), as a script adding sessions one by one starts a process for each.


def register_add(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    add = subparsers.add_parser(
        "add",
        parents=[common],
        help="watch SessionNos",
        epilog=ADD_EPILOG,
        formatter_class=formatter(),
        description="Add SessionNos to the watchlist.",
    )
    add.add_argument("session_nos", nargs="*", metavar="SESSION_NO", help="SessionNos; '-' reads standard input")
    add.add_argument(
        "--from",
        dest="from_files",
        action="append",
        default=[],
        metavar="FILE",
        help="read SessionNos from FILE (repeatable)",
    )
    add.add_argument("--label", help=f"label for every session added (at most {MAX_LABEL_LENGTH} characters)")
    add.add_argument(
        "--sent-at", metavar="TIME", help="when they were sent: ISO 8601, Unix seconds or e.g. '2h ago' (not future)"
    )
    add.add_argument(
        "--phone",
        dest="phones",
        action="append",
        default=[],
        metavar="NUMBER",
        help="a phone the message went to (repeatable, or comma separated)",
    )
    add.add_argument("--json", action="store_true", help="print the report as JSON")
    add.set_defaults(run=run_add)


def register_remove(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    remove = subparsers.add_parser(
        "remove",
        parents=[common],
        help="stop watching SessionNos",
        epilog=REMOVE_EPILOG,
        formatter_class=formatter(),
        description="Remove SessionNos from the watchlist (their cached receipts age out later).",
    )
    remove.add_argument("session_nos", nargs="*", metavar="SESSION_NO", help="SessionNos; '-' reads standard input")
    remove.add_argument(
        "--settled", action="store_true", help="every session whose phones all have a final receipt (by the cache)"
    )
    remove.add_argument(
        "--older-than",
        metavar="DURATION",
        help="every session sent (or added) longer ago than DURATION (90s, 10m, 12h, 3d)",
    )
    remove.set_defaults(run=run_remove)


def register_list(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    listing = subparsers.add_parser(
        "list",
        parents=[common],
        help="show watched sessions and their last known receipts",
        epilog=LIST_EPILOG,
        formatter_class=formatter(),
        description="List the watchlist with the last known state.",
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.add_argument("--phones", action="store_true", help="also show every phone's last known receipt")
    listing.add_argument("--archived", action="store_true", help="include archived sessions in the table")
    listing.set_defaults(run=run_list)


# -- add ---------------------------------------------------------------------------------


def read_stdin() -> str:
    """Standard input as text: binary data is one clear refusal, not a UnicodeDecodeError."""
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        return decode_text(buffer.read()) if buffer is not None else sys.stdin.read()
    except (ValueError, UnicodeDecodeError) as error:
        reason = str(error) if not isinstance(error, UnicodeDecodeError) else f"not UTF-8 text (byte {error.start})"
        raise UserError(f"cannot read standard input: {reason}; nothing was added") from None


#: Refusals printed one a line; the rest are counted (a million bad lines must not become
#: a million lines of stderr).
MAX_REFUSAL_LINES = 20


def print_limited(lines: list[str], *, what: str, hint: str = "") -> None:
    """The first :data:`MAX_REFUSAL_LINES` of ``lines`` on stderr, then how many more."""
    for line in lines[:MAX_REFUSAL_LINES]:
        print(f"usms-tui: {line}", file=sys.stderr)
    more = len(lines) - MAX_REFUSAL_LINES
    if more > 0:
        print(f"usms-tui: ... and {more} more {what} ({len(lines)} in all{hint})", file=sys.stderr)


def _read_inputs(args: argparse.Namespace) -> tuple[list[WatchedSession], list[tuple[str, str]]]:
    from usms_tui.store.importer import parse_import
    from usms_tui.store.watchlist import WatchedSession, validate_session_no

    sessions: list[WatchedSession] = []
    refused: list[tuple[str, str]] = []

    for arg in args.session_nos:
        if arg == "-":
            continue
        if arg.strip()[:1] in ("[", "{"):  # a response object pasted as an argument
            found, bad = parse_import(arg, "argument")
            sessions += found
            refused += bad
            continue
        try:
            sessions.append(WatchedSession(validate_session_no(arg)))
        except ValueError as error:
            refused.append((repr(arg), str(error)))
    if "-" in args.session_nos:
        found, bad = parse_import(read_stdin(), "stdin")
        sessions += found
        refused += bad
    for name in args.from_files:
        try:
            with open(name, "rb") as handle:
                text = decode_text(handle.read())  # a BOM is dropped, as the watchlist drops one
        except OSError as error:
            raise UserError(f"cannot read {name}: {error.strerror or error}") from None
        except ValueError as error:  # not UTF-8, or a NUL in the name ("embedded null byte")
            raise UserError(f"cannot read {name}: {error}") from None
        found, bad = parse_import(text, name)
        sessions += found
        refused += bad
    return sessions, refused


def run_add(args: argparse.Namespace) -> int:
    """Add SessionNos; report added, updated and refused (refusals on stderr)."""

    from usms_tui.domain.sessions import parse_phones, parse_sent_at, validate_label, validate_project_id

    if not args.session_nos and not args.from_files:
        raise UserError("nothing to add: give SessionNos, '-' for standard input, or --from FILE")
    # The same rules, and the same reasons, as the UI's add and edit-label dialogs.
    now = time.time()
    sent_at = None if args.sent_at is None else parse_option(args.sent_at, lambda t: parse_sent_at(t, now), "--sent-at")
    label = None if args.label is None else parse_option(args.label, validate_label, "--label")
    # The common --project-id, on `add`, names the project these sessions were sent under:
    # each is then always asked for under it (`add` itself sends no request).
    project_id = (
        None
        if getattr(args, "project_id", None) is None
        else parse_option(args.project_id, validate_project_id, "--project-id")
    )
    phones = tuple(dict.fromkeys(p for text in args.phones for p in parse_option(text, parse_phones, "--phone")))
    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    sessions, refused = _read_inputs(args)
    if not sessions and not refused:
        # `add --from today.jsonl` of an empty file: saying "added 0" and exit 0 hid that
        # nothing at all was read (a wrong file, a sender that wrote nothing).
        raise UserError("nothing to add: the input held no SessionNo (an empty file or standard input?)")
    sessions = [
        s.replace(
            label=label if label is not None else s.label,
            sent_at=sent_at if sent_at is not None else s.sent_at,
            phones=tuple(s.phones) + phones,
            project_id=project_id if project_id is not None else s.project_id,
        )
        for s in sessions
    ]
    report = watchlist.add(sessions)
    refused += report.refused
    if args.json:
        print(
            json_safety.dumps(
                {
                    "added": report.added,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "refused": [{"input": i, "reason": r} for i, r in refused],
                }
            )
        )
    else:
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
            f"refused {len(refused)} ({safe(watchlist.path)})"
        )
    print_limited(
        [f"refused {safe(where)}: {safe(why)}" for where, why in refused],
        what="refused",
        hint="; --json lists every one",
    )
    return EXIT_USAGE if refused else EXIT_OK


# -- remove ------------------------------------------------------------------------------


def run_remove(args: argparse.Namespace) -> int:
    """Remove named SessionNos and/or every session matching --settled / --older-than."""
    from usms_tui.domain.timefmt import parse_duration
    from usms_tui.store.importer import parse_import

    older_than = None if args.older_than is None else parse_option(args.older_than, parse_duration, "--older-than")
    if not args.session_nos and not args.settled and older_than is None:
        raise UserError("nothing to remove: give SessionNos, '-', --settled or --older-than")
    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    text = "\n".join(s for s in args.session_nos if s != "-")
    if "-" in args.session_nos:
        text += "\n" + read_stdin()
    found, refused = parse_import(text, "input")
    named = [s.session_no for s in found]
    chosen = list(named)
    if args.settled or older_than is not None:
        cached = load_cached(settings) if args.settled else {}
        for view in session_views(watchlist.sessions(), cached, now=time.time(), warn_after=settings.warn_after):
            if args.settled and not view.summary.settled:
                continue
            if older_than is not None and view.summary.age_seconds < older_than:
                continue
            chosen.append(view.entry.session_no)
    removed = watchlist.remove(chosen)
    print(f"removed {len(removed)} ({safe(watchlist.path)})")
    missing = [s for s in dict.fromkeys(named) if s not in removed]
    print_limited([f"not watched: {safe(session_no)}" for session_no in missing], what="not watched")
    print_limited([f"refused {safe(where)}: {safe(why)}" for where, why in refused], what="refused")
    return EXIT_USAGE if missing or refused else EXIT_OK


# -- list --------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    """Print the watchlist with the cache's last known state (no network)."""
    from usms_tui.cli._common import terminal_width
    from usms_tui.cli._listing import print_json, print_table

    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    views = session_views(watchlist.sessions(), load_cached(settings), warn_after=settings.warn_after)
    if args.json:
        print_json(views)
    else:
        shown = views if args.archived else [v for v in views if not v.entry.archived]
        print_table(
            shown,
            phones=args.phones,
            mask=settings.mask_phones,
            hidden=len(views) - len(shown),
            width=terminal_width(),
        )
    return EXIT_OK
