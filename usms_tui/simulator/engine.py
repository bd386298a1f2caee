"""``Simulator``: a UCloud USMS gateway in memory, usable with or without a socket."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from usms_tui.domain.credentials import Credentials
from usms_tui.simulator import protocol
from usms_tui.simulator.faults import Fault, FaultController, FaultRule
from usms_tui.simulator.oauth import TOKEN_PATH, Login, TokenIssuer
from usms_tui.simulator.scenario import DEMO_PRIVATE_KEY, DEMO_PROJECT_ID, DEMO_PUBLIC_KEY, Scenario
from usms_tui.simulator.state import SessionStore, SimSession

if TYPE_CHECKING:
    import httpx

    from usms_tui.domain.sessions import WatchedSession


class Simulator:
    """Deterministic USMS state plus request handling. Thread-safe.

    ``seed`` fixes SessionNos, phones, delays and outcomes (and, separately, which requests
    meet faults). ``clock`` is any ``() -> float`` of Unix seconds; pass a
    :class:`~usms_tui.simulator.ManualClock` to move time by hand.

    The account signs with ``public_key``/``private_key`` or sends a Bearer token from
    :meth:`login` (renewed at ``/token``). ``project_id`` is its default project, the one a
    request without ``ProjectId`` means. With ``channel_key`` set, every request must carry
    it as the ``channel-key`` header; without, none may (a mismatch is RetCode 174).
    """

    def __init__(
        self,
        seed: int = 0,
        public_key: str = DEMO_PUBLIC_KEY,
        private_key: str = DEMO_PRIVATE_KEY,
        clock: Callable[[], float] = time.time,
        scenario: Scenario | None = None,
        *,
        project_id: str = DEMO_PROJECT_ID,
        channel_key: str | None = None,
    ) -> None:
        self.seed = seed
        self.public_key = public_key
        self._private_key = private_key
        self.project_id = project_id
        self.channel_key = channel_key or None
        self.clock = clock
        self.oauth = TokenIssuer(clock)
        self.scenario = scenario or Scenario()
        self.store = SessionStore(seed, self.scenario)
        self.faults = FaultController(seed)
        self.requests = 0  # requests answered (or refused to answer), for tests and stats
        self._count_lock = threading.Lock()

    def __repr__(self) -> str:  # never the private key
        return f"Simulator(seed={self.seed!r}, public_key={self.public_key!r}, sessions={len(self.store.order)})"

    @property
    def private_key(self) -> str:
        """The private key requests must be signed with (a demo value unless configured)."""
        return self._private_key

    @property
    def credentials(self) -> Credentials:
        """The key pair as :class:`usms_tui.api.signing.Credentials`, to sign requests with."""
        return Credentials(self.public_key, self._private_key)

    def now(self) -> float:
        """The simulator's current time (Unix seconds)."""
        return float(self.clock())

    # -- state ---------------------------------------------------------------------------

    def send(
        self,
        phones: Sequence[str],
        template_id: str = "T",
        sig_content: str = "",
        user_id: str = "",
        params: Sequence[str] = (),
        project_id: str | None = None,
    ) -> str:
        """Send a message to ``phones`` now (under ``project_id``, default the account's); returns the SessionNo."""
        session = self.store.send(
            list(phones),
            now=self.now(),
            template_id=template_id,
            sig_content=sig_content,
            user_id=user_id,
            params=tuple(str(p) for p in params),
            project_id=project_id or self.project_id,
        )
        return session.session_no

    def precreate(
        self, sessions: int, phones: int, now: float | None = None, *, project_id: str | None = None
    ) -> list[str]:
        """Create ``sessions`` sessions of ``phones`` phones sent over the last ~2 days.

        Some were sent more than 12 hours ago and keep a phone that never gets a receipt;
        every status is present, including the unlisted ``SubmitFail``. Returns the SessionNos.
        """
        when = self.now() if now is None else float(now)
        project = project_id or self.project_id
        return [s.session_no for s in self.store.precreate(sessions, phones, when, project)]

    def receipts(self, session_nos: Iterable[str], project_id: str | None = None) -> list[dict[str, Any]]:
        """The ``Data`` array GetUSMSSendReceipt answers for ``session_nos`` now, under ``project_id``
        (default: the account's project); sessions of other projects are left out."""
        return self.store.data(session_nos, self.now(), project_id or self.project_id)

    def receipts_json(self, session_nos: Iterable[str], project_id: str | None = None) -> str:
        """:meth:`receipts` as compact JSON text (what the gateway sends; cached per session)."""
        return self.store.data_json(session_nos, self.now(), project_id or self.project_id)

    def login(self, lifetime: float | None = None) -> Login:
        """Tokens as ``ucloud auth login`` would store them; ``lifetime`` < 0 gives expired ones."""
        return self.oauth.login(lifetime)

    def session(self, session_no: str) -> SimSession | None:
        """The stored session (phones, send time, every receipt including future ones)."""
        return self.store.sessions.get(session_no)

    def watched_sessions(
        self,
        session_nos: Iterable[str],
        *,
        label: Callable[[int], str] | None = None,
        known_phones: bool = True,
    ) -> list[WatchedSession]:
        """These sessions as watchlist entries (send time and phones, as a sender would record
        them), for the demo, the tests and the benchmarks. ``label(n)`` names the n-th one."""
        from usms_tui.domain.sessions import WatchedSession

        entries = []
        for number, session_no in enumerate(session_nos):
            stored = self.store.sessions[session_no]
            entries.append(
                WatchedSession(
                    session_no=session_no,
                    label=label(number) if label is not None else "",
                    added_at=stored.sent_at,
                    sent_at=stored.sent_at,
                    phones=tuple(stored.phones) if known_phones else (),
                )
            )
        return entries

    @property
    def session_nos(self) -> list[str]:
        """Every SessionNo, in creation order."""
        return list(self.store.order)

    # -- faults --------------------------------------------------------------------------

    def add_fault(
        self, kind: Fault | str, rate: float = 1.0, count: int | None = None, *, seconds: float | None = None
    ) -> FaultRule:
        """Inject ``kind`` into a share ``rate`` of requests, at most ``count`` times."""
        return self.faults.add_fault(kind, rate, count, seconds=seconds)

    def clear_faults(self) -> None:
        """Stop injecting faults."""
        self.faults.clear_faults()

    # -- requests ------------------------------------------------------------------------

    def count_request(self) -> None:
        with self._count_lock:
            self.requests += 1

    def respond(self, params: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> protocol.Reply:
        """Answer already-parsed parameters, with fault details (delay, timeout, drop)."""
        return protocol.respond(self, params, headers)

    def handle(
        self, params: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: ``(status, headers, body)``. No sockets, no sleeping.

        ``params`` are the request parameters (flat as on the wire, or nested as in a JSON
        body). A ``latency`` fault is ignored here; ``timeout`` and ``drop`` faults raise
        :class:`SimulatedTimeout` / :class:`SimulatedDrop`.
        """
        return self.respond(params, headers).triple()

    def handle_http(
        self,
        method: str,
        query: str | bytes,
        body: bytes,
        headers: Mapping[str, str] | None = None,
        path: str = "/",
    ) -> protocol.Reply:
        """Answer a raw HTTP request (form, JSON or query string): used by the server and mock transport.

        ``POST /token`` is the OAuth token endpoint; every other path is the gateway.
        """
        if path.rstrip("/") == TOKEN_PATH:
            if method.upper() != "POST":
                return protocol.Reply(405, {"Allow": "POST"}, b"method not allowed")
            status, reply_headers, reply_body = self.oauth.respond(body)
            return protocol.Reply(status, reply_headers, reply_body, self.oauth.delay)
        if method.upper() not in ("GET", "POST"):
            self.count_request()
            return protocol.Reply(
                405, {"Allow": "GET, POST", protocol.REQUEST_UUID_HEADER: _uuid()}, b"method not allowed"
            )
        params = protocol.parse_request(method, query, body, headers)
        return protocol.respond(self, params, headers)

    def mock_transport(self, sleep: Callable[[float], Any] | None = None) -> httpx.MockTransport:
        """An ``httpx.MockTransport`` answering from this simulator (see :mod:`.transport`)."""
        from usms_tui.simulator.transport import mock_transport

        return mock_transport(self, sleep=sleep)


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())
