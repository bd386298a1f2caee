"""Event hooks: one JSON object on stdin, a scrubbed environment, failures and hangs reported."""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import shlex

from usms_tui.domain.text import safe
from usms_tui.monitor.alert_events import safe_json
from usms_tui.monitor.hooks import EVENT_ENV, HookResult, HookRunner, hook_environment

SECRET = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
EVENT = {"event": "phone_failed", "at": "2026-05-09T07:35:25Z", "session_no": "s1", "phone": "13800000000"}


def runner(command: str, **kwargs) -> tuple[HookRunner, list[HookResult]]:
    results: list[HookResult] = []
    return HookRunner(command, on_result=results.append, **kwargs), results


async def test_hook_gets_one_json_object_and_an_environment_without_secrets(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "UCLOUD_PUBLIC_KEY": "public",
        "UCLOUD_PRIVATE_KEY": SECRET,
        "UCLOUD_ACCESS_TOKEN": "tok-access-123456",
        "ucloud_refresh_token": "tok-refresh-123456",
        "MY_COPY": SECRET,  # the key pasted under another name
        "DSN": f"https://user:{SECRET}@example.invalid",
        "KEEP": "kept",
    }
    out = tmp_path / "event.json"
    env_out = tmp_path / "env.txt"
    hooks, results = runner(f"cat > {shlex.quote(str(out))}; env > {shlex.quote(str(env_out))}", env=env,
                            secrets=[SECRET, "tok-access-123456", None, ""])  # fmt: skip
    assert hooks.submit(EVENT) is True
    assert results == []  # submit only queues: the loop is never held by a hook
    await hooks.aclose()
    assert [r.ok for r in results] == [True] and results[0].exit_code == 0
    assert json.loads(out.read_text()) == EVENT and out.read_text().count("\n") == 1
    seen = dict(line.split("=", 1) for line in env_out.read_text().splitlines() if "=" in line)
    assert seen["KEEP"] == "kept" and seen["UCLOUD_PUBLIC_KEY"] == "public" and seen[EVENT_ENV] == "phone_failed"
    assert SECRET not in env_out.read_text() and "tok-" not in env_out.read_text()
    assert hooks.ran == 1 and hooks.failed == 0


def test_environment_scrub_rules():
    env = hook_environment(
        {"UCLOUD_PRIVATE_KEY": "x", "UCLOUD_OAUTH_TOKEN": "y", "UCLOUD_CLIENT_SECRET": "z", "UCLOUD_REGION": "cn-bj2",
         "SHORT": "abc", "OTHER": "abc-longer-secret-value"},
        secrets=["abc", "longer-secret"],
    )  # fmt: skip
    # A short secret is only matched whole (else every value containing "abc" would go).
    assert env == {"UCLOUD_REGION": "cn-bj2"}


async def test_failing_hook_is_reported_with_its_stderr_and_the_next_one_still_runs(tmp_path):
    hooks, results = runner("read line; printf 'first\\nboom \\033[31m\\n' >&2; exit 3")
    hooks.submit(EVENT)
    hooks.submit({**EVENT, "event": "session_overdue"})
    await hooks.aclose()
    # Hooks run concurrently: they finish in any order.
    assert sorted((r.event, r.ok, r.exit_code) for r in results) == [
        ("phone_failed", False, 3),
        ("session_overdue", False, 3),
    ]
    text = next(r for r in results if r.event == "phone_failed").describe()
    assert text == "hook for phone_failed failed with exit code 3: first | boom \\x1b[31m"
    assert hooks.failed == 2


async def test_missing_command_is_a_failure_not_a_crash():
    hooks, results = runner("/nonexistent/usms-hook")
    hooks.submit(EVENT)
    await hooks.aclose()
    (result,) = results
    assert not result.ok and result.exit_code == 127 and "not found" in result.stderr


