"""The first screen's helper forked from the launching process (``app.store.forked_helper``): it
answers on its own pipes as a helper started as a program does, is stopped when it does not
answer in time, and never returns into the start's code, whatever it does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import NoReturn

import pytest

from app.store import first_screen_ahead as ahead
from app.store import forked_helper
from app.store.first_screen_ahead import FirstScreenAhead

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the helper is forked on Linux")

URL = "postgresql+psycopg://kl@db.example/minplan"


def _echo_backwards(kind: str) -> NoReturn:
    request = sys.stdin.read()
    sys.stdout.buffer.write(f"{kind}:{request[::-1]}".encode())
    sys.stdout.flush()
    sys.stderr.write("æøå on the error pipe\n")
    sys.stderr.flush()
    os._exit(3)


def test_a_forked_helper_answers_on_its_own_pipes() -> None:
    helper = forked_helper.fork_helper("server", _echo_backwards)
    assert helper is not None
    assert helper.stdin is not None
    helper.stdin.write(b"request")
    out, err = helper.communicate(timeout=30)
    assert out == b"server:tseuqer"
    assert "æøå on the error pipe" in err.decode("utf-8")
    assert helper.returncode == 3


def test_a_forked_helper_never_returns_into_the_start(tmp_path: Path) -> None:
    """A helper function that returns, or raises, still ends the copy (exit 1): the start's
    code after the fork runs in the start only."""
    seen = tmp_path / "after-the-fork"
    start = os.getpid()

    def returns(kind: str) -> NoReturn:
        return None  # type: ignore[return-value]  # the mistake the copy must survive

    def raises(kind: str) -> NoReturn:
        raise RuntimeError("a bug in the helper")

    for serve in (returns, raises):
        helper = forked_helper.fork_helper("file", serve)
        with seen.open("a") as note:
            note.write(f"{os.getpid()}\n")
        if os.getpid() != start:
            os._exit(99)  # (only if the test fails: the copy must not go on running pytest)
        assert helper is not None
        helper.communicate(timeout=30)
        assert helper.returncode == 1
    assert seen.read_text().split() == [str(start), str(start)]


def test_a_forked_helper_that_does_not_answer_in_time_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hangs(kind: str) -> NoReturn:
        time.sleep(60)
        os._exit(0)

    monkeypatch.setattr(ahead, "WAIT_S", 0.5)
    helper = forked_helper.fork_helper("server", hangs)
    assert helper is not None
    started = time.monotonic()
    assert FirstScreenAhead(helper, ahead.server_answer(URL)).first_screen() is None
    assert time.monotonic() - started < 30
    assert helper.returncode == -9, "killed"


def test_the_forked_helper_gives_none_where_the_driver_read_would() -> None:
    """The real helper, forked: a URL with a password is not read by the driver (exit 1)."""
    helper = forked_helper.fork_helper("server", ahead.serve_and_exit)
    assert helper is not None and helper.stdin is not None
    helper.stdin.write(
        b'{"kind": "server", "url": "postgresql+psycopg://kl:secret@db.example/minplan",'
        b' "user": null, "demo": false, "today": "2026-12-05"}'
    )
    out, err = helper.communicate(timeout=60)
    assert helper.returncode == 1, err
    assert out == b""


def test_a_forked_helper_dismissed_reads_nothing_and_ends() -> None:
    helper = forked_helper.fork_helper("file", ahead.serve_and_exit)
    assert helper is not None
    out, err = helper.communicate(timeout=60)
    assert (helper.returncode, out) == (0, b""), err


def test_a_process_with_a_second_thread_does_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked_helper.possible()
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not forked_helper.possible(), "macOS: a copy that does not exec is not safe"


def test_only_the_launch_forks_its_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """At launch the helper is forked where it can be; later in a start (Qt and threads may be
    loaded) it is started as a program."""
    forked: list[str] = []
    monkeypatch.setattr(forked_helper, "possible", lambda: True)
    monkeypatch.setattr(
        forked_helper, "fork_helper", lambda kind, serve: forked.append(kind) or "the copy"
    )
    monkeypatch.setattr(ahead, "helper_command", lambda kind: [sys.executable, "-c", "pass"])
    assert ahead._spawn("server", at_launch=True) == "the copy"
    later = ahead._spawn("server")
    assert isinstance(later, subprocess.Popen)
    later.communicate(timeout=30)
    assert forked == ["server"]
    monkeypatch.setattr(forked_helper, "possible", lambda: False)
    elsewhere = ahead._spawn("file", at_launch=True)
    assert isinstance(elsewhere, subprocess.Popen)
    elsewhere.communicate(timeout=30)


def test_a_forked_start_reads_the_day_as_the_start_would(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole way: a forked helper's answer becomes the start's first screen."""
    from app.domain.day import DayOverview
    from app.domain.users import Actor

    actor = Actor(3, "KL", "Karen Lund", "caseworker", "kl")
    day = DayOverview(today=date(2026, 12, 5), caseworker_id=3)
    monkeypatch.setattr("app.store.first_screen.prepare_server_read", lambda: None)
    monkeypatch.setattr("app.store.first_screen.read_server_day", lambda url, **_: (actor, day))
    monkeypatch.setattr(
        ahead, "_waiting", forked_helper.fork_helper("server", ahead.serve_and_exit)
    )
    ahead_start = ahead.start_server(URL, user="KL", demo=False, today=date(2026, 12, 5))
    assert ahead_start is not None
    first = ahead_start.first_screen()
    assert first is not None
    assert (first.actor, first.day) == (actor, day)
