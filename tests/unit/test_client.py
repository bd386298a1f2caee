"""ReceiptClient against httpx.MockTransport: batching, signing, concurrency, retries, faults."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qsl

import httpx
import pytest

from usms_tui.api.client import USER_AGENT, ReceiptClient, RetryPolicy
from usms_tui.api.signing import verify
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.failures import ErrorKind
from usms_tui.domain.receipts import Status

PUBLIC = "pub-key-for-tests"
PRIVATE = "very-secret-private-key-0123456789"
CREDS = Credentials(PUBLIC, PRIVATE)


class FakeTime:
    """Injected sleep + clock: sleeping advances the clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def form_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def ok_body(form: dict[str, str]) -> dict:
    nos = [v for k, v in sorted(form.items()) if k.startswith("SessionNoSet.")]
    data = [
        {
            "SessionNo": no,
            "ReceiptSet": [
                {
                    "Phone": "13800000001",
                    "CostCount": 1,
                    "ReceiptResult": "Success",
                    "ReceiptCode": "DELIVRD",
                    "ReceiptDesc": "ok",
                    "ReceiptTime": 1700000000,
                    "UserId": "u",
                }
            ],
        }
        for no in nos
    ]
    return {"RetCode": 0, "Action": "GetUSMSSendReceiptResponse", "Data": data}


def make_client(handler, fake: FakeTime | None = None, **kwargs) -> tuple[ReceiptClient, FakeTime]:
    fake = fake or FakeTime()
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = ReceiptClient(
        http, CREDS, base_url="https://api.ucloud.cn", sleep=fake.sleep, clock=fake.clock, rng=lambda: 0.5, **kwargs
    )
    return client, fake


async def test_250_sessions_make_three_signed_batches_within_concurrency_limit():
    seen: list[dict[str, str]] = []
    in_flight = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0)  # let the other batches start, to observe the limit
        await asyncio.sleep(0)
        form = form_of(request)
        seen.append(form)
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert request.headers["user-agent"] == USER_AGENT
        assert verify(form, PRIVATE)
        in_flight -= 1
        return httpx.Response(200, json=ok_body(form), headers={"X-UCLOUD-REQUEST-UUID": "rid"})

    client, _ = make_client(handler, concurrency=2, project_id="org-1")
    result = await client.fetch([f"s{i}" for i in range(250)])
    sizes = sorted((sum(k.startswith("SessionNoSet.") for k in f) for f in seen), reverse=True)
    assert sizes == [100, 100, 50]
    assert peak <= 2
    assert all(
        f["Action"] == "GetUSMSSendReceipt" and f["ProjectId"] == "org-1" and f["PublicKey"] == PUBLIC for f in seen
    )
    assert len(result.receipts) == 250 and result.ok and result.requests == 3
    assert result.receipts["s7"][0].status is Status.DELIVERED


async def test_batch_size_configurable_lower_and_duplicates_dropped():
    seen = []

    def handler(request):
        seen.append(form_of(request))
        return httpx.Response(200, json=ok_body(seen[-1]))

    client, _ = make_client(handler, batch_size=30)
    result = await client.fetch([f"s{i % 70}" for i in range(140)])
    assert len(seen) == 3 and len(result.receipts) == 70


async def test_signature_error_171_is_fatal_not_retried_and_stops_the_cycle():
    calls = 0

    def handler(request):
        nonlocal calls
        calls += 1
        return httpx.Response(
            200,
            json={"RetCode": 171, "Message": "Signature VerifyAC Error"},
            headers={"X-UCLOUD-REQUEST-UUID": "r-171"},
        )

    client, fake = make_client(handler, concurrency=1)
    result = await client.fetch([f"s{i}" for i in range(300)])
    assert calls == 1 and fake.sleeps == []
    assert result.fatal is not None and result.fatal.ret_code == 171 and result.fatal.request_id == "r-171"
    assert {e.kind for e in result.errors} == {ErrorKind.FATAL}
    skipped = [no for e in result.errors for no in e.session_nos]
    assert len(skipped) == 300 and result.receipts == {}
    assert "private key" in result.fatal.describe() and PRIVATE not in result.fatal.describe()


async def test_one_request_for_171():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(200, json={"RetCode": "171", "Message": "Signature VerifyAC Error"})

    client, _ = make_client(handler)
    result = await client.fetch(["a"])
    assert len(calls) == 1 and result.errors[0].kind is ErrorKind.FATAL and result.errors[0].ret_code == 171


async def test_throttled_153_backs_off_longer_then_succeeds():
    answers = iter([{"RetCode": 153, "Message": "throttled"}, {"RetCode": 153, "Message": "throttled"}])

    def handler(request):
        body = next(answers, None)
        return httpx.Response(200, json=body if body else ok_body(form_of(request)))

    client, fake = make_client(handler)
    result = await client.fetch(["a"])
    assert result.ok and result.requests == 3
    policy = RetryPolicy()
    assert fake.sleeps == [0.5 * policy.throttled_base_delay, 0.5 * policy.throttled_base_delay * 2]
    assert fake.sleeps[0] > RetryPolicy().base_delay


@pytest.mark.parametrize("fault", ["http502", "drop", "timeout", "ret150"])
async def test_transient_faults_are_retried(fault):
    attempts = 0

    def handler(request):
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            if fault == "http502":
                return httpx.Response(502, text="bad gateway")
            if fault == "drop":
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
            if fault == "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            return httpx.Response(200, json={"RetCode": 150, "Message": "busy"})
        return httpx.Response(200, json=ok_body(form_of(request)))

    client, fake = make_client(handler)
    result = await client.fetch(["a", "b"])
    assert result.ok and attempts == 2 and len(fake.sleeps) == 1


