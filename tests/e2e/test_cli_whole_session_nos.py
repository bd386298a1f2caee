"""In a pipe ``list``, ``check`` and ``wait`` print every SessionNo whole: a support ticket
needs them, and nothing cuts a line there."""

from __future__ import annotations

from usms_tui.simulator import Scenario

ALL_DELIVERED = Scenario(never_share=0.0, fast_share=1.0, success_share=1.0, fail_share=0.0, long_share=0.0)


def test_list_check_and_wait_print_whole_session_nos_in_a_pipe(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    nos = [server.simulator.send([f"1380000{i:04d}"]) for i in range(2)]
    assert all(len(no) > 30 for no in nos)  # wider than the old 30-cell column
    server.clock.advance(60)
    assert cli("add", *nos).returncode == 0
    for args in (["list"], ["check"], ["wait", "--timeout", "1m", "--quiet"]):
        out = cli(*args)
        assert out.returncode == 0, (args, out.stderr)
        rows = [line for line in out.stdout.splitlines() if line[:1] not in ("", " ", "S")]
        assert [row.split()[0] for row in rows[:2]] == nos, (args, out.stdout)
        assert "…" not in out.stdout
