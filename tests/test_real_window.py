"""Min Plan in a real X window, as a user meets it: started as its own process on a demo
database, under Xvfb, driven by keys only (xdotool), through every menu action and every page.

The offscreen tests never see what this sees: a crash in a real event loop (the print preview
used to die with a segmentation fault), a Qt warning, a window larger than the screen. Each run
fails on

- an exit status other than 0 (a segmentation fault is a negative status: it fails this test,
  not the test run),
- anything at all on the program's standard error (a Python traceback, a Qt warning such as
  ``QWidget::…`` or ``qt.…``), and an ERROR or a traceback in its log file,
- any of its windows (main window, dialog, menu, preview) reaching past the screen.

Two runs: a laptop screen (1366×768) and a full-HD screen at 150 % scaling (1920×1080,
``QT_SCALE_FACTOR=1.5``). The menu structure is not written down here: it is read from the same
code, offscreen, so that the walk follows the menus as they change. Screenshots of each page and
dialog go to the test's folder, or to ``MINPLAN_SCREENSHOT_DIR`` when that is set.

Needs ``Xvfb`` and ``xdotool`` (``./dev.sh test`` installs them). Without them the tests are
skipped with the reason, except on CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.sqlite_only]

ROOT = Path(__file__).resolve().parent.parent
DEMO_CITIZENS = 150
DEMO_SEED = 14
#: How long a menu action may take to open its window before the walk goes on.
OPEN_WAIT_S = 1.0
START_TIMEOUT_S = 60


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    reason = f"{tool} is not installed (./dev.sh test installs it: xvfb, xdotool)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"on CI the real-window tests must run: {reason}")
    pytest.skip(reason)


# --- the X display ---------------------------------------------------------------------------
@dataclass
class Display:
    """An Xvfb server of its own and the xdotool commands the walk needs."""

    number: int
    width: int
    height: int
    process: subprocess.Popen
    baseline: set[str] = field(default_factory=set)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": f":{self.number}"}

    def xdotool(self, *args: str, check: bool = False) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        if check and done.returncode:
            raise AssertionError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def key(self, *keys: str) -> None:
        """The keys in order, with time after each that opens something (a menu) for it to
        take the next ones; a run of Down keys goes in one go."""
        index = 0
        while index < len(keys):
            run = 1
            while index + run < len(keys) and keys[index + run] == keys[index] == "Down":
                run += 1
            self.xdotool("key", "--delay", "25", *keys[index : index + run])
            opens = keys[index].startswith("alt+") or keys[index] in ("Left", "Right")
            time.sleep(0.3 if opens else 0.08)
            index += run

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "30", text)
        time.sleep(0.15)

    def focus(self, window: str) -> None:
        # no window manager: keys go to the window with the X input focus, so set it
        self.xdotool("windowfocus", window)
        time.sleep(0.1)

    def windows(self) -> dict[str, tuple[str, int, int, int, int]]:
        """Visible top-level windows other than the server's own: id → (name, x, y, w, h)."""
        found = {}
        for window in self.xdotool("search", "--onlyvisible", "--name", "").split():
            if window in self.baseline:
                continue
            shell = self.xdotool("getwindowgeometry", "--shell", window)
            values = dict(line.split("=", 1) for line in shell.split() if "=" in line)
            if "WIDTH" not in values:
                continue  # gone meanwhile
            name = self.xdotool("getwindowname", window).strip()
            found[window] = (
                name,
                int(values["X"]),
                int(values["Y"]),
                int(values["WIDTH"]),
                int(values["HEIGHT"]),
            )
        return found

    def screenshot(self, path: Path) -> None:
        if shutil.which("import"):
            subprocess.run(
                ["import", "-window", "root", str(path)],
                env=self.env,
                capture_output=True,
                timeout=30,
            )


def _display_numbers() -> range:
    """The X display numbers to try: 140-399, or ``MINPLAN_TEST_DISPLAYS`` ("45-49") where
    several sessions share a machine and each keeps to its own numbers."""
    chosen = os.environ.get("MINPLAN_TEST_DISPLAYS", "")
    if re.fullmatch(r"\d+-\d+", chosen):
        first, last = (int(part) for part in chosen.split("-"))
        return range(first, last + 1)
    return range(140, 400)


def _free_display() -> int:
    for number in _display_numbers():
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    raise AssertionError("no free X display number")


@pytest.fixture
def display_factory() -> Iterator:
    started: list[Display] = []

    def start(width: int, height: int) -> Display:
        _need("Xvfb")
        _need("xdotool")
        number = _free_display()
        process = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        display = Display(number, width, height, process)
        started.append(display)
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"Xvfb :{number} did not start")
            time.sleep(0.1)
        time.sleep(0.3)
        display.baseline = set(display.xdotool("search", "--onlyvisible", "--name", "").split())
        return display

    yield start
    for display in started:
        display.process.terminate()
        try:
            display.process.wait(10)
        except subprocess.TimeoutExpired:
            display.process.kill()


