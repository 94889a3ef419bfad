"""Indicator exports (JSON, CSV in the Danish spreadsheet convention, XLSX): only anonymised figures,
and every export recorded in the audit log with what left (plan, period, format, checksum)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from app import i18n
from app.domain.codes import N_
from app.domain.periods import ReportPeriod
from app.reports.goalplans import GoalPlan, IndicatorResult

STATUS = {
    "met": N_("met"),
    "not_met": N_("not met"),
    "no_target": N_("no target"),
    "suppressed": N_("suppressed"),
}


def records(
    plan: GoalPlan, period: ReportPeriod, results: list[IndicatorResult], threshold: int
) -> dict[str, Any]:
    return {
        "plan": plan.id,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "threshold": threshold,
        "indicators": [
            {
                "id": r.indicator.id,
                "label": r.indicator.label,
                "measure": r.indicator.measure,
                "params": r.indicator.params,
                "value": r.value,
                "suppressed": r.suppressed,
                "unit": r.unit,
                "target": (
                    {k: v for k, v in vars(r.indicator.target).items() if v is not None}
                    if r.indicator.target
                    else None
                ),
                "comparison": (
                    {"period": r.comparison_label, "value": r.comparison}
                    if r.comparison_label
                    else None
                ),
                "status": r.status,
            }
            for r in results
        ],
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def csv_bytes(data: dict[str, Any]) -> bytes:
    """``;``-separated, decimal comma, UTF-8 with BOM: opens directly in a Danish Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["id", "label", "measure", "value", "unit", "target", "comparison", "status"])

    def number(value: float | None) -> str:
        return "" if value is None else i18n.format_number(value, 2 if value % 1 else 0)

    for item in data["indicators"]:
        target = item["target"] or {}
        shown_target = (
            f">= {target['minimum']:g}"
            if target.get("minimum") is not None
            else f"<= {target['maximum']:g}"
            if target.get("maximum") is not None
            else target.get("direction", "")
        )
        comparison = item["comparison"]["value"] if item["comparison"] else None
        writer.writerow(
            [
                item["id"],
                item["label"],
                item["measure"],
                f"<{data['threshold']}" if item["suppressed"] else number(item["value"]),
                item["unit"],
                shown_target,
                number(comparison),
                i18n._(STATUS[item["status"]]),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_indicators(
    db,
    actor,
    plan: GoalPlan,
    period: ReportPeriod,
    results: list[IndicatorResult],
    threshold: int,  # type: ignore[no-untyped-def]
    fmt: str,
    path: Path | None = None,
) -> bytes:
    """The export's bytes (written to ``path`` if given), recorded in the audit log."""
    from app.casework import audit

    data = records(plan, period, results, threshold)
    if fmt == "json":
        content = json_bytes(data)
    elif fmt == "csv":
        content = csv_bytes(data)
    elif fmt == "pdf":
        from app.reports.goalplans import monthly_series
        from app.reports.indicator_pdf import indicator_report_pdf

        content = indicator_report_pdf(
            data, monthly_series(db, plan, period, threshold=threshold), plan.name
        )
    else:
        from app.reports.goalplans import monthly_series
        from app.reports.indicator_xlsx import xlsx_bytes

        content = xlsx_bytes(data, monthly_series(db, plan, period, threshold=threshold))

    def recorded(session):  # type: ignore[no-untyped-def]
        audit.record(
            session,
            actor,
            "export_indicators",
            details={
                "plan": plan.id,
                "period": [period.start, period.end],
                "format": fmt,
                "sha256": audit.checksum(content),
                "values": {item["id"]: item["value"] for item in data["indicators"]},
            },
        )
        return content, None

    audit.write_with_event(db, path, recorded)
    return content


def changes_since_last_export(
    db, plan_id: str, period: ReportPeriod, data: dict[str, Any]
) -> list[tuple[str, Any, Any]]:  # type: ignore[no-untyped-def]
    """(indicator, value then, value now) for the figures that differ from the previous export of the
    same plan and period; empty when nothing changed or nothing was exported before."""
    from sqlmodel import col, select

    from app.store.engine import transaction
    from app.store.models import AuditEvent

    with transaction(db) as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "export_indicators")
            .order_by(col(AuditEvent.id).desc())
        ).all()
        for event in events:
            details = json.loads(event.details or "{}")
            if details.get("plan") == plan_id and details.get("period") == [
                period.start.isoformat(),
                period.end.isoformat(),
            ]:
                before = details.get("values", {})
                return [
                    (item["label"], before.get(item["id"]), item["value"])
                    for item in data["indicators"]
                    if item["id"] in before and before[item["id"]] != item["value"]
                ]
    return []
