"""No CPR number, name or note text ever reaches the log files on disk — not in normal use, not
with ``MINPLAN_DEBUG``, not in the traceback of an unexpected database error."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from app.casework.citizens.citizens import create_citizen, update_citizen
from app.casework.citizens.journal import add_note
from app.casework.core.actor import Actor
from app.casework.plan.plan import save_plan
from app.casework.privacy.access_log import record_search, record_view
from app.domain.errors import DuplicateError
from app.logging_setup import configure_logging
from app.store.engine import Database, transaction
from app.store.models import Citizen
from tests.conftest import cli_args

TODAY = date(2026, 11, 23)
CPR, CPR_DIGITS = "150390-1234", "1503901234"
FIRST, LAST = "Åsvejkild", "Ørnebjergsen"
NOTE = "Fortrolig samtale om helbred og gæld"
GOAL = "Drømmejob som Zeppelinpilot"


@pytest.fixture
def log_folder(isolated_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    earlier = [h for h in root.handlers if getattr(h, "_minplan", False)]
    for handler in earlier:
        root.removeHandler(handler)
    level, sql_level = root.level, logging.getLogger("sqlalchemy").level
    monkeypatch.setenv("MINPLAN_DEBUG", "1")  # the chattiest setting there is
    configure_logging()
    yield isolated_home / "logs"
    for handler in [h for h in root.handlers if getattr(h, "_minplan", False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in earlier:
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("sqlalchemy").setLevel(sql_level)


def test_typical_work_leaves_no_personal_data_in_the_log_files(
    log_folder: Path, db: Database, actor: Actor, tmp_path: Path
) -> None:
    from app.cli import main

    citizen = create_citizen(
        db, actor, {"cpr": CPR, "first_name": FIRST, "last_name": LAST}, today=TODAY
    ).id
    update_citizen(db, actor, citizen, None, {"phone": "20304050"}, today=TODAY)
    save_plan(db, actor, citizen, None, {"job_goal": GOAL}, today=TODAY)
    add_note(db, actor, citizen, NOTE, today=TODAY)
    record_view(db, actor, citizen)
    record_search(db, actor, LAST, hits=1, shown=[citizen])
    with pytest.raises(DuplicateError):
        create_citizen(db, actor, {"cpr": CPR, "first_name": "X", "last_name": "Y"}, today=TODAY)
    try:  # an unexpected database error whose statement carries the CPR number and the name
        with transaction(db) as session:
            session.add(Citizen(cpr=CPR_DIGITS, birth_date=TODAY, first_name=FIRST, last_name=LAST))
            session.flush()
    except Exception:
        logging.getLogger("minplan.test").exception("unexpected error while saving")
    logging.getLogger("minplan.test").error("a message naming %s by mistake", CPR)
    for argv in (
        ["audit", "extract", "--cpr", CPR, "--out", str(tmp_path / "x.pdf")],
        ["plan-pdf", "--cpr", CPR, "--out", str(tmp_path / "plan.pdf")],
        ["audit", "search", "--cpr", CPR, "--out", str(tmp_path / "log.csv")],
        ["export", str(tmp_path / "bundle")],
        ["deadlines", "--format", "csv"],
        ["audit", "verify"],
    ):
        assert main([*argv, *cli_args(db)]) in (0, 2)
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = [p for p in log_folder.rglob("*") if p.is_file()]
    assert files, "the test must have written a log file to look at"
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert "unexpected error while saving" in text and "Traceback" in text
    assert "150390-XXXX" in text  # the mistaken message, masked
    for secret in (CPR, CPR_DIGITS, FIRST, LAST, NOTE, GOAL, "20304050"):
        assert secret not in text, f"{secret!r} reached the log files"
