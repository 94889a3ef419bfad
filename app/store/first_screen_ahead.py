"""The start's first screen read in a second process while the window loads.

Reading I dag needs the key store (keyring and its D-Bus or system libraries), on a team server
``psycopg``, and the database's answers: 0.1-0.2 s before the window could show. Loading Qt and
the window's modules takes about as long. In one process they run one after the other: both hold
the interpreter's lock, so a thread gains nothing (issue #19: 0.20 s against 0.19 s). A second
process runs on the desk's other core.

So a launch that will likely open a window (``spawn_if_likely``, the first thing ``app.launch``
does: no command, no help) starts a helper: on Linux a copy of itself
(``app.store.forked_helper``: no second start of Python, 35-45 ms sooner), elsewhere this
program once more (``HELPER_ARGUMENT``, with ``server`` or ``file`` for what to load). The
helper loads what the read needs at once; the start, once it has read its arguments and
checked the file, hands it the request on its
standard input (never on a command line: ``start_server``, ``start_file``) and loads the
window's modules meanwhile. The helper reads the day exactly as the start would have
(``app.store.first_screen.read_server_day`` and ``read_file_day``): the same environment, the
same login, the key or password from the same key store. It answers with the user and their
day (for a file also the database key it opened it with and the access-log key it checked, so
that the start never loads the key store), pickled, on its standard output, and exits. A
start that wants no helper after all (a command, a file to check first) closes its input
(``dismiss``), and the helper ends without reading anything.

What comes back is unpickled only into the plain data classes of ``app.domain`` and
``datetime`` (``_unpickled``): nothing else is loaded, whatever the helper says. Anything out of
the ordinary — no helper could be started, it failed, said nothing, answered with something
else, or did not answer within ``WAIT_S`` — gives None. The ordinary start then reads it all
itself and says what is wrong, as it did before. A desk with one core gains nothing from a
helper and starts none; ``MINPLAN_FIRST_SCREEN_HELPER=0`` or ``1`` turns it off or on.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TextIO

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date
    from pathlib import Path

    from app.store.first_screen import FirstScreen

    #: How a helper's answer (checked to begin with the user and their day) becomes the
    #: start's first screen; None where the rest of it is not what the read gives.
    Finish = Callable[[tuple[Any, ...], Callable[[], None]], FirstScreen | None]

    from app.store.forked_helper import ForkedHelper

    #: A helper started as a program, or forked (``_spawn``).
    Helper = subprocess.Popen[bytes] | ForkedHelper

# Only what starting the helper needs is imported here: a launch starts it before anything else.

#: The program's argument that makes it the helper (``app.launch`` looks for it first); after
#: it, what the helper is for (``KINDS``: what it loads before its request comes).
HELPER_ARGUMENT = "--first-screen-helper"
KINDS = ("server", "file")
#: How long a start waits for the helper. A key store may ask the user to unlock it first (the
#: ordinary start would have waited as long); a helper that hangs is stopped after this.
WAIT_S = 120.0
#: The options of ``minplan`` that take a value (``app.cli.options.add_common``): what follows
#: them is no command.
VALUE_OPTIONS = ("--db", "--database-url", "--lang", "--user")
#: Where the classes of an answer may come from (``_unpickled``).
_ALLOWED_PACKAGE, _ALLOWED_MODULE = "app.domain.", "datetime"

#: The helper started at launch and not yet given a request or dismissed.
_waiting: Helper | None = None


class FirstScreenAhead:
    """A helper reading a first screen; ``first_screen`` waits for its answer and makes it the
    start's with ``finish`` (None where the answer is not what the read gives)."""

    def __init__(self, process: Helper, finish: Finish) -> None:
        self.process = process
        self.finish = finish

    def first_screen(self, before_engine: Callable[[], None] = lambda: None) -> FirstScreen | None:
        """The first screen the helper read, or None for the ordinary start."""
        import pickle

        from app.domain.day import DayOverview
        from app.domain.users import Actor

        try:
            out, err = self.process.communicate(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            _log().warning("the first screen's helper did not answer in %s s", WAIT_S)
            return None
        if self.process.returncode != 0 or not out:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:]
            _log().info("first screen's helper: none (exit %s) %s", self.process.returncode, tail)
            return None
        try:
            answer = _unpickled(out)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as bad:
            _log().warning("the first screen's helper answered something else: %s", bad)
            return None
        first = None
        if (
            isinstance(answer, tuple)
            and len(answer) >= 2
            and isinstance(answer[0], Actor)
            and isinstance(answer[1], DayOverview)
        ):
            first = self.finish(answer, before_engine)
        if first is None:
            _log().warning("the first screen's helper answered something else")
        return first