# --- what the menus hold (read offscreen from the same code) ---------------------------------
@dataclass(frozen=True)
class Step:
    """One menu action: the keys that reach it from the main window, and what it is."""

    label: str
    keys: tuple[str, ...]
    leaves_citizen: bool = False


def _mnemonic(text: str) -> str:
    found = re.search(r"&([^&])", text)
    return found.group(1).lower() if found else ""


def _window_letters(window) -> set[str]:  # type: ignore[no-untyped-def]
    """The access letters of the window's shown widgets (tabs, buttons, labels of fields):
    Alt+such a letter goes to the widget, not to a menu of the same letter."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar

    letters = set()
    for widget in window.findChildren(QAbstractButton):
        if widget.isVisibleTo(window):
            letters.add(_mnemonic(widget.text()))
    for widget in window.findChildren(QLabel):
        if widget.buddy() is not None and widget.isVisibleTo(window):
            letters.add(_mnemonic(widget.text()))
    for widget in window.findChildren(QGroupBox):
        if widget.isVisibleTo(window):
            letters.add(_mnemonic(widget.title()))
    for bar in window.findChildren(QTabBar):
        if bar.isVisibleTo(window):
            letters.update(_mnemonic(bar.tabText(i)) for i in range(bar.count()))
    letters.discard("")
    return letters


def _menu_steps(window) -> list[Step]:  # type: ignore[no-untyped-def]
    """Every enabled action of every menu, as keys: Alt+the letter of a menu whose letter no
    widget of the window also uses, Right/Left to the menu wanted, then Down to the item (a menu
    opens with its first enabled item current; separators and disabled items are skipped),
    Right into a submenu. Quit is left for the end of the walk."""
    from app.i18n import _

    steps: list[Step] = []
    tops = window.menuBar().actions()
    taken = _window_letters(window)
    entry = next((i for i, top in enumerate(tops) if _mnemonic(top.text()) not in taken), None)
    assert entry is not None, (
        "every menu's access letter is also used by a widget of the window: "
        f"{[top.text() for top in tops]} vs {sorted(taken)}"
    )
    entry_key = f"alt+{_mnemonic(tops[entry].text())}"

    def walk(menu, prefix: tuple[str, ...], title: str) -> None:  # type: ignore[no-untyped-def]
        reachable = [a for a in menu.actions() if not a.isSeparator() and a.isEnabled()]
        for index, action in enumerate(reachable):
            keys = prefix + ("Down",) * index
            label = f"{title} → {action.text().replace('&', '')}"
            if action.menu() is not None:
                walk(action.menu(), keys + ("Right",), label)
                continue
            if action.text() == _("&Quit"):  # (offscreen, its standard shortcut is empty)
                continue
            steps.append(Step(label, keys + ("Return",), action is window.back_action))

    for number, top in enumerate(tops):
        moves = ("Right",) * (number - entry) if number >= entry else ("Left",) * (entry - number)
        walk(top.menu(), (entry_key, *moves), top.text().replace("&", ""))
    return steps


@dataclass
class Plan:
    user: str
    citizen_name: str
    steps: list[Step]
    everybody: str
    scope_letter: str
    pages: list[str]
    all_citizens: str


def _plan_the_walk(db_path: Path) -> Plan:
    """Open the demo offscreen as its administrator (every menu, page and scope is there), open
    the first citizen, read the menus."""
    from sqlmodel import col, select

    from app.store.engine import open_sqlite, transaction
    from app.store.models import Caseworker
    from app.ui.application import sign_in
    from app.ui.casework.context import UiContext
    from app.ui.main_window import MainWindow

    db = open_sqlite(db_path, encryption=True)
    try:
        with transaction(db) as session:
            user = session.exec(
                select(Caseworker.initials)
                .where(Caseworker.role == "admin", col(Caseworker.active))
                .order_by(Caseworker.initials)
            ).first()
        assert user, "the demo has no administrator"
        actor = sign_in(db, user=user, demo=True)
        assert actor is not None
        window = MainWindow(UiContext(db, actor), demo=True)
        window.show()
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        from app.ui.citizens.page import ALL_CITIZENS

        # an administrator's own caseload is empty: the list opens on everybody's
        assert window.citizens.scope.currentData() == ALL_CITIZENS
        deadline = time.monotonic() + 60
        while not window.ctx.ops.idle() and time.monotonic() < deadline:  # read in the background
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        model = window.citizens.model
        assert model.rowCount() > 0
        first = model.index(0, 0)
        name = str(model.data(first))
        QApplication.processEvents()
        window.citizens.table.setCurrentIndex(first)
        citizen_id = window.citizens.selected_citizen_id()
        window.open_citizen(citizen_id)
        steps = _menu_steps(window)
        everybody = next(
            window.worklist.scope.itemText(i)
            for i in range(window.worklist.scope.count())
            if (window.worklist.scope.itemData(i) or ("",))[0] == "all"
        )
        pages = [window.nav.item(row).text() for row in range(window.nav.count())]
        window.citizen_page.may_leave = lambda: True  # type: ignore[method-assign]
        window.hide()
        window.deleteLater()
        letter = _mnemonic(window.worklist.scope_label.text())
        assert letter, "the worklist's scope chooser has no access letter"
        shown = window.citizens.scope.itemText(ALL_CITIZENS)
        return Plan(user, name, steps, everybody, letter, pages, shown)
    finally:
        db.dispose()


# --- the walk --------------------------------------------------------------------------------
@dataclass
class Run:
    display: Display
    process: subprocess.Popen
    main: str
    shots: Path
    seen: dict[str, str] = field(default_factory=dict)  # window id → what opened it
    problems: list[str] = field(default_factory=list)
    oversized: set[tuple[str, int, int]] = field(default_factory=set)
    shot_count: int = 0

    def alive(self, during: str) -> None:
        code = self.process.poll()
        if code is not None:
            _out, err = self.process.communicate(timeout=10)
            tail = "\n".join(err.splitlines()[-40:])
            raise AssertionError(f"Min Plan ended during {during!r}: {_status(code)}\n{tail}")

    def check_sizes(self, during: str) -> dict[str, tuple[str, int, int, int, int]]:
        windows = self.display.windows()
        for name, x, y, w, h in windows.values():
            if w <= 1 or h <= 1:
                continue  # Qt's helper windows
            if (x < 0 or y < 0 or x + w > self.display.width or y + h > self.display.height) and (
                name,
                w,
                h,
            ) not in self.oversized:
                self.oversized.add((name, w, h))
                self.problems.append(
                    f"{during}: window {name!r} at {x},{y} size {w}×{h} reaches past the "
                    f"{self.display.width}×{self.display.height} screen"
                )
        return windows

    def shot(self, label: str) -> None:
        if not os.environ.get("MINPLAN_SCREENSHOT_DIR"):
            return  # a screenshot costs half a second; taken when asked for
        self.shot_count += 1
        plain = re.sub(r"[^a-z0-9æøå]+", "-", label.lower()).strip("-")[:60]
        self.display.screenshot(self.shots / f"{self.shot_count:02d}-{plain}.png")

    def others(self, windows: dict) -> list[str]:  # type: ignore[type-arg]
        return [w for w, (_n, _x, _y, ww, hh) in windows.items() if w != self.main and ww > 1]

    def close_others(self, during: str) -> None:
        """Escape every window the action opened (a dialog, a message, a file chooser, a menu)."""
        for _attempt in range(6):
            others = self.others(self.display.windows())
            if not others:
                return
            self.display.focus(others[-1])
            self.display.key("Escape")
            time.sleep(0.3)
            self.alive(during)
        raise AssertionError(f"{during}: a window would not close with Escape")

    def step(self, label: str, keys: tuple[str, ...]) -> None:
        self.alive(label)
        self.display.focus(self.main)
        self.display.key(*keys)
        deadline = time.monotonic() + OPEN_WAIT_S
        windows = self.check_sizes(label)
        while not self.others(windows) and time.monotonic() < deadline:
            time.sleep(0.15)
            self.alive(label)
            windows = self.check_sizes(label)
        opened = self.others(windows)
        with open(self.shots / "walk.txt", "a", encoding="utf-8") as trace:
            names = [windows[w][0] for w in opened]
            trace.write(f"{label}\t{' '.join(keys)}\t{names}\n")
        if opened:
            time.sleep(0.6)  # let it paint (the print preview renders its pages)
            self.alive(label)
            windows = self.check_sizes(label)
            for window in self.others(windows):
                self.seen.setdefault(window, f"{label}: {windows[window][0]}")
            self.shot(label)
        self.close_others(label)


def _status(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _start(display: Display, home: Path, scale: str | None, user: str) -> subprocess.Popen:
    env = {
        **display.env,
        "MINPLAN_HOME": str(home),
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
        "PYTHONFAULTHANDLER": "1",
    }
    for variable in ("QT_SCALE_FACTOR", "QT_LOGGING_RULES", "QT_FATAL_WARNINGS"):
        env.pop(variable, None)
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--demo", "--lang", "da", "--user", user],
        env=env,
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _main_window(display: Display, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"Min Plan ended at start: {_status(process.returncode)}\n{err}")
        for window, (name, *_rest) in display.windows().items():
            if name.startswith("Min Plan —"):
                time.sleep(1.5)  # the list paints, the day's summary shows
                return window
        time.sleep(0.3)
    raise AssertionError("the main window did not show within a minute")


def _open_citizen(run: Run, name: str) -> None:
    run.display.focus(run.main)
    run.display.key("ctrl+f")
    run.display.type(name)
    time.sleep(0.6)  # the search waits for typing to pause
    run.display.key("Return")
    run.display.key("Return")
    time.sleep(0.8)


def _walk(display: Display, home: Path, shots: Path, scale: str | None) -> Run:
    from app import paths
    from app.demo.data import write_demo_database

    demo = paths.demo_database_path()
    demo.parent.mkdir(parents=True, exist_ok=True)
    write_demo_database(demo, citizens=DEMO_CITIZENS, seed=DEMO_SEED, encryption=True)
    plan = _plan_the_walk(demo)
    assert len(plan.steps) > 20, [s.label for s in plan.steps]
    process = _start(display, home, scale, plan.user)
    try:
        run = Run(display, process, _main_window(display, process), shots)
        run.check_sizes("start")
        run.shot("start")
        # every page, by its shortcut (Ctrl+1 …), each drawn and measured
        for number, page in enumerate(plan.pages, start=1):
            run.step(f"page {page}", (f"ctrl+{number}",))
            time.sleep(1.5 if number > 1 else 0.5)  # Frister and the indicators count first
            run.check_sizes(f"page {page}")
            run.shot(f"page {page}")
        # the deadlines of everybody: Frister, the scope chooser (Alt+its letter), type-ahead
        run.step("Frister", ("ctrl+2",))
        run.display.focus(run.main)
        run.display.key(f"alt+{plan.scope_letter}")
        run.display.type(plan.everybody[:4])
        time.sleep(2.0)
        run.alive("the worklist for everybody")
        run.check_sizes("the worklist for everybody")
        run.shot("frister-everybody")
        run.step("Mine borgere", ("ctrl+1",))
        # the list of all citizens: from the search field, Tab to the scope chooser, type-ahead
        run.display.focus(run.main)
        run.display.key("ctrl+f", "Tab")
        run.display.type(plan.all_citizens[:4])
        time.sleep(0.8)
        run.shot("alle borgere")
        # every menu action with the first citizen open
        _open_citizen(run, plan.citizen_name)
        run.shot("citizen page")
        for step in plan.steps:
            run.step(step.label, step.keys)
            if step.leaves_citizen:
                _open_citizen(run, plan.citizen_name)
        run.alive("the end of the walk")
        run.display.focus(run.main)
        run.display.key("ctrl+q")
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            raise AssertionError("Min Plan did not close with Ctrl+Q") from None
        return run
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _check_outcome(run: Run, home: Path) -> None:
    out, err = run.process.communicate()
    code = run.process.returncode
    problems = list(run.problems)
    if code != 0:
        problems.append(f"Min Plan ended with {_status(code)}")
    lines = [line for line in err.splitlines() if line.strip()]
    if lines:
        problems.append("standard error is not empty:\n" + "\n".join(lines[:40]))
    for log in (home / "logs").glob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        bad = [
            line
            for line in text.splitlines()
            if " ERROR " in line or " CRITICAL " in line or "Traceback" in line
        ]
        if bad:
            problems.append(f"{log.name}:\n" + "\n".join(bad[:20]))
    for crash in (home / "logs").glob("native-crash-*.txt"):
        if crash.read_text(encoding="utf-8", errors="replace").strip():
            problems.append(f"a native crash report: {crash.name}")
    assert not problems, "\n\n".join(problems)
    previews = [what for what in run.seen.values() if "udskrift" in what.lower()]
    assert previews, f"the print preview never opened; windows seen: {sorted(run.seen.values())}"
    assert len(run.seen) >= 20, f"too few dialogs opened: {sorted(run.seen.values())}"


def _shots(tmp_path: Path, name: str) -> Path:
    base = os.environ.get("MINPLAN_SCREENSHOT_DIR")
    folder = Path(base) / name if base else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_laptop_screen_every_menu_action_and_page(
    qapp, display_factory, isolated_home: Path, tmp_path: Path
) -> None:
    display = display_factory(1366, 768)
    run = _walk(display, isolated_home, _shots(tmp_path, "1366x768"), None)
    _check_outcome(run, isolated_home)


def test_full_hd_at_150_percent_every_menu_action_and_page(
    qapp, display_factory, isolated_home: Path, tmp_path: Path
) -> None:
    display = display_factory(1920, 1080)
    run = _walk(display, isolated_home, _shots(tmp_path, "1920x1080-150"), "1.5")
    _check_outcome(run, isolated_home)


def test_a_segmentation_fault_is_named_as_such() -> None:
    """A child killed by a signal has a negative status; the report names the signal."""
    assert _status(-11) == "killed by SIGSEGV"
    assert _status(-6) == "killed by SIGABRT"
    assert _status(70) == "exit status 70"
