"""What the screen says while the API fails: the advice line says what to do about the selected
session (most pressing first), the status line how old the data is, notices do not pile up."""

from __future__ import annotations

from usms_tui.simulator import Fault

from .conftest import NOW, make_test_app, screen_text, settle
from .screen_parts import SIZE, parts


async def test_refresh_error_comes_before_overdue_advice(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # the session sent 36 h ago, a phone still pending
        await pilot.pause()
        table, _, advice = parts(app)
        overdue = table.selected_key
        assert "contact UCloud support" in advice.plain
        app.rig.sim.add_fault(Fault.RET171, 1.0)  # a wrong key: nothing can be fetched
        await pilot.press("r")
        await settle(app, pilot)
        assert app.poller.states[overdue].last_error is not None
        # Support cannot help with our own key: the line says what failed, not "contact UCloud".
        assert advice.plain.startswith("⚠ refresh failed: RetCode 171")
        assert "contact UCloud support" not in advice.plain
        assert table.cell(overdue, "age")[0].startswith("!")  # still marked overdue
        app.rig.sim.clear_faults()
        await pilot.press("r")
        await settle(app, pilot)
        assert "contact UCloud support" in advice.plain


async def test_retrying_a_fatal_error_does_not_stack_its_notices(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.rig.sim.add_fault(Fault.RET171, 1.0)
        for _ in range(3):  # the user retries before fixing the key
            await pilot.press("r")
            await settle(app, pilot)
        stopped = [n for n in app._notifications if n.message.startswith("polling stopped")]
        assert len(stopped) == 1 and app.controller.stopped is not None


async def test_status_line_refresh_time_is_the_last_good_answer(tmp_path):
    app = make_test_app(tmp_path)
    app.rig.sim.add_fault(Fault.RET171, 1.0)  # a wrong key from the start
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        state = app.bar_state()
        assert state.stopped and state.last_refresh is None
        text = screen_text(app)
        assert "never refreshed" in text and "refreshed 08:00" not in text
        app.rig.sim.clear_faults()
        await pilot.press("r")
        await settle(app, pilot)
        assert app.bar_state().last_refresh == NOW
        app.rig.clock.advance(60)
        app.rig.sim.add_fault(Fault.HTTP503, 1.0)
        await pilot.press("r")
        await settle(app, pilot)
        state = app.bar_state()
        assert state.error and state.last_refresh == NOW  # the data is as of the last answer


async def test_pause_and_resume_do_not_retry_a_fatal_error(tmp_path):
    app = make_test_app(tmp_path)
    app.rig.sim.add_fault(Fault.RET171, 1.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        requests, cycles = app.rig.sim.requests, app.controller.cycles
        await pilot.press("p", "p")  # pause, resume: polling stays stopped until r
        await settle(app, pilot)
        assert app.controller.cycles == cycles and app.controller.stopped is not None and not app.controller.paused
        assert app._timer is None and app.rig.sim.requests == requests  # no retry with a bad key
        await pilot.press("r")
        await settle(app, pilot)
        assert app.controller.cycles == cycles + 1
