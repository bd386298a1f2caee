"""The official ucloud-sdk-python3 talks to the simulator unchanged (the faithfulness test)."""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("ucloud")

from ucloud.client import Client
from ucloud.core.exc import HTTPStatusException, RetCodeException

from usms_tui.simulator import ManualClock, Scenario, Simulator, SimulatorServer

NOW = 1_750_000_000.0
PHONES = ["13800000001", "13800000002", "(86)13800000003"]


@pytest.fixture
def server():
    sim = Simulator(seed=9, clock=ManualClock(NOW), scenario=Scenario(never_share=0.0))
    with SimulatorServer(sim) as running:
        yield running


def sdk(server: SimulatorServer, private_key: str | None = None, public_key: str | None = None) -> Client:
    config = {
        "region": "cn-bj2",
        "project_id": "org-sim",
        "public_key": public_key or server.public_key,
        "private_key": private_key or server.private_key,
        "base_url": server.base_url,
        "max_retries": 0,
    }
    quiet = logging.getLogger("usms-tui-test-sdk")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    return Client(config, logger=quiet)


def test_send_then_receipts_with_the_official_sdk(server):
    client = sdk(server).usms()
    sent = client.send_usms_message(
        {
            "PhoneNumbers": PHONES,
            "TemplateId": "UTA20001",
            "SigContent": "UCloud",
            "TemplateParams": ["123456"],
            "UserId": "order-1",
        }
    )
    session_no = sent["SessionNo"]
    assert sent["UserId"] == "order-1"

    before = client.get_usms_send_receipt({"SessionNoSet": [session_no]})
    assert before["Data"] == [{"SessionNo": session_no, "ReceiptSet": []}]

    server.clock.advance(24 * 3600)  # jump past every delay instead of waiting
    after = client.get_usms_send_receipt({"SessionNoSet": [session_no]})
    [entry] = after["Data"]
    assert entry["SessionNo"] == session_no
    assert sorted(r["Phone"] for r in entry["ReceiptSet"]) == sorted(PHONES)
    for receipt in entry["ReceiptSet"]:
        assert receipt["ReceiptResult"] in {"Success", "发送成功", "Fail", "发送失败", "Unknow", "状态未知"}
        assert isinstance(receipt["CostCount"], int) and isinstance(receipt["ReceiptTime"], int)
        assert receipt["UserId"] == "order-1" and isinstance(receipt["ReceiptCode"], str)


def test_wrong_private_key_is_ret_code_171(server):
    with pytest.raises(RetCodeException) as raised:
        sdk(server, private_key="not-the-key").usms().get_usms_send_receipt({"SessionNoSet": ["s1"]})
    assert raised.value.code == 171 and raised.value.message == "Signature VerifyAC Error"
    assert raised.value.request_uuid  # X-UCLOUD-REQUEST-UUID reached the SDK


def test_unknown_public_key_is_ret_code_172(server):
    with pytest.raises(RetCodeException) as raised:
        sdk(server, public_key="someone-else").usms().get_usms_send_receipt({"SessionNoSet": ["s1"]})
    assert raised.value.code == 172


def test_101_session_nos_refused_100_accepted(server):
    client = sdk(server).usms()
    with pytest.raises(RetCodeException) as raised:
        client.get_usms_send_receipt({"SessionNoSet": [f"s{i}" for i in range(101)]})
    assert raised.value.code == 230
    assert len(client.get_usms_send_receipt({"SessionNoSet": [f"s{i}" for i in range(100)]})["Data"]) == 100


def test_sdk_sees_http_and_ret_code_faults(server):
    client = sdk(server).usms()
    server.simulator.add_fault("http503", count=1)
    with pytest.raises(HTTPStatusException) as raised:
        client.get_usms_send_receipt({"SessionNoSet": ["s1"]})
    assert raised.value.status_code == 503
    server.simulator.add_fault("ret153", count=1)
    with pytest.raises(RetCodeException) as throttled:
        client.get_usms_send_receipt({"SessionNoSet": ["s1"]})
    assert throttled.value.code == 153
    assert client.get_usms_send_receipt({"SessionNoSet": ["s1"]})["Data"][0]["SessionNo"] == "s1"
