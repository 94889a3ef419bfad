"""``minplan indicators --plan ID|FILE --period P``: a goal plan's indicators, anonymised."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.domain.errors import ValidationError
from app.i18n import _


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
        "--format", choices=("json", "csv", "xlsx", "pdf"), default="json", help=_("output format")
    )
    parser.add_argument("--out", metavar="FILE", help=_("write to a file instead of the screen"))
    parser.add_argument(
        "--threshold", type=int, default=5, help=_("smallest count shown (never below 3)")
    )
    add_common(parser, suppress=True)


def run(args: argparse.Namespace, open_database) -> int:  # type: ignore[no-untyped-def]
    from app.casework.actor import resolve_actor
    from app.domain.anonymise import effective_threshold
    from app.domain.periods import parse_period
    from app.reports.goalplans import evaluate, load_goalplan
    from app.reports.indicator_export import export_indicators
    from app.store.engine import transaction

    plan = load_goalplan(args.plan)
    period = parse_period(args.period)
    threshold = effective_threshold(args.threshold)
    if args.format in ("xlsx", "pdf") and not args.out:
        raise ValidationError("XLSX and PDF need --out FILE")
    db = open_database(args)
    with transaction(db) as session:
        actor = resolve_actor(session, getattr(args, "user", None))
    results = evaluate(db, plan, period, compare=args.compare, threshold=threshold)
    content = export_indicators(
        db,
        actor,
        plan,
        period,
        results,
        threshold,
        args.format,
        Path(args.out) if args.out else None,
    )
    if not args.out:
        sys.stdout.write(content.decode("utf-8-sig"))
        sys.stdout.write("\n")
    return 0
