"""Real processes and real signals: a closed terminal (SIGHUP) or SIGTERM is a clean exit
(the demo's temporary folder removed, no traceback, exit 128 + signal), and the UI refuses
at once where there is no terminal to draw on."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from usms_tui.simulator import Scenario

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty and job control as on Linux")

#: Makes the pty the child's controlling terminal, as a terminal emulator does for its shell,
#: so closing the pty's master sends the child SIGHUP as closing a window does.
WRAPPER = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'usms_tui', *sys.argv[1:]])"
)
ALT_SCREEN = b"\x1b[?1049h"
NEVER_SETTLES = Scenario(never_share=1.0)


def read_until(fd: int, wanted: bytes, deadline: float = 60.0) -> bytes:
    """Read ``fd`` until ``wanted`` shows up (each read waits for data; nothing sleeps)."""
    seen = b""
    end = time.monotonic() + deadline
    while wanted not in seen:
        left = end - time.monotonic()
        assert left > 0, f"{wanted!r} never came; got {seen[-500:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the other side closed
                chunk = b""
            assert chunk, f"closed before {wanted!r}; got {seen[-500:]!r}"
            seen += chunk
    return seen


@pytest.fixture
def in_terminal(cli_env, tmp_path):
    """``start(*args) -> (process, master_fd)``: usms-tui on an 80x24 pty of its own."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    started: list[tuple[subprocess.Popen[bytes], int]] = []

    def start(*args: str, **env: str) -> tuple[subprocess.Popen[bytes], int]:
        master, slave = pty.openpty()
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        process = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env={**cli_env, "TMPDIR": str(temp), "TERM": "xterm-256color", **env},
        )
        os.close(slave)
        started.append((process, master))
        return process, master

    start.temp = temp
    yield start
    for process, master in started:
        if process.poll() is None:
            process.kill()
            process.wait()
        with contextlib.suppress(OSError):
            os.close(master)


@pytest.mark.parametrize("how", ["close the terminal", "SIGHUP", "SIGTERM"])
def test_the_demo_removes_its_folder_when_the_terminal_goes(in_terminal, how):
    process, master = in_terminal("demo", "--sessions", "3", "--phones", "2")
    read_until(master, ALT_SCREEN)
    read_until(master, b"login codes")  # the app is up and drew its table
    [folder] = os.listdir(in_terminal.temp)
    assert folder.startswith("usms-tui-demo-")
    if how == "close the terminal":
        os.close(master)
        expected = 128 + signal.SIGHUP
    else:
        sig = getattr(signal, how)
        process.send_signal(sig)
        expected = 128 + sig
    assert process.wait(timeout=30) == expected
    assert os.listdir(in_terminal.temp) == []  # nothing left behind
    if how == "SIGTERM":  # the terminal is still there: it got its screen back, no traceback
        rest = read_until(master, b"\x1b[?1049l")
        with contextlib.suppress(OSError):  # EIO once everything was read
            while select.select([master], [], [], 0)[0] and (chunk := os.read(master, 65536)):
                rest += chunk
        assert b"Traceback" not in rest


@pytest.mark.parametrize("argv", [[], ["ui"], ["demo"], ["--watchlist", "w.json"]])
def test_the_ui_refuses_a_pipe_at_once(cli, argv):
    out = cli(*argv, timeout=30)
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert "needs a terminal" in line and "usms-tui check" in line and "usms-tui list" in line


def test_the_ui_refuses_a_dumb_terminal(in_terminal):
    process, master = in_terminal("demo", TERM="dumb")
    seen = read_until(master, b"usms-tui list")
    assert process.wait(timeout=30) == 2
    assert b"TERM=dumb" in seen and ALT_SCREEN not in seen and os.listdir(in_terminal.temp) == []


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_wait_exits_cleanly_on_a_signal(cli, make_sim, sig):
    server = make_sim(NEVER_SETTLES)
    no = server.simulator.send(["13800000001"])
    assert cli("add", no).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "usms_tui", "wait", "--timeout", "1h", "--interval", "1h"],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert b"0/1 sessions settled" in process.stderr.readline()  # its first poll is done
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + sig
    assert b"Traceback" not in err
    assert cli("list").returncode == 0  # the watchlist and cache were left usable


def test_a_blocked_add_exits_cleanly_on_sighup(cli, tmp_path):
    fifo = tmp_path / "sends.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "usms_tui", "add", "--from", str(fifo)],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # Opening the writing end returns once the command opened the reading end: it is then
        # inside its run (signal handlers in place), blocked reading until the input ends.
        with open(fifo, "wb") as writer:
            writer.write(b"s-1\n")
            writer.flush()
            assert signal_until_exit(process, signal.SIGHUP) == 129
            err = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
    assert b"Traceback" not in err
    assert "s-1" not in cli("list").stdout  # nothing half-added


def signal_until_exit(process: subprocess.Popen[bytes], sig: int, attempts: int = 3) -> int:
    """Send ``sig`` until ``process`` exits; its exit code.

    Sent again only when the process is still there seconds later: a signal that lands
    while C code is between two system calls (opening a FIFO, say) is seen by Python only
    once that code returns, and a blocking read may never return. A second signal then
    interrupts the read itself, which is where a person's second Ctrl+C would land too."""
    for _ in range(attempts - 1):
        process.send_signal(sig)
        try:
            return process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
    process.send_signal(sig)
    return process.wait(timeout=30)


def test_monitor_stops_cleanly_on_sighup(cli, make_sim):
    from tests.e2e.test_monitor import Monitor

    server = make_sim(NEVER_SETTLES)
    assert cli("add", server.simulator.send(["13800000001"])).returncode == 0
    monitor = Monitor(cli)
    try:
        monitor.until("monitoring 1 sessions")  # the signals are its own from this line on
        assert monitor.stop(signal.SIGHUP) == 0
    finally:
        monitor.kill()
    assert monitor.lines[-1].endswith("info: stopped") and "Traceback" not in "\n".join(monitor.lines)


#: What a terminal is sent to report mouse clicks (Textual's driver turns on 1000 and more).
MOUSE_ON = b"\x1b[?1000h"


@pytest.mark.parametrize("flags", [(), ("--no-mouse",)])
def test_no_mouse_leaves_the_mouse_to_the_terminal(in_terminal, flags):
    process, master = in_terminal("demo", "--sessions", "2", "--phones", "1", *flags)
    seen = read_until(master, b"login codes")  # the app is up and drew its table
    assert (MOUSE_ON in seen) is not bool(flags)  # so its own selection and scrollback work over SSH
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
