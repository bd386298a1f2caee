"""Class 7: secrets and transport. Proxies never see loopback requests, names that resolve
through DNS are not loopback, a bad TLS certificate is fatal at once, known secrets never
come out of the command line's streams."""

from __future__ import annotations

import io
import json
import shutil
import ssl
import subprocess

import httpx
import pytest

from tests.hostile_servers import LoopbackServer, answer
from usms_tui.api.client import ReceiptClient, make_http_client
from usms_tui.cli._process import SafeStream
from usms_tui.domain import secrets
from usms_tui.domain.base_url import base_url_problem, is_loopback_url
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.failures import ErrorKind

CREDS = Credentials("pub-key-for-tests", "very-secret-private-key-0123456789")
OK = json.dumps({"RetCode": 0, "Data": [{"SessionNo": "s-1", "ReceiptSet": []}]}).encode()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"])
@pytest.mark.parametrize("with_base_url", [True, False])
async def test_a_request_to_loopback_never_goes_to_the_proxy(monkeypatch, variable, with_base_url):
    with LoopbackServer(answer(b"proxied!", status="502 Bad Gateway")) as proxy, LoopbackServer(answer(OK)) as api:
        monkeypatch.setenv(variable, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with make_http_client(5, base_url=api.url if with_base_url else None) as http:
            result = await ReceiptClient(http, CREDS, base_url=api.url).fetch(["s-1"])
        assert result.ok, result.errors
        assert proxy.connections == 0 and api.connections == 1


async def test_any_loopback_address_in_the_base_url_turns_the_proxy_off(monkeypatch):
    with LoopbackServer(answer(b"", status="502 Bad Gateway")) as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        async with make_http_client(5, base_url="http://127.0.0.2:1") as http:
            assert not http.trust_env
        async with make_http_client(5, base_url="https://api.ucloud.cn") as http:
            assert http.trust_env  # UCloud itself may well be reached through the user's proxy


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8080", True),
        ("http://LOCALHOST", True),
        ("http://127.0.0.1", True),
        ("http://127.8.9.10:1", True),
        ("http://[::1]:80", True),
        ("http://localhost.", False),  # a fully qualified name: asked of DNS
        ("http://localhost.example.com", False),
        ("http://127.0.0.1.nip.io", False),
        ("http://0x7f.1", False),
        ("http://127.1", False),
        ("http://[::ffff:127.0.0.1]", False),
    ],
)
def test_only_literal_loopback_addresses_and_exactly_localhost_count_as_loopback(url, loopback):
    assert is_loopback_url(url) is loopback
    assert (base_url_problem(url, allow_http=False) is None) is loopback


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
async def test_a_real_certificate_failure_is_fatal_after_one_attempt(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with LoopbackServer(answer(OK), tls=context) as server:
        async with make_http_client(5, base_url=server.url) as http:
            result = await ReceiptClient(http, CREDS, base_url=server.url).fetch(["s-1"])
    [error] = result.errors
    assert error.kind is ErrorKind.FATAL and error.attempts == 1 and server.connections == 1
    # The client's own test fakes the exception; this one is a real handshake with a real certificate.
    assert "TLS certificate refused (self-signed certificate)" in error.describe(retrying=False)


def test_the_output_streams_mask_every_secret_remembered_and_escape_controls():
    secrets.remember("0123456789abcdef-secret", "short")
    sink = io.StringIO()
    stream = SafeStream(sink)
    print("not watched: 0123456789abcdef-secret \x1b]0;x\x07 short\r\nnext\ttab", file=stream)
    assert sink.getvalue() == "not watched: **** \\x1b]0;x\\x07 short\r\nnext\ttab\n"
    Credentials("p", "a-private-key-made-in-a-test")
    print("a-private-key-made-in-a-test", file=stream)
    assert sink.getvalue().endswith("****\n")


async def test_a_request_deadline_comes_from_the_client_timeout():
    async with httpx.AsyncClient(timeout=httpx.Timeout(7.0)) as http:
        assert ReceiptClient(http, CREDS).request_timeout == 7.0
        assert ReceiptClient(http, CREDS, request_timeout=2).request_timeout == 2.0
