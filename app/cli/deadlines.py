"""``minplan deadlines``: the requirements of a caseload (or everybody) as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Any, TextIO

from app import i18n
from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, open_database
from app.cli.options import add_common
from app.domain.dates import local_today
from app.i18n import N_, _

JSON_FIELDS = (
    "cpr",
    "citizen_id",
    "target_group",
    "period_start",
    "rule",
    "rule_set",
    "kind",
    "held_by",
    "window_start",
    "due",
    "required",
    "done",
    "status",
    "met_on",
    "explanation",
    "source",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        default=None,
        help=_("the day to compute for (default: today)"),
    )
    parser.add_argument(
        "--caseworker",
        metavar="INITIALS",
        help=_("only this caseworker's caseload (default: everybody)"),
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help=_("output format")
    )
    parser.add_argument("--open", action="store_true", help=_("only requirements not yet met"))
    add_common(parser, suppress=True)


def run(args: argparse.Namespace) -> ExitCode:
    from app.casework.admin.users import caseworker_by_initials
    from app.casework.deadlines.deadline_rule_files import load_rule_sets
    from app.casework.deadlines.deadlines import export_deadlines
    from app.wording.deadline_text import explain, rule_title, status_label

    as_of = args.as_of or local_today()
    db = open_database(args)
    scope: set[int] | None = None
    if args.caseworker:
        scope = {caseworker_by_initials(db, args.caseworker)}
    loaded = load_rule_sets()
    if loaded.problem is not None:
        print(
            _("Warning: {message}").format(message=i18n.translate_error(loaded.problem)),
            file=sys.stderr,
        )
    actor = acting_user(db, args)
    items = export_deadlines(
        db,
        actor,
        as_of,
        caseworker_ids=scope,
        open_only=args.open,
        rules=loaded.book,
        output=args.format,
    )
    # Written as each deadline is made: a whole jobcenter's records held at once as
    # dictionaries took more memory than its rows.
    records = map(partial(_record, explain), items)
    if args.format == "json":
        _write_json(as_of, records, sys.stdout)
    elif args.format == "csv":
        # The one CSV convention of every export (app.reports.csv_convention): BOM, ";", CRLF,
        # so that `minplan deadlines --format csv > frister.csv` opens in a Danish Excel.
        from app.reports import csv_convention
        from app.reports.safe_cells import neutralise

        sys.stdout.write("\ufeff")
        writer = csv.DictWriter(
            sys.stdout,
            fieldnames=JSON_FIELDS,
            delimiter=csv_convention.DELIMITER,
            lineterminator=csv_convention.LINE_END,
        )
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in record.items()} for record in records)
    else:
        for item in items:
            d = item.deadline
            print(
                f"{d.due.isoformat()}  {status_label(d.status):<18} {item.name:<28.28} "
                f"{rule_title(d.title)} ({d.done}/{d.required})"
            )
        print(
            i18n.ngettext("{n} requirement", "{n} requirements", len(items)).format(n=len(items)),
            file=sys.stderr,
        )
    # A refused override: the list above follows the last good rules, and the status says that
    # something needs IT's attention (issue 15, line 8).
    return ExitCode.PROBLEM if loaded.problem is not None else ExitCode.OK


def _record(explain: Callable[[Any], str], item: Any) -> dict[str, Any]:
    """One deadline as the JSON and CSV outputs give it (``JSON_FIELDS``)."""
    d = item.deadline
    return {
        "cpr": item.cpr,
        "citizen_id": item.citizen_id,
        "target_group": d.target_group,
        "period_start": d.period_start.isoformat(),
        "rule": d.rule_id,
        "rule_set": d.rule_set,
        "kind": d.kind,
        "held_by": d.held_by,
        "window_start": d.window_start.isoformat(),
        "due": d.due.isoformat(),
        "required": d.required,
        "done": d.done,
        "status": d.status,
        "met_on": d.met_on.isoformat() if d.met_on else None,
        "explanation": explain(d),
        "source": d.source,
    }


def _write_json(as_of: date, records: Iterable[dict[str, Any]], out: TextIO) -> None:
    """``{"as_of": …, "deadlines": [records]}`` written a record at a time, the same text as
    ``json.dump(…, ensure_ascii=False, indent=1)`` of the whole document."""
    out.write('{\n "as_of": ' + json.dumps(as_of.isoformat()) + ',\n "deadlines": [')
    written = False
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=1)
        # Not ``textwrap.indent``: it also breaks lines at the U+0085 and U+2028 a name may hold.
        out.write((",\n  " if written else "\n  ") + text.replace("\n", "\n  "))
        written = True
    out.write("\n ]\n}\n" if written else "]\n}\n")


COMMANDS = (
    Command(
        "deadlines",
        N_("list the legal deadlines of a caseload (or everybody)"),
        add_arguments,
        run,
    ),
)
