"""Smoke test of an installed or frozen Min Plan, run as its users run it: a program on the PATH.

    python packaging/smoke_test.py --work DIR [--old-db FILE] -- MINPLAN [ARGS…]

``MINPLAN`` is the program to test: ``dist/minplan/minplan`` (the PyInstaller bundle) or the
``minplan`` of a fresh virtual environment a wheel was installed into. It runs ``--help`` (in
Danish: the catalogs were found), ``demo``, ``deadlines``, ``plan-pdf`` (with the shipped font
embedded), ``indicators --format xlsx``, ``users``, ``db upgrade`` of an old-schema file (given
with ``--old-db``; ``tests/test_wheel.py`` and ``packaging/build_frozen.sh`` make one) and the GUI
offscreen until its main window has painted. Standard library only, so it can test any install.

The child processes get the caller's environment (key store, ``MINPLAN_HOME``); exit status 0
means every step passed, 1 names the step that did not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

#: A Danish sentence of ``minplan --help``: the Danish catalog shipped and was read.
DANISH_HELP = "åbn en genereret demodatabase"
#: And argparse's own words, translated too.
DANISH_USAGE = "brug:"


class Failed(Exception):
    pass


def run(
    program: list[str], *args: str, timeout: float = 300, env=None
) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = subprocess.run(
        [*program, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        encoding="utf-8",
        errors="replace",
    )
    took = time.monotonic() - started
    print(f"  {' '.join(args)[:70]:<70} exit {done.returncode} ({took:.1f} s)", flush=True)
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise Failed(
            f"minplan {' '.join(args)} ended with {done.returncode}:\n{done.stderr[-3000:]}"
        )
    return done


def smoke(program: list[str], work: Path, old_db: Path | None) -> None:
    work.mkdir(parents=True, exist_ok=True)
    demo = str(work / "demo.db")

    out = run(program, "--help").stdout
    if DANISH_HELP not in out or DANISH_USAGE not in out:
        raise Failed(f"--help is not in Danish:\n{out[:800]}")
    version = run(program, "--version").stdout.strip()
    print(f"  version: {version}")

    run(program, "demo", "--citizens", "40", "--seed", "3", "--db", demo)
    users = run(program, "--lang", "en", "users", "--db", demo).stdout
    if "(Administrator)" not in users:
        raise Failed(f"minplan users shows no administrator:\n{users}")
    listing = json.loads(run(program, "deadlines", "--db", demo, "--format", "json").stdout)
    cpr = listing["deadlines"][0]["cpr"]

    pdf = work / "plan.pdf"
    run(program, "plan-pdf", "--cpr", cpr, "--out", str(pdf), "--db", demo)
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF") or b"DejaVuSans" not in data:
        raise Failed("the plan PDF is not a PDF with the shipped DejaVu Sans font embedded")

    xlsx = work / "indicators.xlsx"
    run(
        program,
        "indicators",
        "--plan",
        "herlev-2024",
        "--period",
        "2025",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
        "--db",
        demo,
    )
    with zipfile.ZipFile(xlsx) as book:
        if "xl/workbook.xml" not in book.namelist():
            raise Failed("indicators --format xlsx wrote no workbook")

    if old_db is not None:
        out = run(
            program, "--lang", "en", "db", "upgrade", "--db", str(old_db), "--no-encryption"
        ).stdout
        if "Upgraded the database" not in out:
            raise Failed(f"db upgrade did not upgrade the old file:\n{out}")

    first_screen_helper(program)

    ready = work / "gui-ready.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MINPLAN_BENCH_READY_FILE": str(ready)}
    run(program, "--db", demo, env=env, timeout=180)
    record = json.loads(ready.read_text(encoding="utf-8"))
    if not record.get("painted") or record.get("rows", 0) < 1:
        raise Failed(f"the GUI did not show the citizen list: {record}")


def first_screen_helper(program: list[str]) -> None:
    """The program as the helper a start reads its first screen in
    (``app.store.first_screen_ahead``): dismissed, it ends at once; asked about a server that is
    not there, it loads psycopg and the key store, finds none and says "none" (exit 1); asked
    about a file that is not there, it loads SQLCipher, the key store and the rule files, and
    says "none"."""
    server = {
        "kind": "server",
        "url": "postgresql+psycopg://nobody@127.0.0.1:1/minplan?connect_timeout=5",
        "user": None,
        "demo": False,
        "today": "2026-12-05",
    }
    file = {"kind": "file", "path": str(Path(tempfile.gettempdir()) / "minplan-none.db")}
    file.update(user=None, demo=False, encryption=None, today="2026-12-05")
    for kind, given, wanted in (
        ("server", "", 0),
        ("server", json.dumps(server), 1),
        ("file", json.dumps(file), 1),
    ):
        started = time.monotonic()
        done = subprocess.run(
            [*program, "--first-screen-helper", kind],
            input=given.encode(),
            capture_output=True,
            timeout=120,
        )
        took = time.monotonic() - started
        shown = f"--first-screen-helper {kind}"
        print(f"  {shown:<70} exit {done.returncode} ({took:.1f} s)", flush=True)
        if done.returncode != wanted or done.stdout or b"Traceback" in done.stderr:
            raise Failed(
                f"the first screen's helper ended with {done.returncode} (not {wanted}):\n"
                f"{done.stderr.decode('utf-8', 'replace')[-3000:]}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="a folder for the test's files")
    parser.add_argument("--old-db", type=Path, help="an unencrypted SQLite file of an old schema")
    parser.add_argument(
        "program", nargs=argparse.REMAINDER, help="the minplan program and its first arguments"
    )
    args = parser.parse_args(argv)
    program = [p for p in args.program if p != "--"]
    if not program:
        parser.error("name the minplan program after --")
    print(f"smoke test of {' '.join(program)}", flush=True)
    try:
        smoke(program, args.work, args.old_db)
    except (Failed, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as error:
        print(f"SMOKE TEST FAILED: {error}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
