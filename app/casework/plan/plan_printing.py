"""Printing or saving a citizen's plan is a use case: render the PDF and record which plan version
was handed out (who, when, which citizen) in the audit log; one at a time or in a batch."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlmodel import Session, col, select

from app.casework.core.actor import Actor
from app.casework.core.audit import write_with_event
from app.casework.core.reading import read_citizen
from app.casework.plan.plan import mark_printed, mark_printed_in
from app.domain.errors import MinPlanError
from app.reports.plan_document import plan_document_in
from app.reports.plan_pdf import render_plan
from app.store.engine import Database, transaction
from app.store.files import atomic_file, make_folder
from app.store.models import Citizen, table_of
from app.store.ordering import byte_order

log = logging.getLogger(__name__)


def plan_pdf(
    db: Database,
    actor: Actor,
    citizen_id: int,
    *,
    language: str | None = None,
    large_print: bool = False,
    record: bool = True,
    today: date | None = None,
) -> bytes:
    """The plan as PDF bytes; ``record`` marks the current plan version as printed (audited).

    Its content is read like any other read of the citizen: checked and logged. The check, the
    read, the rendering and the record of the print are one transaction: the bytes are returned
    only once the view and the print are committed (one commit); a failure records no print,
    and the read, when it had happened, is logged on its own (``_ReadLogged``)."""
    with _ReadLogged(db, actor, citizen_id) as read, transaction(db) as session:
        content, _number = _plan_in(
            session,
            actor,
            citizen_id,
            read,
            language=language,
            large_print=large_print,
            record=record,
            today=today,
        )
    return content


class _ReadLogged:
    """Every read is logged, also the read of a print that then fails (a full disk, a refusal
    to record it): the print's transaction holds the view event and is rolled back on a failure,
    so the view is then written in a transaction of its own before the error goes on."""

    def __init__(self, db: Database, actor: Actor, citizen_id: int) -> None:
        self.db, self.actor, self.citizen_id = db, actor, citizen_id
        self.done = False  # the read was checked and the data read

    def __enter__(self) -> _ReadLogged:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None or not self.done:
            return
        try:
            with transaction(self.db) as session:
                read_citizen(session, self.actor, self.citizen_id, "plan_pdf")
        except Exception:  # the original error goes on; this one is only logged
            log.exception("the read of a failed plan print could not be logged")


def _plan_in(
    session: Session,
    actor: Actor,
    citizen_id: int,
    read: _ReadLogged,
    *,
    language: str | None = None,
    large_print: bool = False,
    record: bool = True,
    today: date | None = None,
) -> tuple[bytes, int | None]:
    """The plan's PDF in the caller's transaction: checked and logged as a read, rendered, and
    (``record``) its version recorded as printed — the version of exactly the texts and steps
    the PDF shows (read once). Returns the bytes and the version number printed (or None)."""
    read_citizen(session, actor, citizen_id, "plan_pdf")
    read.done = True
    document = plan_document_in(session, citizen_id, today=today)
    content = render_plan(document, language=language, large_print=large_print)
    number = (
        mark_printed_in(session, actor, citizen_id, document.snapshot, document.latest_version)
        if record
        else None
    )
    return content, number


def require_may_print(db: Database, actor: Actor, citizen_id: int) -> None:
    """Refuse before anything is shown when the actor may not hand out this citizen's plan
    (handing out a plan needs the same right as a change to the case)."""
    from app.casework.core import access

    with transaction(db) as session:
        access.require_case_write(session, actor, citizen_id)


def record_printed(db: Database, actor: Actor, citizen_id: int) -> int:
    """After the plan really went to the printer: the printed plan version and the audit event.

    Called only once printing succeeded (not when a preview opens or the print dialog is
    cancelled), so the next plan does not claim that an unprinted version was handed out."""
    return mark_printed(db, actor, citizen_id)


def save_plan_pdf(db: Database, actor: Actor, citizen_id: int, path: Path, **options: Any) -> Path:
    """The plan as a PDF file, recorded as printed in the transaction that hands the file out
    (all of it or nothing: a full disk leaves the earlier file and marks nothing printed)."""
    record = options.pop("record", True)
    if not record:
        content = plan_pdf(db, actor, citizen_id, record=False, **options)
        with atomic_file(path) as handle:
            handle.write(content)
        return path
    with _ReadLogged(db, actor, citizen_id) as read:
        write_with_event(
            db,
            path,
            lambda session: _plan_in(session, actor, citizen_id, read, record=True, **options),
        )
    return path


def paper_citizens(db: Database, actor: Actor | None = None) -> list[int]:
    """Citizens exempt from digital post: they must get their plan on paper.

    For a caseworker, those of their own caseload (and nobody's): handing out a colleague's
    citizen's plan needs the glass broken for that citizen first."""
    query = select(col(Citizen.id)).where(
        col(Citizen.digital_post_exempt), col(Citizen.deleted_at).is_(None)
    )
    if actor is not None and actor.role == "caseworker":
        query = query.where(
            (col(Citizen.caseworker_id) == actor.caseworker_id)
            | col(Citizen.caseworker_id).is_(None)
        )
    with transaction(db) as s:
        found = s.exec(query.order_by(byte_order(table_of(Citizen).c.sort_key))).all()
        return [i for i in found if i is not None]  # all of them: a primary key is never null


def file_name(db: Database, actor: Actor, citizen_id: int) -> str:
    """``min-plan-aase-oersted-1990-03-15.pdf``: recognisable, without the CPR number (the name
    is read like any other read of the citizen: checked and logged)."""
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "file_name")
        return _file_name_in(s, citizen_id)


def _file_name_in(s: Session, citizen_id: int) -> str:
    c = s.get(Citizen, citizen_id)
    name = f"{c.first_name}-{c.last_name}" if c else str(citizen_id)
    born = c.birth_date.isoformat() if c else ""
    spelled: dict[str, str | int | None] = {"æ": "ae", "ø": "oe", "å": "aa", " ": "-"}
    plain = name.lower().translate(str.maketrans(spelled))
    plain = "".join(ch for ch in plain if ch.isalnum() or ch == "-")
    return f"min-plan-{plain}-{born}.pdf"


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    cancelled: bool = False


def batch_plans(
    db: Database,
    actor: Actor,
    citizen_ids: Sequence[int],
    folder: Path,
    *,
    progress: Callable[[int, int], bool | None] | None = None,
    large_print: bool = False,
    today: date | None = None,
) -> BatchResult:
    """One PDF per citizen into ``folder``; ``progress(done, total)`` returning False cancels."""
    from app import i18n

    make_folder(folder)
    result = BatchResult()
    for index, citizen_id in enumerate(citizen_ids):
        if progress is not None and progress(index, len(citizen_ids)) is False:
            result.cancelled = True
            break
        try:
            path = folder / file_name(db, actor, citizen_id)
            result.written.append(
                save_plan_pdf(db, actor, citizen_id, path, large_print=large_print, today=today)
            )
        except MinPlanError as error:
            result.failed.append((citizen_id, i18n.translate_error(error)))
        except OSError as error:
            result.failed.append((citizen_id, error.strerror or str(error)))
    if progress is not None and not result.cancelled:
        progress(len(citizen_ids), len(citizen_ids))
    return result
