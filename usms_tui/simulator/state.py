"""The simulator's memory: sessions, their phones and when each receipt arrives.

Receipts are decided when a session is created (one ``random.Random`` per session, seeded
from the simulator seed and the session's index), stored as ``(arrive_at, receipt)`` and
filtered by the clock at query time, so a query over 10,000 sessions costs only the
sessions asked for.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from usms_tui.simulator import scenario as sc
from usms_tui.simulator.scenario import Outcome, Scenario

_NEVER = float("inf")


@dataclass(slots=True)
class SimSession:
    """One sent message batch: its phones and their (arrival time, receipt) pairs."""

    session_no: str
    index: int
    sent_at: float
    user_id: str
    template_id: str
    phones: tuple[str, ...]
    arrivals: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    project_id: str = ""  #: the project it was sent under; only that project sees it
    #: ``(receipts known, receipts arrived, its Data entry as JSON)``: the same answer again
    #: costs a count, not an encoding (the stand-in gateway must not be what a bench measures).
    encoded: tuple[int, int, str] | None = field(default=None, repr=False, compare=False)

    def receipt_set(self, now: float) -> list[dict[str, Any]]:
        """The ReceiptSet as the API shows it at ``now``: arrived receipts only (copies)."""
        return [dict(receipt) for arrive_at, receipt in self.arrivals if arrive_at <= now]

    def entry_json(self, now: float) -> str:
        """This session's ``Data`` entry at ``now`` as compact JSON; re-encoded only when a
        receipt arrived (arrivals only ever add: the count of them names the set)."""
        arrived = sum(1 for arrive_at, _ in self.arrivals if arrive_at <= now)
        known = len(self.arrivals)
        cached = self.encoded
        if cached is not None and cached[0] == known and cached[1] == arrived:
            return cached[2]
        entry = {"SessionNo": self.session_no, "ReceiptSet": self.receipt_set(now)}
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        self.encoded = (known, arrived, text)
        return text


def _receipt(phone: str, outcome: Outcome, cost: int, arrive_at: float, user_id: str) -> dict[str, Any]:
    return {
        "Phone": phone,
        "CostCount": cost,
        "ReceiptResult": outcome.result,
        "ReceiptCode": outcome.code,
        "ReceiptDesc": outcome.desc,
        "ReceiptTime": int(arrive_at),
        "UserId": user_id,
    }


# Pre-created sessions always include these cases, so a demo shows every status.
# Each entry: (outcome, or the index of one of the phone's carrier's failures, or None for
# "no receipt ever"; delay seconds; session sent this many hours ago)
_GUARANTEED: tuple[tuple[Outcome | int | None, float, float | None], ...] = (
    (sc.SUCCESSES[0], 3.0, None),
    (0, 5.0, None),
    (2, 4.0, None),
    (sc.UNKNOWNS[0], 7.0, None),
    (sc.UNLISTED, 2.0, None),
    (3, 6.0, None),
    (None, 0.0, 30.0),  # overdue: sent 30 h ago, this phone never gets a receipt
    (sc.SUCCESSES[2], 240.0, 0.01),  # sent 36 s ago, arrives 4 minutes after sending
)


def _forced_outcome(forced: Outcome | int | None, phone: str) -> Outcome | None:
    if isinstance(forced, int):
        pool = sc.failures_for(phone)
        return pool[forced % len(pool)]
    return forced


class SessionStore:
    """Sessions by SessionNo, created deterministically from ``seed`` and a running index."""

    def __init__(self, seed: int, scenario: Scenario) -> None:
        self.seed = seed
        self.scenario = scenario
        self.sessions: dict[str, SimSession] = {}
        self.order: list[str] = []
        self._lock = threading.Lock()

    def _rng(self, index: int) -> random.Random:
        # A string seed is hashed with SHA-512: stable across runs and PYTHONHASHSEED.
        return random.Random(f"usms-tui-sim:{self.seed}:{index}")

    def _new_session_no(self, rng: random.Random) -> str:
        while True:
            session_no = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            if session_no not in self.sessions:
                return session_no

    def _add(self, session: SimSession) -> None:
        self.sessions[session.session_no] = session
        self.order.append(session.session_no)

    def send(
        self,
        phones: Sequence[str],
        *,
        now: float,
        template_id: str,
        sig_content: str,
        user_id: str,
        params: Sequence[str],
        project_id: str = "",
    ) -> SimSession:
        """Create a session for ``phones`` sent at ``now``; receipts follow the scenario."""
        cost = sc.cost_of(template_id, sig_content, tuple(params))
        with self._lock:
            index = len(self.order)
            rng = self._rng(index)
            session = SimSession(
                self._new_session_no(rng), index, now, user_id, template_id, tuple(phones), project_id=project_id
            )
            for phone in session.phones:
                delay = self.scenario.draw_delay(rng)
                outcome = self.scenario.draw_outcome(rng, phone)
                arrive_at = _NEVER if delay is None else now + delay
                session.arrivals.append(
                    (arrive_at, _receipt(phone, outcome, cost, arrive_at if delay is not None else now, user_id))
                )
            self._add(session)
        return session

    def precreate(self, count: int, phones: int, now: float, project_id: str = "") -> list[SimSession]:
        """``count`` sessions of ``phones`` random phones, sent over the last two days.

        A quarter were sent in the last 5 minutes (receipts still arriving), half in the
        last 12 hours, a quarter 12-48 hours ago. The first few phones are forced into
        the cases of ``_GUARANTEED`` so every status (and an overdue session) is present.
        """
        if count < 0 or phones < 1:
            raise ValueError("precreate needs sessions >= 0 and phones >= 1")
        created: list[SimSession] = []
        with self._lock:
            for n in range(count):
                index = len(self.order)
                rng = self._rng(index)
                band = rng.random()
                if band < 0.25:
                    age = rng.uniform(0, 300)
                elif band < 0.75:
                    age = rng.uniform(300, 12 * 3600)
                else:
                    age = rng.uniform(12 * 3600 + 60, 48 * 3600)
                forced = _GUARANTEED[n] if n < len(_GUARANTEED) else None
                if forced is not None and forced[2] is not None:
                    age = forced[2] * 3600
                sent_at = now - age
                user_id = f"demo-{index:05d}" if rng.random() < 0.5 else ""
                session = SimSession(
                    self._new_session_no(rng),
                    index,
                    sent_at,
                    user_id,
                    "UTA-DEMO",
                    tuple(sc.draw_phone(rng) for _ in range(phones)),
                    project_id=project_id,
                )
                cost = self.scenario.draw_cost(rng)
                for position, phone in enumerate(session.phones):
                    delay = self.scenario.draw_delay(rng)
                    outcome = self.scenario.draw_outcome(rng, phone)
                    if forced is not None and position == 0:
                        outcome = _forced_outcome(forced[0], phone) or outcome
                        delay = forced[1] if forced[0] is not None else None
                    arrive_at = _NEVER if delay is None else sent_at + delay
                    stamp = arrive_at if delay is not None else sent_at
                    session.arrivals.append((arrive_at, _receipt(phone, outcome, cost, stamp, user_id)))
                self._add(session)
                created.append(session)
        return created

    def data(self, session_nos: Iterable[str], now: float, project_id: str | None = None) -> list[dict[str, Any]]:
        """The ``Data`` array for ``session_nos`` at ``now``, as project ``project_id`` sees it.

        Unknown SessionNos are answered with an empty ReceiptSet, like sessions with no
        receipt yet; a session sent under another project is left out of ``Data`` (the real
        API documents neither case; these are the simulator's choices, and both read as
        "pending"). ``project_id=None`` sees every session.
        """
        data = []
        for session_no in session_nos:
            session = self.sessions.get(session_no)
            if session is not None and project_id is not None and session.project_id != project_id:
                continue
            receipts = session.receipt_set(now) if session is not None else []
            data.append({"SessionNo": session_no, "ReceiptSet": receipts})
        return data

    def data_json(self, session_nos: Iterable[str], now: float, project_id: str | None = None) -> str:
        """:meth:`data` as compact JSON text, from each session's cached encoding."""
        parts = []
        for session_no in session_nos:
            session = self.sessions.get(session_no)
            if session is None:
                parts.append(json.dumps({"SessionNo": session_no, "ReceiptSet": []}, ensure_ascii=False))
            elif project_id is None or session.project_id == project_id:
                parts.append(session.entry_json(now))
        return "[" + ",".join(parts) + "]"
