"""Run ``usms_tui.cli.main.main`` in this process, as the shell would run the command.

Ten times cheaper than a subprocess, so property tests can try hundreds of command lines.
Environment, stdin, stdout and stderr are swapped for the call and restored afterwards;
an exception other than ``SystemExit`` is a traceback the user would have seen, and is
returned (not raised) so a test can count it. The process hardening (no core dumps) is left
out: it would outlive the call in the test process and its children, and is tested in a
process of its own.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from unittest import mock


class Result(subprocess.CompletedProcess):
    """A CompletedProcess plus the exception that escaped ``main`` (None when none did)."""

    error: BaseException | None = None


def run_main(args: Sequence[str], env: Mapping[str, str], input: bytes | str = b"", *, cwd: Path) -> Result:
    """``usms-tui ARGS`` in ``cwd`` with exactly ``env`` as the environment and ``input`` on stdin."""
    from usms_tui.cli.main import main

    data = input.encode("utf-8", "surrogatepass") if isinstance(input, str) else input
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_stdin, saved_cwd = dict(os.environ), sys.stdin, os.getcwd()
    os.chdir(cwd)  # `export -o NAME` writes relative to it, as in a shell
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = stdin
    error: BaseException | None = None
    code: object = None
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            mock.patch("usms_tui.cli._process.disable_core_dumps"),
        ):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = exit_.code
    except Exception as escaped:  # a traceback, in a real shell
        error, code = escaped, 1
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    result = Result(
        list(args), code if isinstance(code, int) else (0 if code is None else 2), out.getvalue(), err.getvalue()
    )
    result.error = error
    return result
