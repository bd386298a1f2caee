"""The status line's account: part of the key, or the OAuth profile's name; never a secret."""

from __future__ import annotations

from usms_tui.config.settings import Settings
from usms_tui.tui.widgets.status_bar import account_label

TOKEN = "oauth-access-token-0123456789abcdef"


def test_a_key_pair_shows_part_of_the_public_key_and_the_project():
    label = account_label(Settings(public_key="4E9UU0VhqsQ2hfGQ8Ts3x0Q", private_key="secret", project_id="org-abc"))
    assert label.endswith("/org-abc") and "…" in label and "secret" not in label


def test_an_oauth_profile_shows_its_name_not_no_key_and_never_its_token():
    settings = Settings(auth_mode="oauth", profile="work", access_token=TOKEN, refresh_token=TOKEN + "r")
    label = account_label(settings)
    assert label == "oauth:work"
    assert TOKEN not in label and "no key" not in label


def test_no_credentials_at_all_says_so():
    assert account_label(Settings()) == "no key"


def test_a_hostile_profile_name_is_text():
    label = account_label(Settings(auth_mode="oauth", profile="\x1b]0;x\x07w"))
    assert "\x1b" not in label and "\x07" not in label
