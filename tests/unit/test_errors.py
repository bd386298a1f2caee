"""One error root: every expected failure carries its exit code, and the CLI catches it once."""

from __future__ import annotations

import pytest

from usms_tui.api.errors import ApiError, FatalError, OtherApiError, ThrottledError, TransientError
from usms_tui.cli import main as cli_main
from usms_tui.domain.errors import (
    EXIT_FATAL_API,
    EXIT_OTHER_API,
    EXIT_TRANSIENT_API,
    EXIT_USAGE,
    ConfigError,
    UserError,
    UsmsError,
    WatchlistError,
)
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.store.cache import CacheError
from usms_tui.store.side_table import SideTableError


@pytest.mark.parametrize(
    ("kind", "cls", "code"),
    [
        (ErrorKind.FATAL, FatalError, EXIT_FATAL_API),
        (ErrorKind.TRANSIENT, TransientError, EXIT_TRANSIENT_API),
        (ErrorKind.THROTTLED, ThrottledError, EXIT_TRANSIENT_API),
        (ErrorKind.OTHER, OtherApiError, EXIT_OTHER_API),
    ],
)
def test_api_errors_carry_the_exit_code_of_their_kind(kind, cls, code):
    error = ApiError.from_error(BatchError(kind, "GetUSMSSendReceipt: no"))
    assert type(error) is cls and isinstance(error, UsmsError)
    assert error.exit_code == code and error.kind is kind


def test_every_expected_failure_derives_from_the_root():
    for cls in (UserError, ConfigError, WatchlistError, CacheError, SideTableError, ApiError):
        assert issubclass(cls, UsmsError)
    assert UserError("x").exit_code == ConfigError("x").exit_code == WatchlistError("x").exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (WatchlistError("watchlist.json: not JSON"), EXIT_USAGE),
        (FatalError(BatchError(ErrorKind.FATAL, "bad key\x1b]0;pwned\x07", ret_code=171)), EXIT_FATAL_API),
        (TransientError(BatchError(ErrorKind.TRANSIENT, "timed out")), EXIT_TRANSIENT_API),
    ],
)
def test_the_command_line_catches_the_root_once(monkeypatch, capsys, error, code):
    def failing(args):
        raise error

    monkeypatch.setattr("usms_tui.cli.config.run", failing)
    assert cli_main.main(["config", "path"]) == code
    err = capsys.readouterr().err
    assert err.startswith("usms-tui: error: ") and err.count("\n") == 1  # one line, no traceback
    assert "\x1b" not in err and "\x07" not in err  # the message is shown safe
