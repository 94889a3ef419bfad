"""The schema's head revision read from the revision scripts' own lines, without Alembic or
SQLAlchemy: every start compares it with the database's ``alembic_version``
(``app.store.migrations.is_at_head``; before the ORM is loaded, ``app.store.first_screen``)."""

from __future__ import annotations

import re

from app import paths

_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.M
)


def head_from_script_lines() -> str | None:
    """The head revision read from each script's ``revision`` and ``down_revision`` lines (the
    one revision no other script revises); None when a script reads otherwise (a merge's tuple,
    no source shipped), so that the caller asks Alembic instead."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (paths.migrations_dir() / "versions").glob("*.py"):
        lines = _REVISION_LINE.findall(script.read_text("utf-8"))
        found = dict(lines)
        if len(lines) != 2 or len(found) != 2 or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            revised.add(found["down_revision"])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None
