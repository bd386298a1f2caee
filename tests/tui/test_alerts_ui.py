"""The UI with thresholds and an event hook: the status line says a threshold is crossed and
a hook failed, a notification says what the hook did, and polling goes on."""

from __future__ import annotations

import shlex

from usms_tui.monitor.alerting import open_alerting
from usms_tui.tui.alerts import alert_text, hook_text

from .conftest import make_test_app, screen_text, settle
from .screen_parts import SIZE


async def test_crossed_threshold_and_failing_hook_on_the_status_line(tmp_path):
    told = tmp_path / "told.jsonl"
    hook = f"cat >> {shlex.quote(str(told))}; echo 'no pager configured' >&2; exit 4"
    app = make_test_app(tmp_path, settings={"fail_above": 1.0, "overdue_above": 0, "on_event": hook})
    alerting = app.rig.runtime.use_alerting(open_alerting(app.settings, tell=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert alerting.hooks is not None
        await alerting.hooks.drain()  # the hooks run beside the app; wait for them, never sleep
        await pilot.pause()
        assert [a.rule for a in app.controller.alerts] == ["fail_above", "overdue_above"]
        text = screen_text(app)
        assert "⚑" in text and "undelivered > 1%" in text
        assert app.bar_state().hook_error == "hook ✗ exit 4"
        await pilot.press("r")  # the next cycle tells what the hooks did since the last
        await settle(app, pilot)
        said = [n for n in app._notifications if n.title == "event hook"]
        assert said and "failed with exit code 4: no pager configured" in said[-1].message
        assert app.controller.polling and app.controller.failures == 0
    kinds = {line.split('"event":"')[1].split('"')[0] for line in told.read_text().splitlines()}
    assert {"phone_failed", "session_overdue", "threshold_crossed"} <= kinds


def test_status_line_words():
    from usms_tui.domain.thresholds import Alert
    from usms_tui.monitor.hooks import HookResult

    assert alert_text([]) == ""
    assert alert_text([Alert("fail_above", 12.5, 10.0), Alert("overdue_above", 3, 0)]) == (
        "⚑ 12.5% undelivered > 10% · 3 overdue > 0"
    )
    assert hook_text([]) == "" and hook_text([HookResult("x", ok=True)]) == ""
    assert hook_text([HookResult("x", ok=False, timed_out=True)]) == "hook ✗ timed out"
    assert hook_text([HookResult("x", ok=False, skipped=3)]) == "hook ✗ skipped"
    assert hook_text([HookResult("x", ok=False, error="no /bin/sh")]) == "hook ✗ not run"
