"""A real TLS handshake on loopback with a certificate nobody trusts: fatal, one request, no retry."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from usms_tui.api.client import ReceiptClient, make_http_client
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.failures import ErrorKind


@pytest.fixture
def untrusted_tls_port(tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)
    handshakes = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            handshakes.append(1)
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], handshakes
    listener.close()
    thread.join(timeout=5)


async def test_untrusted_certificate_is_fatal_and_not_retried(untrusted_tls_port):
    port, handshakes = untrusted_tls_port
    async with make_http_client(5.0) as http:
        client = ReceiptClient(http, Credentials("pub", "priv-0123456789"), base_url=f"https://127.0.0.1:{port}")
        result = await client.fetch([f"s{i}" for i in range(3)])
    [error] = result.errors
    assert error.kind is ErrorKind.FATAL and result.requests == 1 and len(handshakes) == 1
    assert "TLS certificate refused" in error.message and "priv-0123456789" not in error.describe()


async def test_a_client_for_plain_http_reads_no_ca_bundle_yet_verifies_https(untrusted_tls_port, monkeypatch):
    # The OAuth token endpoint shares the client of a plain-http gateway: its https must
    # still be verified, with the CA bundle read at that first handshake and not before.
    from tests.hostile_servers import LoopbackServer, answer
    from usms_tui.api.http import CAOnFirstHandshake

    reads: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def counted(context, *args, **kwargs):
        reads.append(kwargs.get("cafile"))
        return real(context, *args, **kwargs)

    monkeypatch.setattr(CAOnFirstHandshake, "load_verify_locations", counted)
    port, handshakes = untrusted_tls_port
    ok = b'{"RetCode": 0, "Data": []}'
    with LoopbackServer(answer(ok)) as api:
        async with make_http_client(5.0, base_url=api.url) as http:
            plain = ReceiptClient(http, Credentials("pub", "priv-0123456789"), base_url=api.url, allow_http=True)
            assert (await plain.fetch(["s-1"])).ok and reads == []
            secure = ReceiptClient(http, Credentials("pub", "priv-0123456789"), base_url=f"https://127.0.0.1:{port}")
            result = await secure.fetch(["s-2"])
    [error] = result.errors
    assert error.kind is ErrorKind.FATAL and "TLS certificate refused" in error.message and len(handshakes) == 1
    assert len(reads) == 1  # read once, at the handshake
