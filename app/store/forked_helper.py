"""The first screen's helper as a copy of the launching process (Linux): no second interpreter start.

A helper started as a new program (``subprocess``) first loads the interpreter, its site (the
virtual environment's paths) and Min Plan's package: 35-45 ms of the other core before it can
begin its own work, while the start then waits that long for its answer (issue #19: on a team
server the helper is what a start waits for). At launch the start is one thread that has loaded
nothing but ``app.launch``; ``fork`` gives the helper that state at once.

Only on Linux, and only while the process has that one thread: a lock another thread held at
the fork would stay held in the copy for ever; macOS's system libraries are not safe in a
forked copy that does not ``exec`` (CPython's ``multiprocessing`` stopped forking there), and
Windows has no ``fork``. Elsewhere, and later in a start, the helper is started as a program.

The copy talks to the start through three pipes on its standard input, output and error, as a
helper started as a program does, and always ends with ``os._exit``: whatever happens in it,
it never returns into the start's code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import IO, NoReturn

#: Bytes read from the copy's output at a time.
_CHUNK = 1 << 16


def possible() -> bool:
    """Whether this process may fork its helper now: Linux, one thread."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # not loaded yet: no thread was started from Python
    return threading is None or threading.active_count() == 1


def fork_helper(kind: str, serve_and_exit: Callable[[str], NoReturn]) -> ForkedHelper | None:
    """A copy of this process that runs ``serve_and_exit(kind)`` on three pipes; None where none
    could be made (the start then starts one as a program, or reads itself)."""
    pipes = [os.pipe() for _ in range(3)]  # the copy's input, output, error
    for stream in (sys.stdout, sys.stderr):  # nothing written before the fork is written twice
        if stream is not None:
            stream.flush()
    try:
        pid = os.fork()
    except OSError:
        for read, write in pipes:
            os.close(read)
            os.close(write)
        return None
    if pid == 0:  # the copy
        try:
            os.dup2(pipes[0][0], 0)
            os.dup2(pipes[1][1], 1)
            os.dup2(pipes[2][1], 2)
            for read, write in pipes:
                os.close(read)
                os.close(write)
            sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115  (the copy's own)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
            serve_and_exit(kind)
        finally:
            os._exit(1)
    (in_read, in_write), (out_read, out_write), (err_read, err_write) = pipes
    for fd in (in_read, out_write, err_write):
        os.close(fd)
    return ForkedHelper(pid, os.fdopen(in_write, "wb"), out_read, err_read)


class ForkedHelper:
    """What a start uses of a ``subprocess.Popen``, for the forked copy: ``stdin``,
    ``communicate``, ``returncode``, ``kill``."""

    def __init__(self, pid: int, stdin: IO[bytes], stdout: int, stderr: int) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.returncode: int | None = None
        self.args = ["(forked helper)", str(pid)]
        self._open = {stdout: bytearray(), stderr: bytearray()}
        self._out, self._err = stdout, stderr
        self._read: dict[int, bytes] = {}

    def communicate(self, timeout: float | None = None) -> tuple[bytes, bytes]:
        """Close its input, read its output and error until it ends, and reap it; raises
        ``subprocess.TimeoutExpired`` after ``timeout`` seconds (what was read is kept)."""
        import selectors

        if self.stdin is not None:
            try:
                self.stdin.close()
            except OSError:
                pass
            self.stdin = None
        deadline = None if timeout is None else time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            for fd in self._open:
                selector.register(fd, selectors.EVENT_READ)
            while self._open:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
                for key, _events in selector.select(left):
                    fd = int(key.fd)
                    chunk = os.read(fd, _CHUNK)
                    if chunk:
                        self._open[fd] += chunk
                    else:
                        selector.unregister(fd)
                        os.close(fd)
                        self._read[fd] = bytes(self._open.pop(fd))
        self._reap()
        return self._read[self._out], self._read[self._err]

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 9)  # (SIGKILL)
            except ProcessLookupError:
                pass

    def _reap(self) -> None:
        if self.returncode is None:
            _pid, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
