"""``minplan measure NAME --period P``: one indicator measure, anonymised, as JSON or text."""

from __future__ import annotations

import argparse
import json

from app.i18n import _


def add_parser(sub, add_common) -> None:  # type: ignore[no-untyped-def]
    parser = sub.add_parser(
        "measure", help=_("compute one indicator measure for a period (anonymised)")
    )
    parser.add_argument(
        "name", metavar="NAME", help=_("the measure, e.g. fte, persons, offers_started")
    )
    parser.add_argument(
        "--period", required=True, help=_("2024, 2024-Q1, 2024-03 or 2024-01-01..2024-06-30")
    )
    parser.add_argument("--groups", help=_("target groups, comma-separated"))
    parser.add_argument("--kinds", help=_("offer kinds, comma-separated"))
    parser.add_argument(
        "--threshold", type=int, default=5, help=_("smallest count shown (never below 3)")
    )
    parser.add_argument(
        "--format", choices=("json", "text"), default="text", help=_("output format")
    )
    add_common(parser, suppress=True)


def run(args: argparse.Namespace, open_database) -> int:  # type: ignore[no-untyped-def]
    from app.domain.anonymise import effective_threshold, suppress_value
    from app.domain.codes import check_code
    from app.domain.periods import parse_period
    from app.reports.measures import run_measure

    period = parse_period(args.period)
    params: dict[str, object] = {}
    if args.groups:
        params["groups"] = [
            check_code("target_group", g.strip()) for g in args.groups.split(",") if g.strip()
        ]
    if args.kinds:
        params["kinds"] = [
            check_code("offer_kind", k.strip()) for k in args.kinds.split(",") if k.strip()
        ]
    db = open_database(args)
    result = run_measure(db, args.name, period, **params)
    threshold = effective_threshold(args.threshold)
    suppressed = suppress_value(result.persons, threshold) or (
        result.unit in ("count", "persons")
        and result.value is not None
        and 0 < result.value < threshold
    )
    record = {
        "measure": args.name,
        "params": result.params,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "value": None if suppressed else result.value,
        "suppressed": suppressed,
        "unit": result.unit,
    }
    if args.format == "json":
        print(json.dumps(record, ensure_ascii=False))
    else:
        shown = f"<{threshold}" if suppressed else str(result.value)
        print(f"{args.name} {period.label}: {shown} ({result.unit})")
    return 0
