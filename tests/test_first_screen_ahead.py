"""The helper a start on a team server reads its first screen in (``app.store.first_screen_ahead``):
when a launch starts it, what a start takes from it, and that anything out of the ordinary gives
None (the ordinary start then reads it itself). The helper's read against a real server is in
``tests/test_first_screen_server.py``."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from app import launch
from app.domain.day import DayOverview
from app.domain.users import Actor
from app.store import first_screen_ahead as ahead
from app.store.first_screen_ahead import FirstScreenAhead

URL = "postgresql+psycopg://kl@db.example/minplan"
ACTOR = Actor(3, "KL", "Karen Lund", "caseworker", "kl")
DAY = DayOverview(today=date(2026, 12, 5), caseworker_id=3)


@pytest.mark.parametrize(
    ("argv", "environ", "likely"),
    [
        ([], {"MINPLAN_DATABASE_URL": URL}, "server"),
        (["--database-url", URL], {}, "server"),
        ([f"--database-url={URL}", "--user", "KL", "--lang", "en"], {}, "server"),
        (["--user", "deadlines", "--database-url", URL], {}, "server"),  # a user, no command
        (["--demo", "--database-url", URL], {}, "server"),
        ([], {}, "file"),
        (["--db", "plan.db"], {}, "file"),
        (["--db", "users", "--user", "KL"], {}, "file"),  # a file named like a command
        (["--demo", "--no-encryption"], {}, "file"),
        (["deadlines", "--database-url", URL], {}, None),  # a command
        (["--database-url", URL, "users"], {}, None),
        (["--db", "plan.db", "deadlines"], {}, None),
        (["--database-url", URL, "--help"], {}, None),
        (["-h"], {}, None),
        (["--version"], {"MINPLAN_DATABASE_URL": URL}, None),
        ([], {"MINPLAN_DATABASE_URL": URL, "MINPLAN_FIRST_SCREEN_HELPER": "0"}, None),
        (["--db", "plan.db"], {"MINPLAN_FIRST_SCREEN_HELPER": "0"}, None),
    ],
)
def test_a_launch_starts_the_helper_only_where_a_window_is_likely(
    argv: list[str], environ: dict[str, str], likely: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    monkeypatch.setattr(ahead, "_cores", lambda: 2)
    monkeypatch.setattr(ahead, "_waiting", None)
    monkeypatch.setattr(ahead, "_spawn", lambda kind, **_: started.append(kind) or _helper("pass"))
    ahead.spawn_if_likely(argv, environ)
    try:
        assert started == ([likely] if likely else [])
        assert (ahead._waiting is not None) is bool(likely)
    finally:
        ahead.dismiss()
    assert ahead._waiting is None


def test_one_core_starts_no_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead, "_cores", lambda: 1)
    assert not ahead.wanted({})
    monkeypatch.setattr(ahead, "_cores", lambda: 2)
    assert ahead.wanted({}) and not ahead.wanted({"MINPLAN_FIRST_SCREEN_HELPER": "0"})
    monkeypatch.setattr(ahead, "_cores", lambda: 1)
    assert ahead.wanted({"MINPLAN_FIRST_SCREEN_HELPER": "1"}), "asked for on one core"
    assert ahead._cores() >= 1


def test_the_options_that_take_a_value_are_the_programs() -> None:
    """``VALUE_OPTIONS`` are the options of ``minplan`` that take a value (``add_common``)."""
    from app.cli import build_parser

    parser = build_parser(())
    taking_a_value = {
        option
        for action in parser._actions
        if action.nargs is None and action.option_strings and action.const is None
        for option in action.option_strings
        if option.startswith("--") and option not in ("--version",)
    }
    assert taking_a_value == set(ahead.VALUE_OPTIONS)
    assert launch.HELPER_ARGUMENT == ahead.HELPER_ARGUMENT


def test_the_helpers_answer_is_the_first_screen() -> None:
    first = _answered_by(f"out.write(pickle.dumps(({ACTOR!r}, {DAY!r})))")
    assert first is not None
    assert (first.actor, first.day) == (ACTOR, DAY)
    assert first.db.backend == "postgresql" and not first.db.engine_made
    assert first.db.description == URL


KEY, SALT, LOG_KEY = bytes(range(32)), bytes(range(16)), bytes(range(100, 132))


@pytest.mark.parametrize(
    ("rest", "encrypted"),
    [
        ((KEY, SALT, "SecretService Keyring", True, {"chain-1": LOG_KEY}), True),
        ((None, None, None, True, {}), False),
    ],
)
def test_a_files_answer_carries_what_opened_it(
    rest: tuple[object, ...], encrypted: bool, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's answer: the user, their day, the key (or none: a plaintext file), the key
    store and the access-log keys; the engine is made later, in this process, with that key,
    and the log sealed with the handed key."""
    from app.store import audit_key

    monkeypatch.setattr(audit_key, "_handed", {})
    path = tmp_path / "minplan.db"
    answer = f"out.write(pickle.dumps(({ACTOR!r}, {DAY!r}, *{rest!r})))"
    first = FirstScreenAhead(_helper(answer), ahead.file_answer(path)).first_screen()
    assert first is not None
    assert (first.actor, first.day) == (ACTOR, DAY)
    assert first.db.backend == "sqlite" and not first.db.engine_made
    assert first.db.path == path.resolve()
    assert first.db.encryption.encrypted is encrypted
    if encrypted:
        assert first.db.cipher_key is not None
        assert (first.db.cipher_key.key, first.db.cipher_key.salt) == (KEY, SALT)
        assert first.db.encryption.key_store == "SecretService Keyring"
        assert first.db.encryption.database_id == SALT.hex()
        assert audit_key._handed == {"chain-1": LOG_KEY}