async def test_transient_gives_up_after_max_attempts_with_jittered_growing_delays():
    def handler(request):
        return httpx.Response(503, headers={"X-UCLOUD-REQUEST-UUID": "r-503"})

    client, fake = make_client(handler, retry=RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=100))
    result = await client.fetch(["a"])
    [error] = result.errors
    assert error.kind is ErrorKind.TRANSIENT and error.http_status == 503 and error.attempts == 4
    assert error.request_id == "r-503" and result.requests == 4
    assert fake.sleeps == [0.5, 1.0, 2.0]


async def test_retries_bounded_in_total_time():
    def handler(request):
        return httpx.Response(200, json={"RetCode": 153, "Message": "throttled"})

    client, fake = make_client(
        handler, retry=RetryPolicy(max_attempts=50, throttled_base_delay=10, max_delay=1000, max_total=30)
    )
    result = await client.fetch(["a"])
    assert result.errors[0].kind is ErrorKind.THROTTLED
    assert sum(fake.sleeps) <= 30


async def test_malformed_json_names_the_request_id_and_is_not_retried():
    def handler(request):
        return httpx.Response(200, text="<html>oops", headers={"X-UCLOUD-REQUEST-UUID": "req-malformed-1"})

    client, fake = make_client(handler)
    result = await client.fetch(["a"])
    [error] = result.errors
    assert error.kind is ErrorKind.OTHER and "req-malformed-1" in error.describe() and fake.sleeps == []


async def test_retcode_string_zero_missing_data_and_absent_sessions_are_pending():
    bodies = {
        "a": {"RetCode": "0", "Action": "GetUSMSSendReceiptResponse"},
        "b": {"RetCode": 0, "Data": [{"SessionNo": "x", "ReceiptSet": []}], "Extra": {"new": 1}},
    }

    def handler(request):
        form = form_of(request)
        return httpx.Response(200, json=bodies[form["SessionNoSet.0"]])

    client, _ = make_client(handler, batch_size=1)
    result = await client.fetch(["a", "b"])
    assert result.ok and result.receipts == {"a": [], "b": []}


async def test_one_failed_batch_keeps_the_others():
    def handler(request):
        form = form_of(request)
        if form["SessionNoSet.0"] == "s100":
            return httpx.Response(200, json={"RetCode": 230, "Message": "Params [SessionNoSet] not available"})
        return httpx.Response(200, json=ok_body(form))

    client, _ = make_client(handler)
    result = await client.fetch([f"s{i}" for i in range(150)])
    assert len(result.receipts) == 100
    [error] = result.errors
    assert error.kind is ErrorKind.OTHER and error.ret_code == 230 and len(error.session_nos) == 50


async def test_undocumented_receipt_result_kept_raw():
    body = {
        "RetCode": 0,
        "Data": [{"SessionNo": "a", "ReceiptSet": [{"Phone": "1", "ReceiptResult": "SubmitFail", "CostCount": "1"}]}],
    }
    client, _ = make_client(lambda request: httpx.Response(200, json=body))
    result = await client.fetch(["a"])
    [receipt] = result.receipts["a"]
    assert receipt.status is Status.FAILED and receipt.result == "SubmitFail"  # a failure, the raw word kept


async def test_plain_http_refused_except_loopback_or_allowed():
    from usms_tui.domain.errors import ConfigError

    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(ConfigError):
        ReceiptClient(http, CREDS, base_url="http://api.service.ucloud.cn")
    ReceiptClient(http, CREDS, base_url="http://api.service.ucloud.cn", allow_http=True)
    ReceiptClient(http, CREDS, base_url="http://127.0.0.1:8080")


async def test_send_message_returns_session_no_and_is_signed():
    def handler(request):
        form = form_of(request)
        assert verify(form, PRIVATE)
        assert form["PhoneNumbers.1"] == "13800000002" and form["TemplateId"] == "UTA1"
        return httpx.Response(200, json={"RetCode": 0, "SessionNo": "sess-1", "Action": "SendUSMSMessageResponse"})

    client, _ = make_client(handler)
    assert await client.send_message(["13800000001", "13800000002"], "UTA1", "Sig") == "sess-1"


async def test_private_key_absent_from_errors_and_repr():
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = make_client(handler)
    result = await client.fetch(["a"])
    text = json.dumps([e.to_dict() for e in result.errors]) + repr(client) + result.errors[0].describe()
    assert PRIVATE not in text


def test_describe_for_a_command_that_gave_up_does_not_promise_a_retry():
    from usms_tui.domain.failures import BatchError

    throttled = BatchError(ErrorKind.THROTTLED, "slow down", ret_code=153, request_id="r-1", attempts=4)
    assert "backing off" in throttled.describe()  # the UI keeps polling: true there
    final = throttled.describe(retrying=False)
    assert final.startswith("RetCode 153: slow down (request id r-1)") and "gave up after 4 attempts" in final
    fatal = BatchError(ErrorKind.FATAL, "bad key", ret_code=171)
    assert fatal.describe(retrying=False) == fatal.describe()


def test_describe_names_the_http_status_once():
    from usms_tui.domain.failures import BatchError

    ours = BatchError(ErrorKind.TRANSIENT, "GetUSMSSendReceipt: HTTP 503 Service Unavailable", http_status=503)
    assert ours.describe().count("503") == 1
    bare = BatchError(ErrorKind.TRANSIENT, "gateway page", http_status=502)
    assert bare.describe().startswith("HTTP 502: gateway page")
