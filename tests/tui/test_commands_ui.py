"""``usms-tui`` (ui) and ``usms-tui demo`` up to the point where the app would take the terminal."""

from __future__ import annotations

import asyncio

import pytest

from usms_tui.cli import main as cli
from usms_tui.simulator import DEMO_PUBLIC_KEY


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No credentials, config or files of the person running the tests."""
    import os

    for name in list(os.environ):
        if name.startswith(("UCLOUD_", "USMS_TUI_", "XDG_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # As if run in a terminal: without one the UI commands refuse before anything else.
    from usms_tui.cli import _common

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(_common, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("USMS_TUI_WATCHLIST", str(tmp_path / "mine" / "watchlist.json"))
    monkeypatch.setenv("USMS_TUI_CACHE", str(tmp_path / "mine" / "cache.sqlite3"))
    monkeypatch.setenv("USMS_TUI_CONFIG", str(tmp_path / "mine" / "config.toml"))
    return tmp_path


def test_ui_without_credentials_is_one_line(clean_env, capsys):
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "UCLOUD_PUBLIC_KEY" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_ui_with_a_corrupt_watchlist_is_one_line(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("UCLOUD_PUBLIC_KEY", "pub")
    monkeypatch.setenv("UCLOUD_PRIVATE_KEY", "secret-private")
    path = clean_env / "mine" / "watchlist.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "watchlist" in err and "Traceback" not in err and "secret-private" not in err
    assert path.read_text() == "{not json"  # left as it was


def test_demo_serves_sessions_from_a_temporary_watchlist(clean_env, monkeypatch, capsys):
    from usms_tui.cli import ui

    seen = {}

    def fake_run_app(settings):
        from usms_tui.monitor.runtime import build_client
        from usms_tui.store.watchlist import Watchlist

        sessions = Watchlist(settings.watchlist_path).load()
        seen["settings"] = settings
        seen["sessions"] = sessions

        async def fetch():
            client = build_client(settings)
            try:
                return await client.fetch([s.session_no for s in sessions])
            finally:
                await client.http.aclose()

        seen["result"] = asyncio.run(fetch())
        return 0

    monkeypatch.setattr(ui, "run_app", fake_run_app)
    assert cli.main(["demo", "--sessions", "5", "--phones", "2", "--seed", "3"]) == 0
    settings = seen["settings"]
    assert settings.public_key == DEMO_PUBLIC_KEY and settings.base_url.startswith("http://127.0.0.1:")
    assert "mine" not in str(settings.watchlist_path)  # never the user's own files
    assert not settings.watchlist_path.exists()  # the temporary folder is gone after the run
    assert not (clean_env / "mine" / "watchlist.json").exists()
    assert len(seen["sessions"]) == 5 and all(s.sent_at and len(s.phones) == 2 for s in seen["sessions"])
    result = seen["result"]
    assert not result.errors and set(result.receipts) == {s.session_no for s in seen["sessions"]}
    assert any(s.label for s in seen["sessions"])


def test_demo_refuses_a_bad_fault(clean_env, capsys):
    assert cli.main(["demo", "--fault", "nonsense"]) == 2
    assert "--fault nonsense" in capsys.readouterr().err


def test_a_cache_warning_is_shown_again_inside_the_app(clean_env, monkeypatch, capsys):
    """stderr is hidden as soon as the app takes the terminal: the warning must reach it."""
    from usms_tui.tui.app import UsmsApp

    monkeypatch.setenv("UCLOUD_PUBLIC_KEY", "pub")
    monkeypatch.setenv("UCLOUD_PRIVATE_KEY", "secret-private")
    cache = clean_env / "mine" / "cache.sqlite3"
    cache.parent.mkdir(parents=True)
    cache.write_text("not a database")
    seen = {}

    async def fake_run(self, *args, **kwargs):
        seen["notes"] = list(self.startup_notes)

    monkeypatch.setattr(UsmsApp, "run_async", fake_run)
    assert cli.main([]) == 0
    assert "cache" in capsys.readouterr().err
    assert len(seen["notes"]) == 1 and "cache" in seen["notes"][0]


async def test_startup_notes_become_notifications(tmp_path):
    from .conftest import make_test_app, settle

    app = make_test_app(tmp_path)
    app.startup_notes = ["receipt cache x was unreadable [b]; moved it"]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        notes = [n for n in app._notifications if "receipt cache" in n.message]
        assert len(notes) == 1 and notes[0].severity == "warning" and not notes[0].markup
