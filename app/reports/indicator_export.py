"""Indicator exports (JSON, CSV in the Danish spreadsheet convention, XLSX, the committee PDF):
only anonymised figures. Every export is recorded in the audit log with what left (plan,
period, format, threshold, figures, SHA-256 checksum), who and when, by the use case
``app.casework.goals.indicator_exports.export_indicators``, so that ``previous_export`` can tell what
changed since the previous export of the same plan and period."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app import i18n
from app.reports.goalplans import Evaluation, IndicatorResult
from app.reports.indicator_text import (
    STATUS,
    UNIT_NAMES,
    fidelity_text,
    note_text,
    number,
    period_text,
    shown,
    summary_header,
    target_text,
)
from app.reports.safe_cells import neutralise

if TYPE_CHECKING:
    from app.store.engine import Database

FORMATS = ("json", "csv", "xlsx", "pdf")


def _indicator(r: IndicatorResult) -> dict[str, Any]:
    return {
        "id": r.indicator.id,
        "label": r.indicator.label,
        "measure": r.indicator.measure,
        "params": r.indicator.params,
        "value": r.value,
        "suppressed": r.suppressed,
        "unit": r.unit,
        "target": r.indicator.target.as_dict() if r.indicator.target else None,
        "comparison": (
            {
                "period": r.comparison_label,
                "value": r.comparison,
                "suppressed": r.comparison_suppressed,
            }
            if r.comparison_label
            else None
        ),
        "status": r.status,
        "fidelity": r.indicator.fidelity,
        "note": note_text(r.indicator),
    }


def records(evaluation: Evaluation) -> dict[str, Any]:
    """The JSON of ``minplan indicators``. ``period`` is the part counted: a period not yet over
    ends on the day it was evaluated."""
    counted = evaluation.counted or evaluation.period
    return {
        "plan": evaluation.plan.id,
        "period": {"start": counted.start.isoformat(), "end": counted.end.isoformat()},
        "threshold": evaluation.threshold,
        "indicators": [_indicator(r) for r in evaluation.results],
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def csv_bytes(evaluation: Evaluation) -> bytes:
    """``;``-separated, decimal comma, UTF-8 with BOM: opens directly in a Danish Excel. Text that
    a spreadsheet would run as a formula is neutralised."""
    from app.reports.measure_catalog import MEASURES

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    _ = i18n._
    writer.writerow([_("Id"), *summary_header()])
    limit = evaluation.threshold
    for r in evaluation.results:
        target = r.indicator.target.as_dict() if r.indicator.target else None
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    r.indicator.id,
                    r.indicator.label,
                    _(MEASURES[r.indicator.measure].title) if r.indicator.computable else "",
                    f"<{limit}" if r.suppressed else number(r.value),
                    _(UNIT_NAMES[r.unit]),
                    target_text(target, r.unit),
                    period_text(r.comparison_label),
                    f"<{limit}" if r.comparison_suppressed else number(r.comparison),
                    _(STATUS[r.status]),
                    fidelity_text(r.indicator),
                    note_text(r.indicator),
                )
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render(evaluation: Evaluation, fmt: str) -> bytes:
    if fmt == "json":
        return json_bytes(records(evaluation))
    if fmt == "csv":
        return csv_bytes(evaluation)
    if fmt == "pdf":
        from app.reports.indicator_pdf import indicator_report_pdf

        return indicator_report_pdf(evaluation)
    if fmt == "xlsx":
        from app.reports.indicator_xlsx import xlsx_bytes

        return xlsx_bytes(evaluation)
    from app.domain.errors import ValidationError

    raise ValidationError("Choose one of the formats {formats}", formats=", ".join(FORMATS))


@dataclass(frozen=True)
class PreviousExport:
    """The last export of the same plan and period, and what differs from it now."""

    occurred_at: datetime
    user: str
    format: str
    sha256: str
    #: (label, figure then, figure now) as shown ("<5" for a suppressed one)
    changes: tuple[tuple[str, str, str], ...]


def previous_export(db: Database, evaluation: Evaluation) -> PreviousExport | None:
    """The previous export of the plan for the same period (as asked for), compared figure by
    figure with what is shown now; None when the plan and period were never exported."""
    from sqlmodel import col, select

    from app.store.engine import transaction
    from app.store.models import AuditEvent

    wanted = [evaluation.period.start.isoformat(), evaluation.period.end.isoformat()]
    with transaction(db) as session:
        events = session.exec(
            select(AuditEvent)
            .where(
                col(AuditEvent.action) == "export_indicators",
                col(AuditEvent.details).contains(json.dumps(evaluation.plan.id)),
            )
            .order_by(col(AuditEvent.id).desc())
        ).all()
        for event in events:
            details = json.loads(event.details or "{}")
            if details.get("plan") != evaluation.plan.id or details.get("period") != wanted:
                continue
            before = details.get("values", {})
            hidden = set(
                details.get("suppressed", [key for key, value in before.items() if value is None])
            )
            limit = evaluation.threshold
            changes = tuple(
                (
                    r.indicator.label,
                    shown(before[r.indicator.id], r.indicator.id in hidden, limit),
                    shown(r.value, r.suppressed, limit),
                )
                for r in evaluation.results
                if r.indicator.id in before
                and (before[r.indicator.id], r.indicator.id in hidden) != (r.value, r.suppressed)
            )
            return PreviousExport(
                event.occurred_at,
                event.user_initials or event.os_user or "",
                details.get("format", ""),
                details.get("sha256", ""),
                changes,
            )
    return None
