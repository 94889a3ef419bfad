"""The GUI figures, each measured in a separate process so that it starts as a desk's would.

Cold start runs the real ``minplan`` (offscreen, a throwaway settings folder) with the ready
hook of ``app.ui.ready_probe``; the rest runs ``app.ui.bench_gui``. The database is handed over as
``--db FILE`` or, for PostgreSQL, in ``MINPLAN_DATABASE_URL`` (never on a command line).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.bench.figures import Figure, median, percentile
from app.domain.errors import MinPlanError

TIMEOUT_S = 900


@dataclass(frozen=True)
class Where:
    """How a child process reaches the database under test."""

    path: Path | None = None
    url: str | None = None

    def args(self) -> list[str]:
        return ["--db", str(self.path)] if self.path else []

    def env(self, home: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("MINPLAN_DB", "MINPLAN_DATABASE_URL", "MINPLAN_USER", "MINPLAN_LANG")
        }
        env.update(QT_QPA_PLATFORM="offscreen", MINPLAN_HOME=home)
        if self.url:
            env["MINPLAN_DATABASE_URL"] = self.url
        return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S
    )
    if done.returncode != 0:
        tail = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
        raise MinPlanError(
            "The benchmark's {what} process failed (exit {code}): {tail}",
            what=what,
            code=done.returncode,
            tail=tail,
        )


def _launch(where: Where, user: str, home: str) -> dict[str, Any]:
    """One start of the real ``minplan`` until its ready hook quits it (a clean close); also the
    seconds from the ready moment until the process had ended (the close)."""
    ready = Path(home) / "ready.json"
    ready.unlink(missing_ok=True)
    env = where.env(home)
    env["MINPLAN_BENCH_READY_FILE"] = str(ready)
    command = [sys.executable, "-m", "app", *where.args(), "--user", user, "--lang", "da"]
    started = time.time()
    _run(command, env, "cold start")
    ended = time.time()
    record: dict[str, Any] = json.loads(ready.read_text(encoding="utf-8"))
    record["seconds"] = record["ready_at"] - started
    record["list_s"] = record["list_at"] - started
    record["close_s"] = ended - record["ready_at"]
    return record


def _launch_bare(home: str) -> tuple[float, float]:
    """One start of a bare PySide6 window with a 40-row table (the cold start's floor): the
    seconds until it showed, and from then until its process had ended (the close's floor)."""
    ready = Path(home) / "bare-ready.json"
    ready.unlink(missing_ok=True)
    env = Where().env(home)
    started = time.time()
    _run([sys.executable, "-m", "app.ui.bench_bare_window", str(ready)], env, "bare window")
    ended = time.time()
    ready_at = float(json.loads(ready.read_text(encoding="utf-8"))["ready_at"])
    return ready_at - started, ended - ready_at


def compile_bytecode() -> None:
    """Min Plan's modules compiled to bytecode beside their sources, as an installed program has
    them (pip compiles at install, the frozen program carries them): a start then reads them, as
    the bare window reads PySide6's. Where nothing was compiled and the environment says not to
    write bytecode (``PYTHONDONTWRITEBYTECODE``, a developer's checkout), each launch would
    otherwise compile every module it imports again, a cost no desk has (issue #19: 0.05–0.08 s
    of a start of 0.4 s). A folder that cannot be written is left as it is."""
    import compileall

    import app

    compileall.compile_dir(Path(app.__file__).parent, quiet=2)


def cold_start(where: Where, user: str, citizens: int, runs: int) -> list[Figure]:
    """From process start until the main window shows the citizen list's first rows, beside
    the same for a bare Qt window with a table (launched alternately, so both see the same load).

    The first launch on a desk (or the first after a crash) checks the file's integrity; the
    everyday start after a clean close does not (``app.store.start_check``). Both are measured:
    the target is the everyday one, the first is reported beside it. Each launch ends with a
    clean close, timed from the ready moment to the end of the process."""
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="minplan-bench-home-") as home:
        bare = [_launch_bare(home)]
        first = _launch(where, user, home)
        later = []
        for _ in range(max(1, runs)):
            bare.append(_launch_bare(home))
            later.append(_launch(where, user, home))
    seconds = [record["seconds"] for record in later]
    closes = [record["close_s"] for record in (first, *later)]
    bare_closes = [close for _start, close in bare]
    bare_starts = [start for start, _close in bare]
    memory = [record["peak_rss_mb"] for record in (first, *later)]
    figures = [
        Figure(
            "cold_start",
            median(seconds),
            "s",
            citizens,
            detail={
                "launches_s": seconds,
                # the citizen list shown after each (the ORM loaded behind the window)
                "list_usable_s": [record["list_s"] for record in later],
                "bare_window_s": bare_starts,
                "rows_shown": later[-1]["rows"],
            },
            floor=median(bare_starts[1:]),
        ),
        Figure(
            "close",
            max(closes),
            "s",
            citizens,
            detail={"closes_s": closes, "bare_closes_s": bare_closes},
            floor=max(bare_closes),
        ),
    ]
    if where.path is not None:  # a server's database has no file for Min Plan to check
        figures.append(
            Figure("cold_start_checked", first["seconds"], "s", citizens, floor=bare_starts[0])
        )
    if memory[0] is not None:
        figures.append(Figure("cold_start_memory", max(memory), "MB", citizens))
    return figures


def gui_session(
    where: Where, user: str, as_of: date, citizens: int, runs: int, words: int
) -> tuple[list[Figure], dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="minplan-bench-home-") as home:
        out = Path(home) / "gui.json"
        command = [
            sys.executable,
            "-m",
            "app.ui.bench_gui",
            *where.args(),
            "--user",
            user,
            "--as-of",
            as_of.isoformat(),
            "--out",
            str(out),
            "--repeat",
            str(runs),
            "--words",
            str(words),
        ]
        _run(command, where.env(home), "GUI")
        data = json.loads(out.read_text(encoding="utf-8"))
    keys = data["search_s"]
    figures = [
        _median_ms("list_first_screen", data, "list_all", citizens),
        Figure(
            "list_my_caseload",
            median(data["list_mine_s"]) * 1000,
            "ms",
            citizens,
            detail={"rows": data["list_mine_rows"]},
        ),
    ]
    if keys:
        detail = {
            "keystrokes": len(keys),
            "inputs": data["search_inputs"],
            "max_ms": max(keys) * 1000,
            "query_ms_p50_p95": _p50_p95(data["search_query_s"]),
            "audit_ms_p50_p95": _p50_p95(data["search_audit_s"]),
            # the entry written in the pause the field's timer makes (not in the keystroke)
            "log_wait_ms_p50_p95": _p50_p95(data.get("search_log_wait_s", [])),
            "first_two_keys_ms_p50_p95": _p50_p95(
                [s for s, n in zip(keys, data["search_typed"], strict=True) if n <= 2]
            ),
            "later_keys_ms_p50_p95": _p50_p95(
                [s for s, n in zip(keys, data["search_typed"], strict=True) if n > 2]
            ),
        }
        bare = data["search_bare_s"]
        figures += [
            Figure(
                f"search_p{p}",
                percentile(keys, p) * 1000,
                "ms",
                citizens,
                detail=detail,
                floor=percentile(bare, p) * 1000,
            )
            for p in (50, 95)
        ]
    figures.append(_median_ms("worklist_open", data, "worklist", citizens))
    stalls = {
        k: v for k, v in data.get("stalls_s", {}).items() if not k.endswith(("_rows", "_handler"))
    }
    if stalls:
        figures.append(
            Figure(
                "gui_longest_stall",
                max(stalls.values()) * 1000,
                "ms",
                citizens,
                detail={
                    "stalls_ms": {k: round(v * 1000, 1) for k, v in stalls.items()},
                    "worklist_everybody_rows": data["stalls_s"].get("worklist_everybody_rows"),
                    "worklist_everybody_handler_ms": 1000
                    * data["stalls_s"].get("worklist_everybody_handler", 0.0),
                    # the longest result handler of the window's own runner over all of it
                    "window_longest_handler_ms": 1000
                    * data["stalls_s"].get("window_longest_handler", 0.0),
                },
            )
        )
    if data["peak_rss_mb_list_open"] is not None:
        figures.append(
            Figure(
                "gui_peak_memory",
                data["peak_rss_mb_list_open"],
                "MB",
                citizens,
                detail={"after_worklist_mb": data["peak_rss_mb_end"]},
            )
        )
    return figures, {"qt_platform": data["qt_platform"], "font": data["font"]}


def _median_ms(name: str, data: dict[str, Any], key: str, citizens: int) -> Figure:
    """The median of the timed runs ``data[key + "_s"]`` in ms, with every run and the rows
    shown (``data[key + "_rows"]``) kept as detail."""
    runs = data[f"{key}_s"]
    return Figure(
        name,
        median(runs) * 1000,
        "ms",
        citizens,
        detail={"runs_ms": [s * 1000 for s in runs], "rows": data[f"{key}_rows"]},
    )


def _p50_p95(samples: list[float]) -> list[float] | None:
    """Median and 95th percentile in ms (the parts of a keystroke: query, audit entry)."""
    if not samples:
        return None
    return [percentile(samples, 50) * 1000, percentile(samples, 95) * 1000]
