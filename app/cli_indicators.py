"""``minplan indicators --plan ID|FILE --period P``: a goal plan's indicators, anonymised."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from app import i18n
from app.i18n import N_, _

STATUS = {
    "met": N_("met"),
    "not_met": N_("not met"),
    "no_target": N_("no target"),
    "suppressed": N_("suppressed"),
}


def add_parser(sub, add_common) -> None:  # type: ignore[no-untyped-def]
    parser = sub.add_parser("indicators", help=_("evaluate a goal plan for a period (anonymised)"))
    parser.add_argument(
        "--plan", required=True, help=_("a goal plan id (e.g. herlev-2024) or a TOML file")
    )
    parser.add_argument(
        "--period", required=True, help=_("2024, 2024-Q1, 2024-03 or 2024-01-01..2024-06-30")
    )
    parser.add_argument(
        "--compare", choices=("previous", "last-year"), help=_("compare with this period")
    )
    parser.add_argument(
        "--format", choices=("json", "csv", "xlsx"), default="json", help=_("output format")
    )
    parser.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    parser.add_argument(
        "--threshold", type=int, default=5, help=_("smallest count shown (never below 3)")
    )
    add_common(parser, suppress=True)


def records(plan, period, results, threshold):  # type: ignore[no-untyped-def]
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


def run(args: argparse.Namespace, open_database) -> int:  # type: ignore[no-untyped-def]
    from app.casework import audit
    from app.casework.actor import resolve_actor
    from app.domain.anonymise import effective_threshold
    from app.domain.periods import parse_period
    from app.reports.goalplans import evaluate, load_goalplan
    from app.store.engine import transaction

    plan = load_goalplan(args.plan)
    period = parse_period(args.period)
    threshold = effective_threshold(args.threshold)
    db = open_database(args)
    results = evaluate(db, plan, period, compare=args.compare, threshold=threshold)
    data = records(plan, period, results, threshold)
    if args.format == "json":
        content = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    elif args.format == "csv":
        content = csv_bytes(data)
    else:
        from app.reports.goalplans import monthly_series
        from app.reports.indicator_xlsx import xlsx_bytes

        content = xlsx_bytes(data, monthly_series(db, plan, period, threshold=threshold))
    if args.out:
        Path(args.out).write_bytes(content)
    elif args.format == "xlsx":
        raise SystemExit(_("XLSX needs --out FILE"))
    else:
        sys.stdout.write(content.decode("utf-8-sig"))
        sys.stdout.write("\n")
    import hashlib

    with transaction(db) as session:
        actor = resolve_actor(session, getattr(args, "user", None))
        audit.record(
            session,
            actor,
            "export_indicators",
            details={
                "plan": plan.id,
                "period": [period.start, period.end],
                "format": args.format,
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return 0


def csv_bytes(data: dict) -> bytes:
    """The Danish spreadsheet convention: ``;``, decimal comma, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["id", "label", "measure", "value", "unit", "target", "comparison", "status"])
    for item in data["indicators"]:

        def number(value):  # type: ignore[no-untyped-def]
            return "" if value is None else i18n.format_number(value, 2 if value % 1 else 0)

        target = item["target"] or {}
        shown_target = (
            f">= {target['minimum']}"
            if target.get("minimum") is not None
            else f"<= {target['maximum']}"
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
                _(STATUS[item["status"]]),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
