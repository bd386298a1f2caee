"""The UI and the account: the start-up account check (when the first cycle needs no request,
the probe of ``usms-tui doctor`` still asks once, so a wrong key shows at once), and sessions
sent under another project than the configured one."""

from __future__ import annotations

from usms_tui.simulator import Fault

from .conftest import NOW, make_test_app, screen_text, settle
from .screen_parts import SIZE


async def test_a_refused_key_is_seen_at_start_up_with_nothing_due(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    app.rig.sim.add_fault(Fault.RET171, 1.0)  # the gateway refuses this key
    app.rig.runtime.check_account_at_start()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        stopped = app.controller.stopped
        assert stopped is not None and stopped.ret_code == 171
        assert not app.controller.polling  # fatal: no polling until the user retries
        assert "171" in screen_text(app)


async def test_a_good_key_with_nothing_due_stays_ok_and_is_probed_once(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    app.rig.runtime.check_account_at_start()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.controller.last_error is None and app.controller.polling
        assert app.controller.account_check is None  # asked once, at start-up only
        assert app.controller.last_refresh is not None


async def test_a_first_cycle_that_asks_the_api_needs_no_probe(tmp_path):
    app = make_test_app(tmp_path)
    app.rig.runtime.check_account_at_start()
    asked: list[str] = []

    async def probe():  # would be the doctor's check; it must not run
        asked.append("probe")
        raise AssertionError("probed although the cycle asked the API")

    app.controller.account_check = probe
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert asked == [] and app.controller.last_error is None


async def test_a_session_of_another_project_says_so_in_the_line_and_the_detail(tmp_path):
    from usms_tui.store.watchlist import WatchedSession
    from usms_tui.tui.widgets.advice_line import AdviceLine

    other = WatchedSession("usms-other-project-0001", label="from org-b", added_at=NOW, project_id="org-b")
    app = make_test_app(tmp_path, sessions=0, fresh=False, extra=[other])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        line = app.screen.query_one(AdviceLine).plain
        assert "usms-other-project-0001 · from org-b · project org-b" in line
        await pilot.press("enter")
        await pilot.pause()
        assert "Project       org-b" in screen_text(app)
