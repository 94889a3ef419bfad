"""``minplan indicators --plan ID|FILE --period P``: a goal plan's indicators, anonymised.

``ID`` is a shipped plan (``herlev-2024``) or a plan made in the app (its id is shown in the plan
editor). The export is recorded in the audit log like an export from the GUI.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, open_database
from app.cli.options import add_common
from app.domain.errors import ValidationError
from app.i18n import N_, _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan",
        required=True,
        help=_("a goal plan id (e.g. herlev-2024 or a plan made in the app) or a TOML file"),
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
    add_threshold_and_as_of(parser)
    add_common(parser, suppress=True)


def add_threshold_and_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threshold",
        type=int,
        help=_(
            "smallest count shown; default the organisation setting (5), which this can raise but not lower"
        ),
    )
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=_("count a period that is not over up to this day (default: today)"),
    )


def run(args: argparse.Namespace) -> ExitCode:
    from app.casework.goals.goal_evaluation import evaluate_plan
    from app.casework.goals.goal_plans import load_goalplan
    from app.casework.goals.indicator_exports import export_indicators
    from app.domain.periods import parse_period

    period = parse_period(args.period)
    if args.format in ("xlsx", "pdf") and not args.out:
        raise ValidationError("XLSX and PDF need --out FILE")
    db = open_database(args)
    plan = load_goalplan(args.plan, db)
    actor = acting_user(db, args)
    evaluation = evaluate_plan(
        db,
        plan,
        period,
        compare=args.compare,
        threshold=args.threshold,
        as_of=args.as_of,
        series=args.format in ("xlsx", "pdf"),
    )
    content = export_indicators(
        db, actor, evaluation, args.format, Path(args.out) if args.out else None
    )
    if not args.out:
        sys.stdout.write(content.decode("utf-8-sig"))
        sys.stdout.write("\n")
    return ExitCode.OK


COMMANDS = (
    Command("indicators", N_("evaluate a goal plan for a period (anonymised)"), add_arguments, run),
)
