"""``minplan plan-pdf``: a citizen's plan as PDF, or every paper citizen's plan into a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, open_database
from app.cli.options import add_common
from app.cli.reason import add_reason_argument, open_with_reason
from app.i18n import N_, _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--cpr", metavar="CPR", help=_("the citizen's CPR number"))
    which.add_argument(
        "--all-paper", action="store_true", help=_("every citizen exempt from digital post")
    )
    parser.add_argument("--out", metavar="FILE", help=_("the PDF file to write (with --cpr)"))
    parser.add_argument(
        "--out-dir", metavar="DIR", help=_("the folder to write into (with --all-paper)")
    )
    parser.add_argument(
        "--plan-lang",
        choices=("da", "en"),
        dest="plan_lang",
        help=_("the plan's language (default: the citizen's preferred language)"),
    )
    parser.add_argument("--large-print", action="store_true", help=_("large print (16 pt)"))
    add_reason_argument(parser)
    add_common(parser, suppress=True)


def run(args: argparse.Namespace) -> ExitCode:
    from app.casework.plan.plan_printing import batch_plans, paper_citizens, save_plan_pdf
    from app.casework.privacy.access_log_extract import citizen_by_cpr
    from app.domain.errors import ValidationError

    db = open_database(args)
    actor = acting_user(db, args)
    if args.cpr:
        if not args.out:
            raise ValidationError("Give --out FILE")
        citizen_id = citizen_by_cpr(db, args.cpr, deleted_ok=False)
        open_with_reason(db, actor, citizen_id, args)
        path = save_plan_pdf(
            db,
            actor,
            citizen_id,
            Path(args.out),
            language=args.plan_lang,
            large_print=args.large_print,
        )
        print(_("Wrote {path}").format(path=path))
        return ExitCode.OK
    if not args.out_dir:
        raise ValidationError("Give --out-dir DIR")
    ids = paper_citizens(db, actor)

    def progress(done: int, total: int) -> bool:
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)
        return True

    result = batch_plans(
        db, actor, ids, Path(args.out_dir), progress=progress, large_print=args.large_print
    )
    print(file=sys.stderr)
    for citizen_id, reason in result.failed:
        print(_("Citizen {id}: {reason}").format(id=citizen_id, reason=reason), file=sys.stderr)
    print(_("Wrote {n} plans to {path}").format(n=len(result.written), path=args.out_dir))
    return ExitCode.OK if not result.failed else ExitCode.INCOMPLETE


COMMANDS = (
    Command(
        "plan-pdf", N_("write a citizen's plan as PDF (or all plans on paper)"), add_arguments, run
    ),
)
