"""``check --json`` writes, byte for byte, the document it wrote before the refresh was made
to stream (answers read after the next request is out, the cache's text made on the loop,
no summaries at a cold start): a fixed simulator seed and clock, several batches answered
over a real socket, four at a time. Only what depends on the moment of the run (the
``checked_at`` and each session's ``age_seconds``) is put aside before the comparison."""

from __future__ import annotations

import hashlib
import json
import re

from usms_tui.simulator import ManualClock, Simulator, SimulatorServer

#: The simulator's moment (its sessions' send and receipt times are counted from it).
SIM_NOW = 1_750_000_000.0
#: sha256 of the document with its moments put aside, as written by the code before the
#: streaming changes (main at f95c276) and after them.
DIGEST = "305d249bf5e32af88c5a09bbde4e30bd03cff6585282156a39a20e11409f6604"

_MOMENTS = re.compile(r'("checked_at": |"age_seconds": )[0-9.e+-]+')


def without_moments(text: str) -> str:
    return _MOMENTS.sub(r"\g<1>0", text)


def test_check_json_is_the_document_written_before_in_watchlist_order(cli, tmp_path):
    simulator = Simulator(seed=11, clock=ManualClock(SIM_NOW))
    created = simulator.precreate(450, 3)
    simulator.clock.advance(6 * 3600)  # most receipts in, some phones still pending
    entries = simulator.watched_sessions(created)
    import_file = tmp_path / "sessions.jsonl"
    import_file.write_text(
        "".join(
            json.dumps({"session_no": e.session_no, "sent_at": e.sent_at, "phones": list(e.phones)}) + "\n"
            for e in entries
        )
    )
    with SimulatorServer(simulator) as server:
        cli.env.update(
            UCLOUD_PUBLIC_KEY=server.public_key,
            UCLOUD_PRIVATE_KEY=server.private_key,
            UCLOUD_API_BASE_URL=server.base_url,
        )
        added = cli("add", "--from", import_file)
        assert added.returncode == 0, added.stderr
        out = cli("check", "--json")
    assert out.returncode in (0, 7), out.stderr
    doc = json.loads(out.stdout)
    assert [s["session_no"] for s in doc["sessions"]] == created  # the watchlist's order
    assert hashlib.sha256(without_moments(out.stdout).encode()).hexdigest() == DIGEST
