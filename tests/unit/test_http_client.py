"""The HTTP client's own parts: the TLS context whose CA bundle is read when first needed, the
form body written as httpx writes it, and httpcore spared a search for a missing module."""

from __future__ import annotations

import importlib
import ssl
import sys

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.api import http as http_module
from usms_tui.api.http import form_body, make_http_client, verifying_context


def handshake_start(context: ssl.SSLContext) -> ssl.SSLObject:
    return context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="api.ucloud.cn")


def test_the_context_verifies_as_httpx_s_and_reads_its_bundle_at_the_first_handshake():
    context = verifying_context(trust_env=False)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0  # nothing read yet
    handshake_start(context)
    expected = httpx.create_ssl_context(trust_env=False)
    assert context.get_ca_certs() == expected.get_ca_certs() and context.cert_store_stats()["x509_ca"] > 0
    assert context.minimum_version == expected.minimum_version and context.options == expected.options


def test_ssl_cert_file_is_honoured_when_the_environment_is_trusted(monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    ignored = verifying_context(trust_env=False)
    handshake_start(ignored)  # certifi's bundle: the environment is not trusted
    trusted = verifying_context(trust_env=True)
    with pytest.raises(ssl.SSLError, match="cannot read the CA certificates"):  # httpcore: a failed connection
        handshake_start(trusted)


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=6))
def test_the_form_body_is_what_httpx_would_send(form):
    assert form_body(form) == httpx.Request("POST", "http://127.0.0.1/", data=form).content


def test_usual_receipt_forms_go_unquoted_and_the_rest_quoted():
    form = {"Action": "GetUSMSSendReceipt", "SessionNoSet.0": "a1-b2_c.d~", "Note": "a b&c=d/é"}
    assert form_body(form) == b"Action=GetUSMSSendReceipt&SessionNoSet.0=a1-b2_c.d~&Note=a+b%26c%3Dd%2F%C3%A9"


def forget_sniffio(monkeypatch):
    # Recorded first, so whatever the test leaves in sys.modules is put back as it was.
    monkeypatch.setitem(sys.modules, "sniffio", None)
    monkeypatch.delitem(sys.modules, "sniffio")


async def test_a_missing_sniffio_is_marked_missing_once(monkeypatch):
    forget_sniffio(monkeypatch)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    async with make_http_client(5.0):
        pass
    assert sys.modules["sniffio"] is None
    with pytest.raises(ImportError):
        import sniffio  # noqa: F401  (what httpcore does, now failing at once)


def test_an_installed_sniffio_is_left_alone(monkeypatch):
    forget_sniffio(monkeypatch)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    http_module._no_repeated_sniffio_search()
    assert "sniffio" not in sys.modules
