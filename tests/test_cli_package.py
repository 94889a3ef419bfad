"""The CLI package: one typed command interface, documented exit codes, a parser that loads
nothing heavy (the cold start of every command)."""

from __future__ import annotations

import subprocess
import sys

from app.cli import build_parser, commands
from app.cli.command import Command, ExitCode
from tests.conftest import ROOT


def test_every_subcommand_is_one_command_in_the_help_order() -> None:
    found = commands()
    assert all(isinstance(command, Command) for command in found)
    names = [command.name for command in found]
    assert names == [
        "db", "demo", "import", "export", "deadlines", "plan-pdf", "measure", "indicators",
        "backup", "restore", "bench", "audit", "retention", "access-request", "users",
    ]  # fmt: skip
    help_text = build_parser(found).format_help()
    assert all(name in help_text for name in names)


def test_the_exit_codes_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "INCOMPLETE": 1,
        "PROBLEM": 2,
        "INTERRUPTED": 130,
    }
    operations = (ROOT / "packaging" / "OPERATIONS.md").read_text(encoding="utf-8")
    assert all(f"| {int(code)} |" in operations for code in ExitCode)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "packaging/OPERATIONS.md#exit-statuses" in readme


def test_building_the_parser_loads_no_database_qt_or_pdf_code() -> None:
    probe = (
        "import sys; from app.cli import build_parser; build_parser(); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(done.stdout.split())
    assert not loaded & {"sqlalchemy", "sqlmodel", "PySide6", "reportlab", "alembic", "openpyxl"}
