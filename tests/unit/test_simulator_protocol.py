"""The simulator speaks the gateway's protocol: form, JSON and GET; documented RetCodes."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import httpx
import pytest

from usms_tui.api.signing import flatten, sign
from usms_tui.domain.credentials import Credentials
from usms_tui.simulator import SimulatedDrop, SimulatedTimeout, SimulatorServer

NOW = 1_750_000_000.0


def receipts_params(session_nos):
    return {"Action": "GetUSMSSendReceipt", "Region": "cn-bj2", "SessionNoSet": list(session_nos)}


def body_of(response: httpx.Response) -> dict:
    assert response.status_code == 200
    uuid.UUID(response.headers["X-UCLOUD-REQUEST-UUID"])  # present and well-formed on every answer
    return response.json()


def test_form_post_like_the_sdks(sim, http):
    session_no = sim.send(["13800000001"])
    sim.clock.advance(10**6)
    body = body_of(http.post("/", data=sign(receipts_params([session_no]), sim.credentials)))
    assert body["RetCode"] == 0 and body["Action"] == "GetUSMSSendReceiptResponse"
    assert body["Data"][0]["SessionNo"] == session_no
    assert body["Data"][0]["ReceiptSet"][0]["Phone"] == "13800000001"


def test_json_body_with_nested_list_signed_on_its_flat_form(sim, http):
    session_no = sim.send(["13800000001"])
    params = receipts_params([session_no])
    flat = sign(params, sim.credentials)
    document = {**params, "PublicKey": flat["PublicKey"], "Signature": flat["Signature"]}
    body = body_of(http.post("/", content=json.dumps(document), headers={"Content-Type": "application/json"}))
    assert body["RetCode"] == 0 and body["Data"][0]["SessionNo"] == session_no
    # An already-flat JSON body works too.
    body = body_of(http.post("/", json=flat))
    assert body["RetCode"] == 0


def test_get_query_string(sim, http):
    session_no = sim.send(["13800000001"])
    body = body_of(http.get("/?" + urlencode(sign(receipts_params([session_no]), sim.credentials))))
    assert body["RetCode"] == 0 and body["Data"] == [{"SessionNo": session_no, "ReceiptSet": []}]


def test_send_message_then_receipts(sim, http):
    form = sign(
        {
            "Action": "SendUSMSMessage",
            "PhoneNumbers": ["13800000001", "13800000002"],
            "TemplateId": "UTA1",
            "SigContent": "UCloud",
            "TemplateParams": ["1234"],
            "UserId": "u-1",
        },
        sim.credentials,
    )
    body = body_of(http.post("/", data=form))
    assert body["RetCode"] == 0 and body["Action"] == "SendUSMSMessageResponse" and body["UserId"] == "u-1"
    session_no = body["SessionNo"]
    sim.clock.advance(10**6)
    data = body_of(http.post("/", data=sign(receipts_params([session_no]), sim.credentials)))["Data"]
    assert sorted(r["Phone"] for r in data[0]["ReceiptSet"]) == ["13800000001", "13800000002"]
    assert {r["UserId"] for r in data[0]["ReceiptSet"]} == {"u-1"}


@pytest.mark.parametrize(
    "params, code, message",
    [
        ({"Region": "cn-bj2"}, 160, "Missing Action"),
        ({"Action": "DescribeUHostInstance"}, 161, "Action [DescribeUHostInstance] not found"),
        ({"Action": "GetUSMSSendReceipt"}, 220, "Missing params: SessionNoSet"),
        ({"Action": "SendUSMSMessage", "TemplateId": "T"}, 220, "Missing params: PhoneNumbers"),
        ({"Action": "SendUSMSMessage", "PhoneNumbers": ["1"]}, 220, "Missing params: TemplateId"),
    ],
)
def test_request_errors(sim, http, params, code, message):
    body = body_of(http.post("/", data=sign(params, sim.credentials)))
    assert (body["RetCode"], body["Message"]) == (code, message)
    assert body["Action"] == (f"{params['Action']}Response" if "Action" in params else "")


def test_more_than_100_session_nos_refused_100_accepted(sim, http):
    body = body_of(http.post("/", data=sign(receipts_params([f"s{i}" for i in range(101)]), sim.credentials)))
    assert body["RetCode"] == 230 and "at most 100" in body["Message"] and "101" in body["Message"]
    body = body_of(http.post("/", data=sign(receipts_params([f"s{i}" for i in range(100)]), sim.credentials)))
    assert body["RetCode"] == 0 and len(body["Data"]) == 100
    # Order follows the numeric index, not the string order of the keys.
    assert [e["SessionNo"] for e in body["Data"]][:12] == [f"s{i}" for i in range(12)]


def test_wrong_private_key_unknown_public_key_missing_signature(sim, http):
    form = sign(receipts_params(["s1"]), Credentials(sim.public_key, "wrong"))
    assert body_of(http.post("/", data=form)) == {
        "RetCode": 171,
        "Action": "GetUSMSSendReceiptResponse",
        "Message": "Signature VerifyAC Error",
    }
    form = sign(receipts_params(["s1"]), Credentials("nobody", sim.private_key))
    assert body_of(http.post("/", data=form))["RetCode"] == 172
    form = sign(receipts_params(["s1"]), sim.credentials)
    form["SessionNoSet.0"] = "tampered"
    assert body_of(http.post("/", data=form))["RetCode"] == 171
    del form["Signature"]
    assert body_of(http.post("/", data=form))["RetCode"] == 170


def test_bad_json_body_and_other_methods(sim, http):
    body = body_of(http.post("/", content=b"{not json", headers={"Content-Type": "application/json"}))
    assert body["RetCode"] == 230
    response = http.request("DELETE", "/")
    assert response.status_code == 405 and "X-UCLOUD-REQUEST-UUID" in response.headers


def test_handle_is_pure_and_takes_nested_or_flat_params(sim):
    status, headers, raw = sim.handle(sign(receipts_params(["s1"]), sim.credentials))
    assert status == 200 and "X-UCLOUD-REQUEST-UUID" in headers
    assert json.loads(raw)["Data"] == [{"SessionNo": "s1", "ReceiptSet": []}]
    nested = {
        **receipts_params(["s1"]),
        **{k: v for k, v in sign(receipts_params(["s1"]), sim.credentials).items() if k in ("PublicKey", "Signature")},
    }
    assert json.loads(sim.handle(nested)[2])["RetCode"] == 0
    assert flatten(nested)["SessionNoSet.0"] == "s1"
    sim.add_fault("timeout", count=1)
    sim.add_fault("drop", count=2)
    with pytest.raises(SimulatedTimeout):
        sim.handle({})
    with pytest.raises(SimulatedDrop):
        sim.handle({})


def test_real_socket_form_json_and_get(sim):
    session_no = sim.send(["13800000001"])
    form = sign(receipts_params([session_no]), sim.credentials)
    with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
        assert server.base_url.startswith("http://127.0.0.1:")
        for response in (
            client.post("/", data=form),
            client.post("/", json=form),
            client.get("/", params=form),
        ):
            assert body_of(response)["Data"][0]["SessionNo"] == session_no
    assert sim.requests == 3
