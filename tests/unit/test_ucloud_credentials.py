"""Rotated tokens written back into credential.json as the ucloud CLI does: lock, re-read, atomic, 0600."""

from __future__ import annotations

import fcntl
import json
import os
import stat

import pytest

from usms_tui.domain.credentials import OAuthTokens
from usms_tui.store.filelock import LockTimeout
from usms_tui.store.ucloud_credentials import CredentialFile

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and flock are POSIX")

FILE = [
    {"public_key": "pk-old", "private_key": "sk-old", "cookie": "", "csrf_token": "", "profile": "work",
     "auth_mode": "oauth", "access_token": "at-1", "refresh_token": "rt-1", "expires_at": 1700000000,
     "future_field": {"kept": True}},
    {"public_key": "pk-b", "private_key": "sk-b", "profile": "other", "auth_mode": "oauth",
     "access_token": "at-b", "refresh_token": "rt-b", "expires_at": 1800000000},
    {"public_key": "pk-c", "private_key": "sk-c", "profile": "keys"},
]  # fmt: skip


@pytest.fixture
def path(tmp_path):
    path = tmp_path / ".ucloud" / "credential.json"
    path.parent.mkdir()
    path.write_text(json.dumps(FILE, indent=2))
    path.chmod(0o644)
    return path


def test_load_reads_the_profile_now_and_only_an_oauth_one(path):
    assert CredentialFile(path, "work").load() == OAuthTokens("at-1", "rt-1", 1700000000)
    assert CredentialFile(path, "keys").load() is None  # signs with keys: no OAuth login
    assert CredentialFile(path, "gone").load() is None


@posix_only
def test_save_changes_only_our_four_fields_atomically_with_mode_0600(path):
    CredentialFile(path, "work").save(OAuthTokens("at-2", "rt-2", 1900000000))
    written = json.loads(path.read_text())
    expected = [dict(FILE[0], access_token="at-2", refresh_token="rt-2", expires_at=1900000000), FILE[1], FILE[2]]
    assert written == expected  # other profiles, the old key pair and unknown keys as they were
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["credential.json"]  # no temp file left
    assert "\n" not in path.read_text()  # compact, as the CLI writes it


def test_save_rereads_the_file_so_another_writers_change_survives(path):
    store = CredentialFile(path, "work")
    document = json.loads(path.read_text())
    document[1]["refresh_token"] = "rt-b-rotated-by-someone-else"
    path.write_text(json.dumps(document))
    store.save(OAuthTokens("at-2", "rt-2", 1900000000))
    assert json.loads(path.read_text())[1]["refresh_token"] == "rt-b-rotated-by-someone-else"


def test_save_refuses_when_the_profile_is_gone_and_a_corrupt_file_is_not_quoted(path):
    with pytest.raises(OSError, match="no longer in the file"):
        CredentialFile(path, "gone").save(OAuthTokens("a", "b", 1))
    path.write_text('[{"refresh_token": "rt-secret-in-a-broken-file",')
    with pytest.raises(OSError) as raised:
        CredentialFile(path, "work").load()
    assert "not valid JSON" in str(raised.value) and "rt-secret" not in str(raised.value)


@posix_only
def test_the_lock_is_the_clis_credential_lock_beside_the_file(path):
    store = CredentialFile(path, "work", timeout=0)
    assert store.lock_file == path.parent / "credential.lock"
    fd = os.open(store.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the CLI (gofrs/flock) holds it
        held = r"another process \(ucloud or usms-tui\) has held .*credential.lock"
        with pytest.raises(LockTimeout, match=held), store.locked():
            pass
    finally:
        os.close(fd)
    with store.locked():
        pass  # free again once the holder is gone
