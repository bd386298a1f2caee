"""A refresh at scale: batches merged and stored as they land, answers read after their
slot is free, summaries worked out once per change, ``check --json`` written a session at a
time, the stand-in gateway fast and honest, start-up that loads only what it needs."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.api.client import ReceiptClient
from usms_tui.cli._report_json import StreamedReport, session_fields, write_report_json
from usms_tui.cli.main import COMMAND_MODULE_OF, build_parser
from usms_tui.domain.explain import explain_report
from usms_tui.domain.receipts import Receipt
from usms_tui.monitor.poller import Poller
from usms_tui.simulator import ManualClock, Simulator, SimulatorServer
from usms_tui.simulator.server import _Handler, _HTTPServer
from usms_tui.store.watchlist import Watchlist

NOW = 1_750_000_000.0


def report_json(poller, names, errors, now, **extra):
    """The document built whole by the careful path (dicts, ``to_dict``, ``explain_report``,
    as ``list --json`` builds its own): what the streamed writer must equal."""
    sessions, summaries = [], []
    for no in names:
        summary = poller.summary(no, now)
        summaries.append(summary)
        entry = poller.states[no].entry
        sessions.append({**session_fields(no, entry, summary), "phones": [r.to_dict() for r in summary.phones]})
    doc = {"checked_at": now, "sessions": sessions, "errors": [e.to_dict() for e in errors], **extra}
    return explain_report(doc, summaries)


class CountingCache:
    """Stands in for the receipt cache: records each store, never the same session twice."""

    def __init__(self) -> None:
        self.stores: list[list[str]] = []
        self.warnings: list[str] = []

    def store_results(self, results, checked_at, known_phones=None, **options):
        self.stores.append(list(results))
        return set()

    def store_errors(self, errors, at):
        pass

    def load_stored(self):
        return {}


@contextlib.asynccontextmanager
async def loaded_poller(sim, watchlist, clock):
    """A poller without a cache over the stand-in gateway's mock transport, loaded."""
    async with httpx.AsyncClient(transport=sim.mock_transport()) as http:
        client = ReceiptClient(http, sim.credentials, base_url="http://127.0.0.1:9")
        poller = Poller(watchlist, None, client, clock=clock)
        poller.load()
        yield poller


def world(tmp_path, sessions: int, phones: int = 3):
    clock = ManualClock(NOW)
    sim = Simulator(seed=3, clock=clock)
    created = sim.precreate(sessions, phones)
    clock.advance(3 * 3600)  # most receipts in
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=clock)
    watchlist.add(sim.watched_sessions(created))
    return clock, sim, watchlist


async def test_each_batch_is_merged_and_stored_once_as_it_lands(tmp_path):
    clock, sim, watchlist = world(tmp_path, 250)
    cache = CountingCache()
    async with httpx.AsyncClient(transport=sim.mock_transport()) as http:
        client = ReceiptClient(http, sim.credentials, base_url="http://127.0.0.1:9")
        landed: list[int] = []
        fetch = client.fetch

        async def spying_fetch(session_nos, **options):
            handler = options["on_batch"]

            async def on_batch(found):
                landed.append(len(found))
                await handler(found)

            return await fetch(session_nos, on_batch=on_batch)

        client.fetch = spying_fetch  # type: ignore[method-assign]
        poller = Poller(watchlist, cache, client, clock=clock)  # type: ignore[arg-type]
        poller.load()
        report = await poller.refresh(force=True)
    assert sorted(landed) == [50, 100, 100]  # three batches of at most 100, each handed on alone
    stored = [no for batch in cache.stores for no in batch]
    assert sorted(map(len, cache.stores)) == [50, 100, 100] and len(stored) == len(set(stored)) == 250
    assert sorted(report.checked) == sorted(s.session_no for s in watchlist.sessions())


async def test_each_batch_is_filed_in_the_schedule_as_it_lands_not_after_the_last(tmp_path):
    clock, sim, watchlist = world(tmp_path, 250)
    async with loaded_poller(sim, watchlist, clock) as poller:
        unfiled: list[int] = []

        def on_merged(names):
            # What a batch changed is filed before the next answer is read.
            unfiled.append(sum(poller.states[no] in poller._schedule._changed for no in names))

        report = await poller.refresh(force=True, on_merged=on_merged)
    assert len(unfiled) == 3 and unfiled == [0, 0, 0]
    assert len(report.checked) == 250


async def test_a_summary_is_worked_out_again_only_when_its_session_changed(tmp_path):
    clock, sim, watchlist = world(tmp_path, 3)
    async with loaded_poller(sim, watchlist, clock) as poller:
        await poller.refresh(force=True)
        no = watchlist.sessions()[0].session_no
        first = poller.summary(no)
        clock.advance(60)
        later = poller.summary(no)
        assert later.phones is first.phones and later.age_seconds == first.age_seconds + 60
        poller.states[no].set_receipts([])
        assert poller.summary(no).phones is not first.phones


