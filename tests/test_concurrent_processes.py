"""Two programs on the same database: a change saved by another process is never overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen, update_citizen
from app.casework.core.actor import Actor
from app.casework.plan.plan import save_plan
from app.domain.errors import ConflictError
from app.store.engine import Database, transaction
from app.store.models import Citizen, Plan

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parent.parent
#: The other process reaches the (encrypted) SQLite file's key through a test key store file.
pytestmark = pytest.mark.usefixtures("subprocess_keyring")


def other_process(db: Database, code: str) -> None:
    """Run use-case code in a separate Python process against the same database."""
    target = (
        f"open_url({db.engine.url.render_as_string(hide_password=False)!r})"
        if not db.is_sqlite
        else f"open_sqlite({str(db.path)!r})"
    )
    script = textwrap.dedent(f"""
        from datetime import date
        from app.casework.core.actor import Actor
        from app.store.engine import open_sqlite, open_url
        db = {target}
        other = Actor(None, "OP", "Ole Pedersen", "caseworker", "ole")
    """) + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def citizen(any_db: Database, actor: Actor) -> int:
    return create_citizen(
        any_db,
        actor,
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=TODAY,
    ).id


def test_a_citizen_edited_in_another_process_is_a_conflict_not_an_overwrite(
    any_db: Database, actor: Actor, citizen: int
) -> None:
    with transaction(any_db) as s:
        version_i_loaded = s.get(Citizen, citizen).version
    other_process(
        any_db,
        f"""
        from app.casework.citizens.citizens import update_citizen
        update_citizen(db, other, {citizen}, {version_i_loaded}, {{"phone": "20304050"}}, today=date(2026, 11, 23))
    """,
    )
    with pytest.raises(ConflictError) as conflict:
        update_citizen(any_db, actor, citizen, version_i_loaded, {"phone": "99887766"}, today=TODAY)
    assert conflict.value.current["phone"] == "20304050"
    assert conflict.value.attempted["phone"] == "99887766"
    with transaction(any_db) as s:
        assert s.get(Citizen, citizen).phone == "20304050"


def test_a_plan_saved_in_another_process_is_a_conflict(
    any_db: Database, actor: Actor, citizen: int
) -> None:
    save_plan(any_db, actor, citizen, None, {"job_goal": "Butiksassistent"}, today=TODAY)
    with transaction(any_db) as s:
        version_i_loaded = s.exec(select(Plan).where(Plan.citizen_id == citizen)).one().version
    other_process(
        any_db,
        f"""
        from app.casework.plan.plan import save_plan
        save_plan(db, other, {citizen}, {version_i_loaded}, {{"own_words": "Jeg vil være kok"}}, today=date(2026, 11, 23))
    """,
    )
    with pytest.raises(ConflictError):
        save_plan(
            any_db,
            actor,
            citizen,
            version_i_loaded,
            {"own_words": "Jeg vil arbejde i butik"},
            today=TODAY,
        )
