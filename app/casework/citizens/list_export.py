"""Lists that leave the program — the Today page, the Deadlines list, the citizen list — on paper
or as a spreadsheet, recorded in the access log like every other export.

The event names the list (``criterion``: which list, its filter, whether CPR numbers were in
full), the format, the number of rows and, as its subjects, every citizen the list names, so each
of them finds it in their access-log extract. An export's file and its event are written in one
transaction (``audit.write_with_event``); a print is recorded once the printer accepted it.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.domain.errors import ValidationError
from app.reports.list_table import FORMATS, ListTable, file_bytes
from app.store.engine import Database, transaction

#: The lists that can leave the program (the access log names them).
LISTS = ("today", "deadlines", "citizens")


def _criterion(name: str, criterion: str, full_cpr: bool) -> str:
    if name not in LISTS:
        raise ValidationError("Unknown list {name}", name=name)
    return f"list={name}; {criterion}; cpr={'full' if full_cpr else 'masked'}"


def export_list(
    db: Database,
    actor: Actor,
    name: str,
    table: ListTable,
    path: Path,
    fmt: str,
    *,
    criterion: str = "",
    full_cpr: bool = False,
) -> int:
    """Write ``table`` as XLSX or CSV to ``path``; returns the number of rows written."""
    if fmt not in FORMATS:
        raise ValidationError("Choose XLSX or CSV", field="format")
    where = _criterion(name, criterion, full_cpr)

    def make(session: Session) -> tuple[bytes, int]:
        content = file_bytes(table, fmt)
        audit.record(
            session,
            actor,
            "export_list",
            criterion=where,
            details={
                "format": fmt,
                "rows": len(table.rows),
                "sha256": audit.checksum(content),
            },
            subjects=sorted(set(table.citizen_ids)),
        )
        return content, len(table.rows)

    _content, count = audit.write_with_event(db, path, make)
    return int(count)


def record_list_print(
    db: Database,
    actor: Actor,
    name: str,
    table: ListTable,
    *,
    criterion: str = "",
    full_cpr: bool = False,
) -> None:
    """Record that ``table`` went to a printer (called after the print dialog was accepted)."""
    where = _criterion(name, criterion, full_cpr)
    with transaction(db) as session:
        audit.record(
            session,
            actor,
            "print_list",
            criterion=where,
            details={"rows": len(table.rows)},
            subjects=sorted(set(table.citizen_ids)),
        )