async def test_check_json_streamed_is_the_documented_document(tmp_path):
    clock, sim, watchlist = world(tmp_path, 40)
    async with loaded_poller(sim, watchlist, clock) as poller:
        report = await poller.refresh(force=True)
    names = [s.session_no for s in watchlist.sessions()]
    out = io.StringIO()
    write_report_json(out.write, poller, names, report.errors, NOW, alerts=[])
    streamed = json.loads(out.getvalue())
    assert streamed == report_json(poller, names, report.errors, NOW, alerts=[])
    assert [s["session_no"] for s in streamed["sessions"]] == names  # watchlist order
    assert list(streamed) == ["checked_at", "sessions", "errors", "alerts", "delivery_seconds"]


async def test_check_json_encoded_as_each_batch_lands_is_the_same_document(tmp_path):
    clock, sim, watchlist = world(tmp_path, 250)
    async with loaded_poller(sim, watchlist, clock) as poller:
        streamed = StreamedReport(poller)
        batches: list[int] = []

        def add(names):
            batches.append(len(names))
            streamed.add(names)

        report = await poller.refresh(force=True, on_merged=add)
    assert sorted(batches) == [50, 100, 100]  # each batch handed on once, after its merge
    encoded = []
    piece = streamed._piece
    streamed._piece = lambda *a: encoded.append(a[0]) or piece(*a)  # type: ignore[method-assign]
    names = [s.session_no for s in watchlist.sessions()]
    changed = names[7]
    poller.states[changed].set_receipts(poller.states[changed].receipts[:1])  # after its batch was encoded
    out = io.StringIO()
    streamed.write(out.write, names, report.errors, NOW, alerts=[])
    assert encoded == [changed]  # only what changed since is encoded again, at the end
    assert json.loads(out.getvalue()) == report_json(poller, names, report.errors, NOW, alerts=[])
    assert [s["session_no"] for s in json.loads(out.getvalue())["sessions"]] == names


async def test_batches_landed_before_the_code_table_is_read_are_encoded_with_the_next_one(tmp_path):
    clock, sim, watchlist = world(tmp_path, 350)
    async with loaded_poller(sim, watchlist, clock) as poller:
        table_read = iter([False, False, True])
        streamed = StreamedReport(poller, ready=lambda: next(table_read))
        encoded_after: list[int] = []

        def add(names):
            streamed.add(names)
            encoded_after.append(len(streamed._ready))

        told: list[str] = []
        report = await poller.refresh(force=True, on_merged=add, on_sent=lambda: told.append("told"))
    # The first two batches wait; the third brings them along; the fourth is encoded alone.
    assert encoded_after == [0, 0, 300, 350] and told == ["told"]
    names = [s.session_no for s in watchlist.sessions()]
    out = io.StringIO()
    streamed.write(out.write, names, report.errors, NOW, alerts=[])
    assert json.loads(out.getvalue()) == report_json(poller, names, report.errors, NOW, alerts=[])


async def test_sessions_past_the_held_text_are_encoded_at_the_end_and_the_document_is_the_same(tmp_path):
    clock, sim, watchlist = world(tmp_path, 30)
    async with loaded_poller(sim, watchlist, clock) as poller:
        streamed = StreamedReport(poller, held_text=1)
        report = await poller.refresh(force=True, on_merged=streamed.add)
    assert len(streamed._ready) == 1  # the first one, then the budget was spent
    names = [s.session_no for s in watchlist.sessions()]
    out = io.StringIO()
    streamed.write(out.write, names, report.errors, NOW, alerts=[])
    assert json.loads(out.getvalue()) == report_json(poller, names, report.errors, NOW, alerts=[])
    assert not streamed._ready  # nothing held once written


def test_check_json_of_nothing_is_still_a_document():
    out = io.StringIO()
    write_report_json(out.write, None, [], [], NOW)  # type: ignore[arg-type]
    assert json.loads(out.getvalue())["sessions"] == []


texts = st.sampled_from(["", "Success", "Fail", "DELIVRD", "用户接收成功", "\udcff", "\x1b[2J", "MK:0001"])


@settings(max_examples=examples(300), deadline=None)
@given(
    phone=st.sampled_from(["13800000001", "+86 138 0000 0001", "13800000001\u202e"]),
    result=texts,
    code=texts,
    desc=texts,
    user_id=texts,
    cost=st.integers(-3, 5),
    when=st.sampled_from([1_750_000_000, 1_750_000_000_123, 0, -1]),
)
def test_the_fast_reading_of_a_receipt_is_the_careful_one(phone, result, code, desc, user_id, cost, when):
    item = {"Phone": phone, "ReceiptResult": result, "ReceiptCode": code, "ReceiptDesc": desc}
    item.update(CostCount=cost, ReceiptTime=when, UserId=user_id)
    careful = Receipt.from_api({**item, "CostCount": str(cost)})  # a string count: never the fast path
    assert Receipt.from_api(item) == careful