def spawn_if_likely(argv: Sequence[str], environ: Mapping[str, str]) -> None:
    """At launch: start a helper when the arguments look like a window (no command, no help),
    for a team server where a database URL is given, else for a file. A wrong guess costs the
    other core a moment: the start dismisses the helper once it has read its arguments."""
    global _waiting
    if _waiting is not None or not wanted(environ):
        return
    kind = _window_likely(argv, environ)
    if kind is None:
        return
    _waiting = _spawn(kind, at_launch=True)
    if _waiting is not None:
        atexit.register(dismiss)


def start_server(url: str, *, user: str | None, demo: bool, today: date) -> FirstScreenAhead | None:
    """The helper (the one started at launch, else a new one) given the first screen of the
    server at ``url`` to read; None where none can be (the ordinary start then reads it)."""
    request = {"kind": "server", "url": url, "user": user, "demo": demo, "today": today}
    return _start(request, server_answer(url))


def start_file(
    path: Path, *, user: str | None, demo: bool, encryption: bool | None, today: date
) -> FirstScreenAhead | None:
    """The helper (the one started at launch, else a new one) given the first screen of the
    SQLite file ``path`` to read; None where none can be (the ordinary start then reads it)."""
    request = {"kind": "file", "path": str(path), "user": user, "demo": demo, "today": today}
    return _start({**request, "encryption": encryption}, file_answer(path))


def server_answer(url: str) -> Finish:
    """A team server's answer: (user, day)."""

    def finish(answer: tuple[Any, ...], before_engine: Callable[[], None]) -> FirstScreen | None:
        from app.store.first_screen import server_first_screen

        if len(answer) != 2:
            return None
        return server_first_screen(url, answer[0], answer[1], before_engine)

    return finish


def file_answer(path: Path) -> Finish:
    """A SQLite file's answer: (user, day, key, salt, key store, protected, access-log keys). It
    carries the key the helper opened the file with and the access-log key it checked (on a
    pipe to this process only), so this process makes the engine and seals its log without
    loading the key store at start (``app.store.audit_key.hand_over``: a handed key is used
    only where it matches the chain)."""

    def finish(answer: tuple[Any, ...], before_engine: Callable[[], None]) -> FirstScreen | None:
        from app.store.cipher import DatabaseKey
        from app.store.first_screen import file_first_screen

        if len(answer) != 7:
            return None
        actor, day, raw, salt, store_name, protected, log_keys = answer
        plain = raw is None and salt is None
        if not (plain or (isinstance(raw, bytes) and isinstance(salt, bytes))):
            return None
        if not isinstance(store_name, str | None) or not isinstance(protected, bool):
            return None
        if not isinstance(log_keys, dict) or not all(
            isinstance(chain, str) and isinstance(log_key, bytes)
            for chain, log_key in log_keys.items()
        ):
            return None
        try:
            key = None if plain else DatabaseKey(raw, salt)
        except ValueError:
            return None
        from app.store import audit_key

        for chain, log_key in log_keys.items():
            audit_key.hand_over(chain, log_key)
        return file_first_screen(path, actor, day, key, store_name, protected, before_engine)

    return finish


def _start(request: dict[str, Any], finish: Finish) -> FirstScreenAhead | None:
    """``request`` (its day in ISO form) written to the helper's input."""
    global _waiting
    process, _waiting = _waiting or _spawn(request["kind"]), None
    if process is None:
        return None
    import json

    given, process.stdin = process.stdin, None  # written here; ``communicate`` reads only
    assert given is not None
    try:
        with given:
            given.write(json.dumps({**request, "today": request["today"].isoformat()}).encode())
    except OSError as problem:  # it has ended
        _log().info("the first screen's helper took no request: %s", problem)
        process.kill()
        process.communicate()
        return None
    return FirstScreenAhead(process, finish)


def dismiss() -> None:
    """The helper started at launch is not wanted: its input is closed and it ends."""
    global _waiting
    process, _waiting = _waiting, None
    if process is None:
        return
    try:
        process.communicate(timeout=5)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        process.kill()


