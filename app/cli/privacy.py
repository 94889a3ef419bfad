"""``minplan retention list|delete --confirm`` and ``minplan access-request --cpr CPR --out FILE``.

The same use cases as the Settings page (retention, administrators only) and the citizen page
(access request); each run is audited like the GUI action.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, open_database
from app.cli.options import add_common
from app.cli.reason import add_reason_argument, open_with_reason
from app.i18n import N_, _, ngettext


def add_retention_arguments(retention: argparse.ArgumentParser) -> None:
    actions = retention.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("show who is due for deletion and what it removes"))
    add_common(listing, suppress=True)
    delete = actions.add_parser(
        "delete", help=_("delete the citizens due, completely and for good")
    )
    delete.add_argument(
        "--confirm", action="store_true", help=_("really delete (without it, only show the list)")
    )
    add_common(delete, suppress=True)
    add_common(retention, suppress=True)


def add_access_request_arguments(request: argparse.ArgumentParser) -> None:
    request.add_argument("--cpr", required=True, metavar="CPR", help=_("the citizen's CPR number"))
    request.add_argument("--out", required=True, metavar="FILE", help=_("the PDF file to write"))
    request.add_argument(
        "--doc-lang",
        choices=("da", "en"),
        default=None,
        help=_("language of the PDF (default: the citizen's language)"),
    )
    add_reason_argument(request)
    add_common(request, suppress=True)


def _print_preview(preview) -> None:
    from app import i18n
    from app.casework.privacy.retention import describe_rows

    print(
        _("Retention: {years} years without activity (last activity before {cutoff})").format(
            years=preview.years, cutoff=i18n.format_date(preview.cutoff)
        )
    )
    for c in preview.candidates:
        print(
            "  "
            + _("{name}, born {born}; last activity {last}: {rows}").format(
                name=c.name,
                born=i18n.format_date(c.birth_date),
                last=i18n.format_date(c.last_activity),
                rows=describe_rows(c.rows),
            )
        )
    n = len(preview.candidates)
    print(
        ngettext("{n} citizen is due for deletion", "{n} citizens are due for deletion", n).format(
            n=n
        )
        + (": " + describe_rows(preview.totals) if n else "")
    )


def run_retention(args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.retention import erase, preview

    db = open_database(args)
    actor = acting_user(db, args)
    found = preview(db, actor)
    _print_preview(found)
    if args.retention_command == "list" or not found.candidates:
        return ExitCode.OK
    if not args.confirm:
        print(
            _("Nothing was deleted. Add --confirm to delete these citizens for good."),
            file=sys.stderr,
        )
        return ExitCode.PROBLEM
    erased = erase(db, actor, [c.citizen_id for c in found.candidates])
    print(
        ngettext(
            "Deleted {n} citizen for good; references: {refs}",
            "Deleted {n} citizens for good; references: {refs}",
            len(erased),
        ).format(n=len(erased), refs=", ".join(e.reference for e in erased))
    )
    return ExitCode.OK


def run_access_request(args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.access_log_extract import citizen_by_cpr
    from app.casework.privacy.access_request import make_access_request

    db = open_database(args)
    actor = acting_user(db, args)
    citizen_id = citizen_by_cpr(db, args.cpr)
    open_with_reason(db, actor, citizen_id, args)
    done = make_access_request(
        db, actor, citizen_id, Path(args.out).expanduser(), language=args.doc_lang
    )
    print(
        ngettext(
            "Wrote {path} ({pages} page); other people's names removed: {names}",
            "Wrote {path} ({pages} pages); other people's names removed: {names}",
            done.pages,
        ).format(path=done.path, pages=done.pages, names=done.redacted)
    )
    print(_("Checksum (SHA-256), recorded in the access log: {sha}").format(sha=done.sha256))
    return ExitCode.OK


COMMANDS = (
    Command(
        "retention",
        N_("citizens due for deletion after the retention period"),
        add_retention_arguments,
        run_retention,
    ),
    Command(
        "access-request",
        N_("everything held on a citizen as PDF (aktindsigt, GDPR art. 15)"),
        add_access_request_arguments,
        run_access_request,
    ),
)
