"""The simulator's Bearer tokens, rotating /token, channel keys and per-project sessions."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx

from usms_tui.api.signing import flatten, sign
from usms_tui.simulator import ManualClock, Simulator, SimulatorServer
from usms_tui.simulator.scenario import DEMO_PROJECT_ID

NOW = 1_750_000_000.0


def receipts(http, session_nos, *, token=None, signed_by=None, headers=None, **extra):
    params = {"Action": "GetUSMSSendReceipt", "SessionNoSet": list(session_nos), **extra}
    form = sign(params, signed_by) if signed_by is not None else flatten(params)
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return http.post("/", data=form, headers=sent).json()


def refresh(http, refresh_token, **extra):
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "c", **extra}
    return http.post("/token", data=form)


def test_a_bearer_token_works_until_it_expires_on_the_simulators_clock(sim, http):
    login = sim.login()
    assert login.expires_at == int(NOW) + 3600 and "sim-at" not in repr(login)
    [no] = sim.precreate(1, 1)
    assert receipts(http, [no], token=login.access_token)["RetCode"] == 0
    assert receipts(http, [no], token="forged")["RetCode"] == 174
    sim.clock.advance(3600)
    body = receipts(http, [no], token=login.access_token)
    assert (body["RetCode"], body["Message"]) == (174, "Token Not Exists")
    assert receipts(http, [no])["RetCode"] == 170  # neither a signature nor a token


def test_a_signature_is_checked_first_even_beside_a_valid_token(sim, http):
    from usms_tui.domain.credentials import Credentials

    login = sim.login()
    stale = Credentials(sim.public_key, "an-old-private-key")
    assert receipts(http, ["s"], token=login.access_token, signed_by=stale)["RetCode"] == 171


def test_token_endpoint_rotates_and_revokes_the_old_refresh_token_at_once(sim, http):
    login = sim.login(lifetime=-1)
    answer = refresh(http, login.refresh_token)
    assert answer.status_code == 200
    fresh = answer.json()
    assert fresh["token_type"] == "Bearer" and fresh["expires_in"] == 3600
    assert fresh["refresh_token"] != login.refresh_token and fresh["access_token"] != login.access_token
    again = refresh(http, login.refresh_token)  # the same refresh token spent twice
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    assert refresh(http, fresh["refresh_token"]).status_code == 200
    assert (sim.oauth.refreshes, sim.oauth.refused) == (2, 1)
    assert receipts(http, ["s"], token=fresh["access_token"])["RetCode"] == 0  # still valid after a refresh


def test_token_endpoint_refuses_other_grants_and_missing_client(sim, http):
    login = sim.login()
    assert refresh(http, login.refresh_token, grant_type="password").json()["error"] == "unsupported_grant_type"
    assert refresh(http, login.refresh_token, client_id="").status_code == 401
    assert http.get("/token").status_code == 405
    assert sim.oauth.refreshes == 0


def test_channel_key_must_match_the_accounts_channel():
    sim = Simulator(seed=1, clock=ManualClock(NOW), channel_key="ck-combo")
    with httpx.Client(transport=sim.mock_transport(), base_url="http://sim.test") as http:
        creds = sim.credentials
        assert receipts(http, ["s"], signed_by=creds)["RetCode"] == 174
        assert receipts(http, ["s"], signed_by=creds, headers={"channel-key": "ck-other"})["RetCode"] == 174
        assert receipts(http, ["s"], signed_by=creds, headers={"Channel-Key": "ck-combo"})["RetCode"] == 0
    plain = Simulator(seed=1, clock=ManualClock(NOW))
    with httpx.Client(transport=plain.mock_transport(), base_url="http://sim.test") as http:
        headers = {"channel-key": "ck-combo"}
        assert receipts(http, ["s"], signed_by=plain.credentials, headers=headers)["RetCode"] == 174


def test_a_session_answers_only_under_its_own_project(sim, http):
    creds = sim.credentials
    mine = sim.send(["13800000001"], project_id="org-a")
    default = sim.send(["13800000002"])
    sim.clock.advance(10**6)

    def seen(**extra):
        data = receipts(http, [mine, default], signed_by=creds, **extra)["Data"]
        return {entry["SessionNo"]: len(entry["ReceiptSet"]) for entry in data}

    assert seen(ProjectId="org-a") == {mine: 1}
    assert seen() == {default: 1} == seen(ProjectId=DEMO_PROJECT_ID)
    assert seen(ProjectId="org-b") == {}  # absent: to the caller, still pending
    assert sim.session(mine).project_id == "org-a"


def test_a_sent_message_belongs_to_the_project_it_was_sent_under(sim, http):
    form = sign({"Action": "SendUSMSMessage", "PhoneNumbers": ["13800000001"], "TemplateId": "T",
                 "ProjectId": "org-send"}, sim.credentials)  # fmt: skip
    session_no = http.post("/", data=form).json()["SessionNo"]
    assert sim.session(session_no).project_id == "org-send"


def test_date_header_tells_the_simulators_time(sim, http):
    sim.clock.advance(7200)
    response = http.post("/", data=sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": ["s"]}, sim.credentials))
    assert parsedate_to_datetime(response.headers["Date"]).timestamp() == NOW + 7200
    with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as real:
        answer = real.post("/", data=sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": ["s"]}, sim.credentials))
        assert parsedate_to_datetime(answer.headers["Date"]).timestamp() == NOW + 7200
        token = real.post(
            "/token", data={"grant_type": "refresh_token", "refresh_token": sim.login().refresh_token, "client_id": "c"}
        )
        assert token.status_code == 200 and token.json()["access_token"].startswith("sim-at-")