@pytest.mark.parametrize(
    "rest",
    [
        (),  # a server's answer
        (KEY, SALT, "store", True),  # one short
        (KEY[:8], SALT, "store", True, {}),  # not a key
        (KEY, None, "store", True, {}),
        ("key", "salt", "store", True, {}),
        (KEY, SALT, 7, True, {}),
        (KEY, SALT, "store", "yes", {}),
        (KEY, SALT, "store", True, {"chain": "not bytes"}),
        (KEY, SALT, "store", True, [LOG_KEY]),
    ],
)
def test_anything_else_for_a_file_is_the_ordinary_starts(
    rest: tuple[object, ...], tmp_path
) -> None:
    answer = f"out.write(pickle.dumps(({ACTOR!r}, {DAY!r}, *{rest!r})))"
    process = _helper(answer)
    assert FirstScreenAhead(process, ahead.file_answer(tmp_path / "f.db")).first_screen() is None


@pytest.mark.parametrize(
    "answer",
    [
        "sys.exit(1)",  # "none": the ordinary start decides
        "sys.exit(3)",  # it failed
        "pass",  # it said nothing
        "out.write(b'not a pickle')",
        "out.write(pickle.dumps(('KL', 'a day')))",  # something else
        "out.write(pickle.dumps((DAY, ACTOR)))",
        "out.write(pickle.dumps(ACTOR))",
        # a class from anywhere but app.domain and datetime is never loaded
        "out.write(pickle.dumps((ACTOR, DAY, os.getcwd)))",
        "out.write(pickle.dumps((ACTOR, DAY, subprocess.Popen)))",
        "out.write(pickle.dumps((ACTOR, DAY, app.domain.day.needs_booking)))",
        "out.write(pickle.dumps((ACTOR, DAY))[:20])",  # cut off
    ],
)
def test_anything_else_from_the_helper_is_the_ordinary_starts(answer: str) -> None:
    assert _answered_by(answer) is None


def test_a_foreign_class_is_refused_before_it_is_loaded() -> None:
    """A pickle that would call ``os.system`` is refused at its class: nothing runs."""

    class Calls:
        def __reduce__(self):
            return (os.system, ("touch /tmp/minplan-never",))

    with pytest.raises(pickle.UnpicklingError, match="not an answer's class"):
        ahead._unpickled(pickle.dumps((ACTOR, DAY, Calls())))
    from app.domain import users

    with pytest.raises(pickle.UnpicklingError, match="not an answer's class"):
        ahead._unpickled(pickle.dumps(users._bare))  # nor anything private of app.domain


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("app.domain.users", "os.system"),  # a dotted path through the module's imports
        ("app.domain.identifiers", "importlib.import_module"),
        ("datetime", "sys.modules"),
        ("app.domain.users", "os"),  # a module
        ("app.domain.users", "os_user"),  # a function of app.domain
        ("app.domain.day", "date"),  # a class the module only imports
    ],
)
def test_only_a_class_of_the_module_itself_is_loaded(module: str, name: str) -> None:
    """Pickle protocol 4 follows dotted names; each step here would reach past ``app.domain``."""
    call = (
        b"\x80\x04\x8c"
        + bytes([len(module)])
        + module.encode()
        + b"\x8c"
        + bytes([len(name)])
        + name.encode()
        + b"\x93\x8c\x04true\x85R."
    )  # STACK_GLOBAL module.name, then call it with ("true",)
    with pytest.raises(pickle.UnpicklingError, match="not an answer's class"):
        ahead._unpickled(call)


def test_a_helper_that_does_not_answer_in_time_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ahead, "WAIT_S", 0.5)
    process = _helper("import time; time.sleep(30)")
    assert FirstScreenAhead(process, ahead.server_answer(URL)).first_screen() is None
    assert process.returncode is not None, "it was stopped"


def test_no_helper_that_can_start_is_the_ordinary_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead, "_waiting", None)
    monkeypatch.setattr(ahead, "helper_command", lambda kind: ["/nonexistent/minplan"])
    assert ahead.start_server(URL, user=None, demo=False, today=date(2026, 12, 5)) is None
    assert (
        ahead.start_file(
            Path("x.db"), user=None, demo=False, encryption=None, today=date(2026, 12, 5)
        )
        is None
    )


