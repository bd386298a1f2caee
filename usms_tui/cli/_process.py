"""What the command line does to its own process before anything else: no core dumps, and
output streams that never carry a raw control character or a known secret.

Imports stay light (no httpx, no textual): every command, ``--help`` included, runs this.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from usms_tui.domain.secrets import remember, scrub
from usms_tui.domain.text import safe_lines

_PR_SET_DUMPABLE = 4  # <linux/prctl.h>


def disable_core_dumps() -> None:
    """A crash must not write the private key to a core file, and a process of the same user
    must not read it out of our memory (ptrace, /proc/PID/mem). Best effort, never fatal."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


class SafeStream:
    """A text stream that escapes control, bidi and separator characters (keeping newlines,
    tabs and, with ``crlf``, CRLF line ends) and masks every remembered secret in whatever is
    written to it.

    The net under every message: fields are escaped where they are formatted, but argparse
    echoes arguments itself ("unrecognized arguments: ..."), and a traceback of a bug would
    repeat whatever the failing value held.
    """

    def __init__(self, stream: TextIO, *, crlf: bool = True) -> None:
        self._stream = stream
        self._crlf = crlf

    def write(self, text: str) -> int:
        shown = safe_lines(text)
        if not self._crlf:
            shown = shown.replace("\r", "\\x0d")  # only CSV on stdout ends its lines in CRLF
        self._stream.write(scrub(shown))
        return len(text)

    def write_safe(self, text: str) -> int:
        """Write text its producer has already made safe to show (``check --json``'s
        document): only the secrets are masked, the escaping is not done a second time."""
        self._stream.write(scrub(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_streams() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` wrapped in :class:`SafeStream` for the block."""
    remember(os.environ.get("UCLOUD_PRIVATE_KEY"))
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr, crlf=False)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
