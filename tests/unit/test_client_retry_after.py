"""Retry-After, the USMS service exceptions, TLS refusals, channel key and per-call project."""

from __future__ import annotations

import ssl
from email.utils import formatdate

import httpx
import pytest

from tests.unit.test_client import FakeTime, form_of, make_client, ok_body
from usms_tui.api.batching import RetryPolicy, parse_retry_after
from usms_tui.api.responses import certificate_error
from usms_tui.domain.failures import ErrorKind, classify_ret_code

NOW = 1_750_000_000.0


def answers(*replies):
    """A handler giving ``replies`` in turn (then success), recording every form."""
    seen = []
    queue = list(replies)

    def handler(request):
        seen.append((form_of(request), request.headers))
        if queue:
            status, body, headers = queue.pop(0)
            return httpx.Response(status, json=body, headers=headers)
        return httpx.Response(200, json=ok_body(form_of(request)))

    return handler, seen


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        (formatdate(NOW + 30, usegmt=True), 30.0),
        (formatdate(NOW - 30, usegmt=True), 0.0),  # a date already past: retry now
        ("soon", None),
        ("-3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_seconds_or_http_date(value, expected):
    assert parse_retry_after(value, NOW) == expected


async def test_429_retry_after_seconds_is_waited_not_the_short_backoff():
    handler, seen = answers((429, {}, {"Retry-After": "7"}))
    client, fake = make_client(handler)
    result = await client.fetch(["a"])
    assert result.ok and len(seen) == 2 and fake.sleeps == [7.0]


async def test_153_retry_after_http_date_is_measured_against_the_servers_date():
    # The server's clock says NOW; ours says something else entirely: only the difference counts.
    headers = {"Date": formatdate(NOW, usegmt=True), "Retry-After": formatdate(NOW + 12, usegmt=True)}
    handler, seen = answers((200, {"RetCode": 153, "Message": "Request Frequency Exceeds Limit"}, headers))
    client, fake = make_client(handler)
    result = await client.fetch(["a"])
    assert result.ok and len(seen) == 2 and fake.sleeps == [12.0]


async def test_retry_after_beyond_the_budget_gives_up_at_once():
    handler, seen = answers((429, {}, {"Retry-After": "3600"}))
    client, fake = make_client(handler, retry=RetryPolicy(max_total=45))
    result = await client.fetch(["a"])
    [error] = result.errors
    assert len(seen) == 1 and fake.sleeps == [] and error.kind is ErrorKind.TRANSIENT
    assert error.retry_after == 3600.0 and error.http_status == 429


async def test_a_short_retry_after_never_shortens_the_backoff():
    handler, _ = answers((200, {"RetCode": 153, "Message": "slow"}, {"Retry-After": "0"}))
    client, fake = make_client(handler)
    assert (await client.fetch(["a"])).ok
    assert fake.sleeps == [0.5 * RetryPolicy().throttled_base_delay]


@pytest.mark.parametrize("code", [18004, 18007])
async def test_usms_service_exceptions_are_transient_and_retried(code):
    assert classify_ret_code(code) is ErrorKind.TRANSIENT
    handler, seen = answers((200, {"RetCode": code, "Message": "API or service exception"}, {}))
    client, fake = make_client(handler)
    assert (await client.fetch(["a"])).ok and len(seen) == 2 and len(fake.sleeps) == 1


def _certificate_failure(request: httpx.Request) -> httpx.ConnectError:
    # How httpx reports it: httpx.ConnectError from httpcore.ConnectError from the ssl error.
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cause.verify_message = "self-signed certificate"
    try:
        try:
            raise cause
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as error:
        error.request = request
        return error


async def test_tls_certificate_failure_is_fatal_after_one_request():
    calls = []

    def handler(request):
        calls.append(1)
        raise _certificate_failure(request)

    client, fake = make_client(handler)
    result = await client.fetch([f"s{i}" for i in range(150)])
    assert len(calls) == 1 and fake.sleeps == []
    assert result.fatal is not None and "TLS certificate refused (self-signed certificate)" in result.fatal.message
    assert "SSL_CERT_FILE" in result.fatal.advice


def test_certificate_error_found_behind_wrappers_or_by_its_text():
    assert certificate_error(httpx.ConnectError("[Errno 111] Connection refused")) is None
    bare = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:1006)")
    assert certificate_error(bare) is bare


async def test_other_connection_failures_stay_transient():
    attempts = []

    def handler(request):
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return httpx.Response(200, json=ok_body(form_of(request)))

    client, _ = make_client(handler)
    assert (await client.fetch(["a"])).ok and len(attempts) == 2


async def test_channel_key_header_and_project_per_call():
    handler, seen = answers()
    client, _ = make_client(handler, project_id="org-main", channel_key="ck-123")
    await client.fetch(["a"])
    await client.fetch(["b"], project_id="org-other")
    (first, first_headers), (second, second_headers) = seen
    assert first["ProjectId"] == "org-main" and second["ProjectId"] == "org-other"
    assert first_headers["channel-key"] == second_headers["channel-key"] == "ck-123"
    plain, plain_seen = answers()
    client, _ = make_client(plain, fake=FakeTime())
    await client.fetch(["a"])
    assert "channel-key" not in plain_seen[0][1] and "ProjectId" not in plain_seen[0][0]
