"""``minplan retention list|delete --confirm`` and ``minplan access-request --cpr CPR --out FILE``.

The same use cases as the Settings page (retention, administrators only) and the citizen page
(access request); each run is audited like the GUI action.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.i18n import _, ngettext


def add_parsers(sub, add_common) -> None:  # type: ignore[no-untyped-def]
    retention = sub.add_parser(
        "retention", help=_("citizens due for deletion after the retention period")
    )
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

    request = sub.add_parser(
        "access-request", help=_("everything held on a citizen as PDF (aktindsigt, GDPR art. 15)")
    )
    request.add_argument("--cpr", required=True, metavar="CPR", help=_("the citizen's CPR number"))
    request.add_argument("--out", required=True, metavar="FILE", help=_("the PDF file to write"))
    request.add_argument(
        "--doc-lang",
        choices=("da", "en"),
        default=None,
        help=_("language of the PDF (default: the citizen's language)"),
    )
    from app import cli_reason

    cli_reason.add_argument(request)
    add_common(request, suppress=True)


def _actor(db, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.cli import actor_for
    from app.store.engine import transaction

    with transaction(db) as session:
        return actor_for(session, args)


def _print_preview(preview) -> None:  # type: ignore[no-untyped-def]
    from app import i18n
    from app.casework.retention import describe_rows

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


def run_retention(args: argparse.Namespace, open_database) -> int:  # type: ignore[no-untyped-def]
    from app.casework.retention import erase, preview

    db = open_database(args)
    actor = _actor(db, args)
    found = preview(db, actor)
    _print_preview(found)
    if args.retention_command == "list" or not found.candidates:
        return 0
    if not args.confirm:
        print(
            _("Nothing was deleted. Add --confirm to delete these citizens for good."),
            file=sys.stderr,
        )
        return 2
    erased = erase(db, actor, [c.citizen_id for c in found.candidates])
    print(
        ngettext(
            "Deleted {n} citizen for good; references: {refs}",
            "Deleted {n} citizens for good; references: {refs}",
            len(erased),
        ).format(n=len(erased), refs=", ".join(e.reference for e in erased))
    )
    return 0


def run_access_request(args: argparse.Namespace, open_database) -> int:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from app.casework.access_request import make_access_request
    from app.domain.errors import NotFoundError
    from app.domain.identifiers import normalise_cpr
    from app.store.engine import transaction
    from app.store.models import Citizen

    db = open_database(args)
    actor = _actor(db, args)
    cpr = normalise_cpr(args.cpr)
    with transaction(db) as session:
        citizen_id = session.exec(select(Citizen.id).where(Citizen.cpr == cpr)).first()
    if citizen_id is None:
        raise NotFoundError("No citizen with that CPR number")
    from app.cli_reason import open_with_reason

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
    return 0
