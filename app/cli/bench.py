"""``minplan bench``: every speed target measured in one run, printed as a table (and as JSON).

    minplan bench [--citizens N[,N…]] [--database-url URL [--backend sqlite|postgresql|both]]
                  [--json FILE] [--batch N] [--repeat N] [--no-import] [--only PART[,PART…]]
                  [--seed S]
                  [--as-of DATE] [--cache DIR] [--check]

Generated demo databases are cached between runs (``--cache``, default the user's cache folder).
Not part of the normal test run; a smoke test runs it on a tiny size.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.command import Command, ExitCode
from app.domain.errors import ValidationError
from app.i18n import N_, _


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_("give whole numbers, e.g. 5000,100000")) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(_("give at least one citizen"))
    return sizes


def _parts(text: str) -> tuple[str, ...]:
    from app.bench.defaults import PARTS

    parts = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in parts if part not in PARTS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(_("choose among {parts}").format(parts=", ".join(PARTS)))
    return parts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.bench.defaults import DEFAULT_AS_OF, DEFAULT_SIZES, PARTS  # not the bench itself

    parser.add_argument(
        "--citizens",
        type=_sizes,
        default=DEFAULT_SIZES,
        metavar="N[,N…]",
        help=_("database sizes (default 5000,100000; add 1000000 for the big one)"),
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=_(
            "also measure on this PostgreSQL server (the bench makes its own databases there; needs CREATEDB)"
        ),
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        help=_("where to measure (default: both when --database-url is given, else sqlite)"),
    )
    parser.add_argument(
        "--json", metavar="FILE", type=Path, help=_("also write the figures to this JSON file")
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=1000,
        metavar="N",
        help=_("plans in the PDF batch (default %(default)s)"),
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help=_("repetitions of each timing; the median is shown (default %(default)s)"),
    )
    parser.add_argument(
        "--no-import",
        action="store_true",
        help=_("skip the import of a CSV bundle (it is measured up to 300 000 citizens)"),
    )
    parser.add_argument(
        "--only",
        type=_parts,
        metavar="PART[,PART…]",
        help=_("measure only these parts: {parts} (default: all)").format(parts=",".join(PARTS)),
    )
    parser.add_argument("--seed", type=int, default=1, help=_("the demo data's random seed"))
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        default=DEFAULT_AS_OF,
        help=_("the demo world's today (default %(default)s)"),
    )
    parser.add_argument(
        "--cache", metavar="DIR", type=Path, help=_("folder for the generated databases")
    )
    parser.add_argument(
        "--check", action="store_true", help=_("exit with status 1 when a target is missed")
    )


def run(args: argparse.Namespace) -> ExitCode:
    from app.bench import report
    from app.bench.runner import Options, run_all

    url = getattr(args, "database_url", None)
    if args.batch < 0 or args.repeat < 1:
        raise ValidationError("--batch must be 0 or more and --repeat at least 1")
    backend = args.backend or ("both" if url else "sqlite")
    if backend != "sqlite" and not url:
        raise ValidationError("Measuring on PostgreSQL needs --database-url")
    options = Options(
        sizes=args.citizens,
        seed=args.seed,
        as_of=args.as_of,
        database_url=url,
        backends=("sqlite", "postgresql") if backend == "both" else (backend,),
        batch=args.batch,
        runs=args.repeat,
        do_import=not args.no_import,
    )
    if args.only:
        options.only = args.only
    if args.cache:
        options.cache_dir = args.cache.expanduser()

    def say(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    result = run_all(options, say)
    print(report.table(result))
    if args.json:
        report.write_json(result, args.json)
        print(_("Figures written to {path}").format(path=args.json))
    summary = result["summary"]
    if args.check and (summary["met"] < summary["targets"] or not summary["fte_agrees"]):
        return ExitCode.INCOMPLETE
    return ExitCode.OK


COMMANDS = (
    Command(
        "bench",
        N_("measure every speed target on generated demo databases"),
        add_arguments,
        run,
        description=N_(
            "Generates demo databases (cached between runs), measures cold start, the citizen "
            "list, search, deadlines, the worklist, goal plans, full-time persons against DuckDB, "
            "plan PDFs, the import of a CSV bundle and the GUI's memory, and prints each figure "
            "beside its target."
        ),
    ),
)