@pytest.mark.parametrize("kind", ahead.KINDS)
def test_a_dismissed_helper_reads_nothing_and_ends(kind: str) -> None:
    """With its input closed at once, the helper ends (exit 0) without a request."""
    done = subprocess.run(
        ahead.helper_command(kind), input=b"", capture_output=True, timeout=60, env=_no_server()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""


def test_the_helper_says_none_where_the_driver_read_would() -> None:
    """A URL the driver's read does not take (a password in it) gives "none" (exit 1)."""
    request = (
        '{"kind": "server", "url": "postgresql+psycopg://kl:secret@db.example/minplan",'
        ' "user": null, "demo": false, "today": "2026-12-05"}'
    )
    done = subprocess.run(
        ahead.helper_command("server"),
        input=request.encode(),
        capture_output=True,
        timeout=60,
        env=_no_server(),
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == b""


def test_serve_answers_the_request_with_the_pickled_day(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []

    def read(url, **request):
        asked.append((url, request))
        return ACTOR, DAY

    monkeypatch.setattr("app.store.first_screen.prepare_server_read", lambda: None)
    monkeypatch.setattr("app.store.first_screen.read_server_day", read)
    out = io.BytesIO()
    request = (
        f'{{"kind": "server", "url": "{URL}", "user": "KL", "demo": true, "today": "2026-12-05"}}'
    )
    assert ahead.serve("server", io.StringIO(request), out) == 0
    assert asked == [(URL, {"user": "KL", "demo": True, "today": date(2026, 12, 5)})]
    assert ahead._unpickled(out.getvalue()) == (ACTOR, DAY)
    assert ahead.serve("server", io.StringIO(""), io.BytesIO()) == 0, "dismissed: nothing read"
    monkeypatch.setattr("app.store.first_screen.read_server_day", lambda url, **_: None)
    assert ahead.serve("server", io.StringIO(request), out) == 1


def test_serve_answers_a_files_request_with_its_day_and_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.store.cipher import DatabaseKey

    asked = []

    def read(path, **request):
        asked.append((path, request))
        return ACTOR, DAY, DatabaseKey(KEY, SALT), "Store", False

    monkeypatch.setattr("app.store.first_screen.prepare_file_read", lambda: None)
    monkeypatch.setattr("app.store.first_screen.read_file_day", read)
    monkeypatch.setattr("app.store.audit_key.keys_read", lambda: {"chain-1": LOG_KEY})
    out = io.BytesIO()
    request = (
        '{"kind": "file", "path": "/x/minplan.db", "user": null, "demo": false,'
        ' "encryption": true, "today": "2026-12-05"}'
    )
    assert ahead.serve("file", io.StringIO(request), out) == 0
    expected = {"user": None, "demo": False, "encryption": True, "today": date(2026, 12, 5)}
    assert asked == [(Path("/x/minplan.db"), expected)]
    answer = (ACTOR, DAY, KEY, SALT, "Store", False, {"chain-1": LOG_KEY})
    assert ahead._unpickled(out.getvalue()) == answer
    monkeypatch.setattr("app.store.first_screen.read_file_day", lambda path, **_: None)
    assert ahead.serve("file", io.StringIO(request), io.BytesIO()) == 1


def test_the_frozen_program_asks_its_console_sibling(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    windowed = tmp_path / "Min Plan.exe"
    windowed.touch()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(windowed))
    assert ahead.helper_command("file") == [str(windowed), ahead.HELPER_ARGUMENT, "file"]
    console = tmp_path / ("minplan.exe" if sys.platform == "win32" else "minplan")
    console.touch()
    assert ahead.helper_command("server") == [str(console), ahead.HELPER_ARGUMENT, "server"]


def _answered_by(answer: str) -> object:
    return FirstScreenAhead(_helper(answer), ahead.server_answer(URL)).first_screen()


def _helper(answer: str) -> subprocess.Popen[bytes]:
    """A stand-in helper whose answer is ``answer`` (Python, ``out`` its standard output)."""
    script = textwrap.dedent(
        f"""
        import datetime, os, pickle, subprocess, sys
        import app.domain.day
        from app.domain.day import DayOverview
        from app.domain.users import Actor
        ACTOR, DAY = {ACTOR!r}, {DAY!r}
        out = sys.stdout.buffer
        {answer}
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _no_server() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MINPLAN_DATABASE")}


def test_while_the_helper_reads_the_window_makes_what_needs_no_answer(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``app.cli.gui`` prepares the window while the helper reads: the application object in the
    language asked for, its date formats, and no onlooking event filter left behind (a key or a
    click after it goes where it always went)."""
    from PySide6.QtCore import QObject

    from app import i18n
    from app.ui import application

    filters: list[QObject] = []
    monkeypatch.setattr(type(qapp), "installEventFilter", lambda _app, f: filters.append(f))
    monkeypatch.setattr(type(qapp), "removeEventFilter", lambda _app, f: filters.remove(f))
    try:
        application.prepare("en")
        assert i18n.current_language() == "en" and i18n.format_date(DAY.today) == "5 Dec 2026"
        assert application.application("en") is qapp and filters == []
    finally:
        i18n.set_language("da")
