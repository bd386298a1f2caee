"""``doctor``: check the account with one request, even when no session is due.

It says where the credentials came from, how requests authenticate, which project and
endpoint they go to, and what the gateway answered to a GetUSMSSendReceipt for a dummy
SessionNo, with the round trip and this machine's clock skew against the server's.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from usms_tui.cli._common import formatter, load_settings
from usms_tui.domain import json_safety
from usms_tui.domain.text import safe

if TYPE_CHECKING:
    from usms_tui.api.client import ReceiptClient
    from usms_tui.config.settings import Settings
    from usms_tui.monitor.doctor import AccountCheck

EPILOG = """\
--json prints {"verdict", "exit_code", "auth_mode", "credential_source", "public_key", "profile",
"profile_source", "project_id", "project_source", "base_url", "base_url_source",
"channel_key", "request_id", "round_trip_ms", "clock_skew_seconds", "token_expires_at",
"token_refreshed", "error": {"kind", "message", "ret_code", "request_id"} or null, "advice",
"warnings"}. No key or token is ever printed.

exit codes:
  0  the account gets through (RetCode 0)
  2  bad flag or config, or no credentials at all
  4  fatal: the gateway refused the credentials, permission or project (RetCode and advice shown)
  5  transient: network, timeout, HTTP 5xx/429 or throttling; try again later
  6  another API error (the credentials were accepted, the request was not)
"""


def register(subparsers: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add the ``doctor`` subcommand."""
    parser = subparsers.add_parser(
        "doctor",
        parents=[common],
        help="check credentials, project and endpoint with one request",
        description="Send one GetUSMSSendReceipt for a dummy SessionNo and report what the account, "
        "endpoint and clock look like, even when no session is due.",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def credential_source(settings: Settings) -> str:
    """Where the credentials came from, in the words of ``config show`` (never their value)."""
    if settings.auth_mode == "oauth":
        return f"OAuth login of ucloud profile {settings.profile!r} ({settings.ucloud_credential_path})"
    public, private = settings.sources["public_key"], settings.sources["private_key"]
    return public if public == private else f"public key: {public}; private key: {private}"


def report(settings: Settings, client: ReceiptClient, check: AccountCheck) -> dict[str, Any]:
    """The ``--json`` document (also what the text form prints)."""
    session = getattr(client.auth, "session", None)
    error = check.error
    warnings = [w for w in (check.skew_warning,) if w]
    return {
        "verdict": check.verdict,
        "exit_code": check.exit_code,
        "auth_mode": settings.auth_mode,
        "credential_source": credential_source(settings),
        "public_key": settings.public_key if settings.auth_mode != "oauth" else None,
        "profile": settings.profile,
        "profile_source": settings.sources["profile"],
        "project_id": settings.project_id,
        "project_source": settings.sources["project_id"],
        "base_url": client.base_url,
        "base_url_source": settings.sources["base_url"],
        "channel_key": settings.channel_key,
        "request_id": check.request_id,
        "round_trip_ms": None if check.round_trip is None else round(check.round_trip * 1000, 1),
        "clock_skew_seconds": None if check.clock_skew is None else round(check.clock_skew),
        "token_expires_at": session.expires_at if session is not None else None,
        "token_refreshed": bool(session.refreshes) if session is not None else None,
        "error": None if error is None else {k: v for k, v in error.to_dict().items() if k != "session_nos"},
        "advice": None if error is None else error.advice,
        "warnings": warnings,
    }


def print_text(document: dict[str, Any]) -> None:
    """The report as aligned lines; every value from a file or the API made terminal-safe."""
    from usms_tui.domain.timefmt import format_local_time

    auth = document["auth_mode"]
    lines = [("credentials", document["credential_source"]), ("auth mode", auth)]
    if document["public_key"]:
        lines.append(("public key", document["public_key"]))
    if document["token_expires_at"] is not None:
        refreshed = " (refreshed now)" if document["token_refreshed"] else ""
        lines.append(("token", f"valid until {format_local_time(document['token_expires_at'])}{refreshed}"))
    profile = document["profile"]
    lines.append(("profile", f"{profile} ({document['profile_source']})" if profile else "(none)"))
    project = document["project_id"]
    lines.append(
        ("project", f"{project} ({document['project_source']})" if project else "(none: the account's default)")
    )
    lines.append(("base URL", f"{document['base_url']} ({document['base_url_source']})"))
    lines.append(("channel key", document["channel_key"] or "(none)"))
    error = document["error"]
    if error is None:
        answer = f"RetCode 0 in {document['round_trip_ms']:.0f} ms (request id {document['request_id'] or '-'})"
        lines.append(("request", f"GetUSMSSendReceipt for a dummy SessionNo: {answer}"))
        skew = document["clock_skew_seconds"]
        lines.append(("clock skew", "unknown (no Date header)" if skew is None else f"{skew:+d}s against the server"))
        lines.append(("verdict", "ok"))
    else:
        code = f"RetCode {error['ret_code']}: " if error["ret_code"] is not None else ""
        rid = f" (request id {error['request_id']})" if error["request_id"] else ""
        lines.append(("verdict", f"{document['verdict']}: {code}{error['message']}{rid}"))
        lines.append(("advice", document["advice"]))
    for label, value in lines:
        print(f"{label:<12} {safe(value)}")


async def _doctor(settings: Settings) -> dict[str, Any]:
    from usms_tui.api.client import make_http_client
    from usms_tui.monitor.doctor import check_account
    from usms_tui.monitor.runtime import build_client

    async with make_http_client(settings.timeout, base_url=settings.base_url) as http:
        client = build_client(settings, http)
        check = await check_account(client)
        return report(settings, client, check)


def run(args: argparse.Namespace) -> int:
    """Probe once; the exit code is the verdict's (see the epilog)."""
    import asyncio

    settings = load_settings(args)
    settings.login()  # no credentials: one line naming every way to give them, exit 2
    document = asyncio.run(_doctor(settings))
    if args.json:
        print(json_safety.dumps(document, indent=2))
    else:
        print_text(document)
    for warning in document["warnings"]:
        print(f"usms-tui: warning: {safe(warning)}", file=sys.stderr)
    return int(document["exit_code"])
