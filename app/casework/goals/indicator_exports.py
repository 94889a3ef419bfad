"""Exporting a goal plan's indicators: the file and its audit event in one step.

``app.reports.indicator_export`` renders the export; this use case writes it and records what
left (plan, period, format, threshold, figures, SHA-256 checksum), so that nothing leaves
unrecorded.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.reports.goalplans import Evaluation
from app.reports.indicator_export import records, render
from app.store.engine import Database


def export_indicators(
    db: Database,
    actor: Actor,
    evaluation: Evaluation,
    fmt: str,
    path: Path | None = None,
) -> bytes:
    """The export's bytes (written to ``path`` if given, via a temporary file), recorded in the
    audit log in the same step: nothing leaves unrecorded."""
    content = render(evaluation, fmt)
    data = records(evaluation)

    def recorded(session: Session) -> tuple[bytes, None]:
        audit.record(
            session,
            actor,
            "export_indicators",
            details={
                "plan": evaluation.plan.id,
                "period": [evaluation.period.start, evaluation.period.end],
                "counted_to": data["period"]["end"],
                "format": fmt,
                "threshold": evaluation.threshold,
                "sha256": audit.checksum(content),
                "values": {item["id"]: item["value"] for item in data["indicators"]},
                "suppressed": [item["id"] for item in data["indicators"] if item["suppressed"]],
            },
        )
        return content, None

    audit.write_with_event(db, path, recorded)
    return content
