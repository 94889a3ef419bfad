"""Access request (aktindsigt, GDPR art. 15): a PDF of everything held on one citizen.

Who may make it: the citizen's caseworker (or a colleague who opened the case with a reason
today) and administrators; not team leads, who never read journal text. What was disclosed is
recorded in an ``access_request`` audit event, in the same transaction as the file is put in
place: the number of records per part, how many other people's names were removed, the number
of pages and the SHA-256 checksum of the PDF, so the municipality can later show exactly which
document the citizen got.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.domain.errors import MinPlanError, NotFoundError, PermissionDeniedError
from app.reports.access_document import access_document
from app.reports.access_pdf import render_access_request
from app.store.engine import Database, transaction
from app.store.models import Citizen


@dataclass(frozen=True)
class Disclosure:
    path: Path
    sha256: str
    pages: int
    counts: dict[str, int]
    redacted: int


def _rule_titles() -> dict[str, str]:
    from app.casework.deadlines.deadline_rule_files import load_rule_sets

    return {rule.id: rule.title for rs in load_rule_sets().rule_sets for rule in rs.rules}


def _pages(content: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    try:
        return len(document)
    finally:
        document.close()


def require_access_request(db: Database, actor: Actor, citizen_id: int) -> None:
    with transaction(db) as session:
        if session.get(Citizen, citizen_id) is None:
            raise NotFoundError("The citizen no longer exists")
        if actor.role == "teamlead":
            raise PermissionDeniedError(
                "A team lead cannot make an access request: it holds the journal's text; ask the "
                "citizen's caseworker"
            )
        access.require_case_write(session, actor, citizen_id)


def make_access_request(
    db: Database,
    actor: Actor,
    citizen_id: int,
    path: Path,
    *,
    language: str | None = None,
    today: date | None = None,
) -> Disclosure:
    """Write the PDF to ``path`` and record the disclosure; nothing is left behind on failure."""
    require_access_request(db, actor, citizen_id)
    document = access_document(
        db, citizen_id, language=language, today=today, rule_titles=_rule_titles()
    )
    content = render_access_request(document)
    checksum = hashlib.sha256(content).hexdigest()
    pages = _pages(content)
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    placed = False
    try:
        temporary.write_bytes(content)
        with transaction(db) as session:
            audit.record(
                session,
                actor,
                "access_request",
                entity="citizen",
                entity_id=citizen_id,
                citizen_id=citizen_id,
                details={
                    "records": document.counts,
                    "names_removed": document.redacted,
                    "pages": pages,
                    "sha256": checksum,
                    "language": document.language,
                },
            )
            session.flush()
            temporary.replace(path)  # the file appears only with its audit event
            placed = True
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if placed:
            path.unlink(missing_ok=True)
        raise MinPlanError(
            "Could not write {path}: {reason}", path=str(path), reason=error.strerror or str(error)
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        if placed:  # the commit failed: no record of the disclosure, so no file either
            path.unlink(missing_ok=True)
        raise
    return Disclosure(path, checksum, pages, document.counts, document.redacted)