def wanted(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a start reads ahead in a helper: ``MINPLAN_FIRST_SCREEN_HELPER=0`` never, ``1``
    always, otherwise where this process may run on more than one core."""
    chosen = (os.environ if environ is None else environ).get("MINPLAN_FIRST_SCREEN_HELPER")
    return chosen == "1" if chosen in ("0", "1") else _cores() > 1


def _cores() -> int:
    """The cores this process may run on (its affinity where the system says, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # Windows, macOS
        return os.cpu_count() or 1


def helper_command(kind: str) -> list[str]:
    """This program as its helper for ``kind``: the interpreter with ``-m app``, or the frozen
    program (the console one beside a windowed one, which has no standard output of its own)."""
    if not getattr(sys, "frozen", False):
        return [sys.executable, "-m", "app", HELPER_ARGUMENT, kind]
    from pathlib import Path

    program = Path(sys.executable)
    console = program.with_name("minplan.exe" if sys.platform == "win32" else "minplan")
    return [str(console if console.is_file() else program), HELPER_ARGUMENT, kind]


def serve(
    kind: str | None = None, stdin: TextIO | None = None, stdout: BinaryIO | None = None
) -> int:
    """The helper: load what a read of ``kind`` needs, then read the request, the first screen,
    and answer (exit 0); exit 1 for "none"; no request (dismissed) ends it at once (exit 0)."""
    import json
    import pickle
    from datetime import date
    from pathlib import Path

    from app.store import first_screen

    if kind == "server":
        first_screen.prepare_server_read()
    elif kind == "file":
        first_screen.prepare_file_read()
    text = (stdin or sys.stdin).read()
    if not text:
        return 0
    request = json.loads(text)
    today = date.fromisoformat(request["today"])
    user, demo = request["user"], bool(request["demo"])
    answer: tuple[Any, ...] | None
    if request["kind"] == "server":
        answer = first_screen.read_server_day(request["url"], user=user, demo=demo, today=today)
    else:
        found = first_screen.read_file_day(
            Path(request["path"]),
            user=user,
            demo=demo,
            encryption=request["encryption"],
            today=today,
        )
        answer = None
        if found is not None:
            actor, day, key, store_name, protected = found
            raw, salt = (key.key, key.salt) if key is not None else (None, None)
            from app.store import audit_key

            answer = (actor, day, raw, salt, store_name, protected, audit_key.keys_read())
    if answer is None:
        return 1
    out = stdout or sys.stdout.buffer
    out.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()
    return 0


def serve_and_exit(kind: str | None = None) -> NoReturn:
    """``serve`` as the helper's whole life: its status, without the interpreter's tidying up
    at exit (35-55 ms of unloading modules the start was waiting for; the connection is closed
    and the answer written by then)."""
    try:
        code = serve(kind)
    except BaseException:  # a traceback on stderr, which the start logs; still "none"
        import traceback

        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    if "app.store.audit_chain" in sys.modules:  # a commit's checkpoint, if one is being written
        sys.modules["app.store.audit_chain"].flush_checkpoints()
    os._exit(code)


def _spawn(kind: str, *, at_launch: bool = False) -> Helper | None:
    """The helper for ``kind``: at launch a copy of this process where it can be one
    (``app.store.forked_helper``: it then need not start Python again), else a new program."""
    if at_launch:
        from app.store import forked_helper

        if forked_helper.possible():
            forked = forked_helper.fork_helper(kind, serve_and_exit)
            if forked is not None:
                return forked
    try:
        return subprocess.Popen(
            helper_command(kind),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # Windows: no console
        )
    except OSError as problem:
        _log().info("the first screen's helper could not start: %s", problem)
        return None


def _window_likely(argv: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """``server`` or ``file`` where no command or help is among the arguments (a window is
    likely), by whether a database URL is given; None otherwise."""
    url = bool(environ.get("MINPLAN_DATABASE_URL"))
    after_value_option = False
    for arg in argv:
        if after_value_option:
            after_value_option = False
            continue
        if arg in ("-h", "--help") or arg.startswith("--vers") or not arg.startswith("-"):
            return None  # help, the version, or a command
        url = url or arg.startswith("--database-url")
        after_value_option = arg in VALUE_OPTIONS
    return "server" if url else "file"


def _unpickled(data: bytes) -> Any:
    """``data`` unpickled into the plain data of ``app.domain`` and ``datetime`` only: a class
    defined in the module named, by its own public name. Not a dotted path (pickle would follow
    it through the module's imports, ``app.domain.users`` → ``os.system``), not a function, not
    a module, not a class a module merely imports."""
    import io
    import pickle

    class DomainOnly(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            allowed = module.startswith(_ALLOWED_PACKAGE) or module == _ALLOWED_MODULE
            if allowed and name.isidentifier() and not name.startswith("_"):
                found = super().find_class(module, name)
                if isinstance(found, type) and found.__module__ == module:
                    return found
            raise pickle.UnpicklingError(f"{module}.{name} is not an answer's class")

    return DomainOnly(io.BytesIO(data)).load()


def _log() -> logging.Logger:
    import logging

    return logging.getLogger(__name__)
