"""``minplan measure NAME --period P``: one indicator measure, anonymised, as JSON or text."""

from __future__ import annotations

import argparse
import json
import re

from app.cli.command import Command, ExitCode
from app.cli.database import open_database
from app.cli.indicators import add_threshold_and_as_of
from app.cli.options import add_common
from app.domain.dates import local_today
from app.domain.errors import ValidationError
from app.i18n import N_, _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name", metavar="NAME", help=_("the measure, e.g. fte, persons, offers_started")
    )
    parser.add_argument(
        "--period", required=True, help=_("2024, 2024-Q1, 2024-03 or 2024-01-01..2024-06-30")
    )
    parser.add_argument("--groups", help=_("target groups, comma-separated"))
    parser.add_argument("--kinds", help=_("offer kinds, comma-separated"))
    parser.add_argument(
        "--age", metavar="FROM-TO", help=_("age band on the period's last day, e.g. 18-29")
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("another parameter of the measure, e.g. min_employees=3 or min_hours=190"),
    )
    add_threshold_and_as_of(parser)
    parser.add_argument(
        "--format", choices=("json", "text"), default="text", help=_("output format")
    )
    add_common(parser, suppress=True)


def parse_params(args: argparse.Namespace) -> dict[str, object]:
    """The measure's parameters from the command line (checked by the measure itself)."""
    params: dict[str, object] = {}
    for name in ("groups", "kinds"):
        text = getattr(args, name)
        if text:
            params[name] = [code.strip() for code in text.split(",") if code.strip()]
    if args.age:
        band = re.fullmatch(r"\s*(\d*)\s*-\s*(\d*)\s*", args.age)
        if band is None or not any(band.groups()):
            raise ValidationError("Write the age band as 18-29, 18- or -29", field="age")
        low, high = band.groups()
        if low:
            params["min_age"] = int(low)
        if high:
            params["max_age"] = int(high)
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError("Write a parameter as NAME=VALUE, not {text!r}", text=item)
        params[name.strip()] = int(value) if value.strip().isdigit() else value.strip()
    return params


def run(args: argparse.Namespace) -> ExitCode:

    from app.casework.goals.goal_evaluation import measure_rules, threshold_for
    from app.domain.periods import parse_period
    from app.reports.goalplans import is_hidden
    from app.reports.measure_catalog import clean_params, run_measure

    period = parse_period(args.period)
    params = clean_params(args.name, parse_params(args))
    db = open_database(args)
    counted = period.up_to(args.as_of or local_today())
    if counted is None:
        raise ValidationError(
            "The period {period} has not begun yet", field="period", period=period.label
        )
    result = run_measure(db, args.name, counted, rules=measure_rules(db), **params)
    threshold = threshold_for(db, args.threshold)
    suppressed = is_hidden(result, threshold)
    record = {
        "measure": args.name,
        "params": result.params,
        "period": {"start": counted.start.isoformat(), "end": counted.end.isoformat()},
        "value": None if suppressed else result.value,
        "suppressed": suppressed,
        "unit": result.unit,
    }
    if args.format == "json":
        print(json.dumps(record, ensure_ascii=False))
    else:
        shown = f"<{threshold}" if suppressed else str(result.value)
        print(f"{args.name} {counted.label}: {shown} ({result.unit})")
    return ExitCode.OK


COMMANDS = (
    Command(
        "measure",
        N_("compute one indicator measure for a period (anonymised)"),
        add_arguments,
        run,
    ),
)