def test_the_stand_in_gateway_answers_at_once_and_says_what_it_cost():
    assert _Handler.disable_nagle_algorithm  # headers and body are two writes
    assert _HTTPServer.request_queue_size >= 128
    clock = ManualClock(NOW)
    sim = Simulator(seed=1, clock=clock)
    created = sim.precreate(5, 3)
    with SimulatorServer(sim) as server:
        from usms_tui.api.signing import sign

        form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": created}, sim.credentials)
        with httpx.Client(base_url=server.base_url) as http:
            first = http.post("/", data=form)
            again = http.post(
                "/", data=sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": created}, sim.credentials)
            )
            clock.advance(48 * 3600)
            later = http.post(
                "/", data=sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": created}, sim.credentials)
            )
    assert first.headers["Server-Timing"].startswith("app;dur=")
    assert first.json()["Data"] == again.json()["Data"] == sim.store.data(created, NOW)
    assert later.json()["Data"] == sim.store.data(created, NOW + 48 * 3600) != first.json()["Data"]


def test_the_command_table_names_what_each_module_registers():
    parser = build_parser()
    [commands] = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    assert set(commands.choices) == set(COMMAND_MODULE_OF)
    for name, module in COMMAND_MODULE_OF.items():
        assert name in set(build_parser([module])._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def loaded_commands(argv: list[str]) -> list[str]:
    code = (
        "import sys\n"
        "from usms_tui.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('usms_tui.cli.') and not m.startswith('usms_tui.cli._')),"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return eval(done.stderr.strip().splitlines()[-1])


def test_version_and_a_commands_help_load_no_other_command():
    assert loaded_commands(["--version"]) == ["usms_tui.cli.main"]
    assert loaded_commands(["check", "--help"]) == ["usms_tui.cli.check", "usms_tui.cli.main"]


def test_assigning_receipts_or_an_entry_makes_the_cached_summary_stale():

    from usms_tui.domain.receipts import Receipt
    from usms_tui.monitor.poller import SessionState
    from usms_tui.store.watchlist import WatchedSession

    state = SessionState(WatchedSession("s-1", added_at=0.0))
    assert state.summary(10.0, 43_200).total == 0
    state.receipts = [Receipt.from_api({"Phone": "13800000001", "ReceiptResult": "Success"})]
    assert state.summary(10.0, 43_200).total == 1  # a plain assignment, not only set_receipts
    state.entry = state.entry.replace(label="renamed")
    assert state.summary(10.0, 43_200).total == 1 and state._base is not None


hostile = st.sampled_from(["", "Success", "Fail", "用户接收成功", "\x1b[2J", "a\u202eb", "\x9b31m", '"\\', "\udcff"])


@settings(max_examples=examples(200), deadline=None)
@given(
    phone=st.sampled_from(["13800000001", "+86 138 0000 0001", "1380000\u202e0001", "\x1b]0;x\x07"]),
    result=hostile,
    code=hostile,
    desc=hostile,
    user_id=hostile,
    label=st.sampled_from(["", "ok", "\x1b[31mred", "标签\u2066"]),
    when=st.sampled_from([1_750_000_100, "-5", 0]),
)
def test_the_streamed_document_of_hostile_texts_is_the_careful_one_and_safe(
    phone, result, code, desc, user_id, label, when
):
    from tests.tui.fake_host import FakePoller
    from usms_tui.domain.text import UNSAFE

    item = {"Phone": phone, "ReceiptResult": result, "ReceiptCode": code, "ReceiptDesc": desc}
    receipt = Receipt.from_api({**item, "CostCount": 1, "ReceiptTime": when, "UserId": user_id})
    poller = FakePoller()
    poller.add("s-1", [receipt, Receipt.from_api({**item, "Phone": "13900000002"})], label=label)
    out, ahead = io.StringIO(), io.StringIO()
    write_report_json(out.write, poller, ["s-1"], [], NOW, alerts=[])
    streamed = StreamedReport(poller)  # type: ignore[arg-type]
    streamed.add(["s-1"])  # encoded ahead, as check does when the batch lands
    streamed.write(ahead.write, ["s-1"], [], NOW, alerts=[])
    text = out.getvalue()
    assert json.loads(text) == report_json(poller, ["s-1"], [], NOW, alerts=[])
    assert ahead.getvalue() == text
    assert not UNSAFE.search(text.replace("\n", ""))  # nothing a terminal would act on


def test_check_json_widens_a_pipe_on_stdout_and_leaves_other_streams_alone():
    import fcntl
    import os
    from pathlib import Path

    from usms_tui.cli.check import _widen_pipe

    reader, writer = os.pipe()
    try:
        with open(writer, "w", closefd=False) as stream:
            _widen_pipe(stream)
        if int(Path("/proc/sys/fs/pipe-max-size").read_text()) >= 1 << 20:  # else refused, and left as it was
            assert fcntl.fcntl(writer, fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        os.close(reader)
        os.close(writer)
    _widen_pipe(io.StringIO())  # no file descriptor: nothing to do, nothing raised