async def test_hanging_hook_is_killed_with_its_children_and_reported(tmp_path):
    pid_file = tmp_path / "child.pid"
    # The hook starts a child of its own and waits: killing the shell alone would leave it.
    hooks, results = runner(f"sleep 60 & echo $! > {shlex.quote(str(pid_file))}; wait", timeout=1.5)
    hooks.submit(EVENT)
    await hooks.aclose()
    (result,) = results
    assert result.timed_out and not result.ok and result.exit_code is None
    assert re.match(r"hook for phone_failed timed out after \d+\.\d s; killed it and its children", result.describe())
    child = int(pid_file.read_text())
    assert _gone(child)


def _gone(pid: int) -> bool:
    """The process exits within 5 s (SIGKILL is delivered, not instant): a pidfd becomes
    readable when it does, zombie or reaped."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], 5)[0])
    finally:
        os.close(fd)


async def test_a_hook_that_does_not_read_a_large_event_is_not_an_error():
    hooks, results = runner("exit 0")
    hooks.submit({**EVENT, "desc": "x" * 200_000})
    await hooks.aclose()
    assert results[0].ok


async def test_a_full_queue_skips_and_says_so_once_per_burst(tmp_path):
    gate = tmp_path / "gate"
    hooks, results = runner(f"while [ ! -e {shlex.quote(str(gate))} ]; do sleep 0.01; done", concurrency=1,
                            max_queued=1)  # fmt: skip
    accepted = [hooks.submit({**EVENT, "n": n}) for n in range(5)]
    await asyncio.sleep(0)  # the worker takes the first event off the queue
    accepted.append(hooks.submit({**EVENT, "n": 5}))
    assert accepted == [True, False, False, False, False, True]
    assert [r.skipped for r in results] == [1]  # reported at once, not once per event
    gate.write_text("")
    await hooks.aclose()
    assert [r.skipped for r in results] == [1, 0, 0, 4]
    assert results[-1].describe() == "hook skipped for 4 event(s): the queue was full"


def test_json_for_hooks_escapes_what_could_act_on_a_terminal_and_stays_equal():
    doc = {"label": "登录\u202egnp.exe", "desc": "a\x1b[2Jb\x85c\u2028d", "tag": "x\U000e0001y", "n": 1}
    text = safe_json(doc)
    assert "\u202e" not in text and "\x1b" not in text and "\x85" not in text and "\u2028" not in text
    assert "\\u202e" in text and "\\udb40\\udc01" in text and "登录" in text
    assert text.isprintable() and json.loads(text) == doc
    assert safe("a\nb\x1b") == "a\\x0ab\\x1b"


def test_log_lines_plain_and_json_mask_phones_and_escape_text():
    from usms_tui.domain.receipts import Receipt
    from usms_tui.monitor.alert_events import phone_failed
    from usms_tui.monitor.eventlog import event_line, hook_line, notice_line

    receipt = Receipt.from_api({"Phone": "13800001234", "ReceiptResult": "Fail", "ReceiptCode": "UN\x1bDELIV"})
    event = phone_failed("s1", "登录\u202e", receipt, 1_800_000_000.0)
    plain = event_line(event)
    assert plain == "2027-01-15T08:00:00Z phone_failed failed: 138****1234 in 登录\\u202e (ReceiptCode UN\\x1bDELIV)"
    doc = json.loads(event_line(event, json_lines=True))
    assert doc["log"] == "event" and doc["phone"] == "138****1234" and doc["label"] == "登录\u202e"
    assert json.loads(event_line(event, json_lines=True, mask=False))["phone"] == "13800001234"
    failed = HookResult("phone_failed", ok=False, exit_code=3, stderr="boom")
    assert hook_line(failed, 0.0) == "1970-01-01T00:00:00Z hook for phone_failed failed with exit code 3: boom"
    assert json.loads(hook_line(failed, 0.0, json_lines=True))["exit_code"] == 3
    assert notice_line("a\nb", 0.0) == "1970-01-01T00:00:00Z warning: a\\x0ab"
