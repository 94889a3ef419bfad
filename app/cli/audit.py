"""``minplan audit …``: check, anchor, purge and extract the access log.

minplan audit verify [--checkpoint FILE]     exit 0 intact, 2 broken (names the first break)
minplan audit checkpoint --out FILE          the chain's head for IT to keep elsewhere
minplan audit purge [--dry-run]              delete whole months past the retention limit
minplan audit extract --cpr CPR --out FILE.pdf [--with-names] [--extract-lang da|en]
minplan audit search [--cpr CPR] [--user INITIALS] [--from D] [--to D] --out FILE.csv
minplan audit key export --out FILE | key import FILE
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app import i18n
from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, open_database
from app.cli.options import add_common
from app.cli.reason import add_reason_argument
from app.i18n import N_, _


def add_arguments(audit: argparse.ArgumentParser) -> None:
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = actions.add_parser(
        "verify", help=_("check that no event was changed, inserted, reordered or removed")
    )
    verify.add_argument(
        "--checkpoint",
        metavar="FILE",
        help=_("a checkpoint exported earlier (default: the one in your data folder)"),
    )
    add_common(verify, suppress=True)

    checkpoint = actions.add_parser(
        "checkpoint", help=_("write the access log's newest seal to a file for IT to keep")
    )
    checkpoint.add_argument("--out", metavar="FILE", required=True, help=_("the file to write"))
    add_common(checkpoint, suppress=True)

    purge = actions.add_parser(
        "purge", help=_("delete whole months older than the retention setting, with a checkpoint")
    )
    purge.add_argument("--dry-run", action="store_true", help=_("only say what would go"))
    add_common(purge, suppress=True)

    extract = actions.add_parser(
        "extract", help=_("the citizen's own access-log extract as PDF (right of access)")
    )
    extract.add_argument("--cpr", metavar="CPR", required=True, help=_("the citizen's CPR number"))
    extract.add_argument("--out", metavar="FILE", required=True, help=_("the PDF file to write"))
    extract.add_argument(
        "--with-names",
        action="store_true",
        help=_("include the employees' initials and names (team leads and administrators)"),
    )
    extract.add_argument(
        "--extract-lang",
        choices=i18n.SUPPORTED,
        dest="extract_lang",
        help=_("the extract's language (default: the citizen's)"),
    )
    add_reason_argument(extract)
    add_common(extract, suppress=True)

    search = actions.add_parser(
        "search", help=_("search the access log and export the result as CSV (team leads)")
    )
    search.add_argument("--cpr", metavar="CPR", help=_("the citizen's CPR number"))
    search.add_argument("--by", metavar="INITIALS", help=_("the user's initials"))
    search.add_argument("--from", dest="start", metavar="YYYY-MM-DD", type=date.fromisoformat)
    search.add_argument("--to", dest="end", metavar="YYYY-MM-DD", type=date.fromisoformat)
    search.add_argument("--out", metavar="FILE", required=True, help=_("the CSV file to write"))
    add_common(search, suppress=True)

    key = actions.add_parser("key", help=_("export or install this database's access-log key"))
    key_actions = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_export = key_actions.add_parser("export", help=_("write the key to a file for IT"))
    key_export.add_argument("--out", metavar="FILE", required=True, help=_("the file to write"))
    add_common(key_export, suppress=True)
    key_import = key_actions.add_parser(
        "import", help=_("install a key file from IT on this computer")
    )
    key_import.add_argument("file", metavar="FILE", help=_("the key file"))
    add_common(key_import, suppress=True)


def _when(value) -> str:
    return i18n.format_datetime_local(value) if value else "–"


def run(args: argparse.Namespace) -> ExitCode:
    db = open_database(args)
    command = {
        "verify": _verify,
        "checkpoint": _checkpoint,
        "purge": _purge,
        "extract": _extract,
        "search": _search,
        "key": _key,
    }[args.audit_command]
    return command(db, args)


def _verify(db, args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.audit_checkpoints import folder_for
    from app.store.audit_chain import local_checkpoint
    from app.store.audit_verify import verify

    checkpoint = Path(args.checkpoint).expanduser() if args.checkpoint else local_checkpoint(db)
    folder = folder_for(db)
    result = verify(db, checkpoint=checkpoint, folder=folder)
    for message, params in result.notes:
        print(_(message).format(**params))
    if result.ok:
        if result.checked:
            print(
                i18n.ngettext(
                    "The access log is intact: {n} event (numbers {first}–{last}, newest {when}).",
                    "The access log is intact: {n} events (numbers {first}–{last}, newest {when}).",
                    result.checked,
                ).format(
                    n=i18n.format_number(result.checked),
                    first=result.first_seq,
                    last=result.last_seq,
                    when=_when(result.last_at),
                )
            )
        else:
            print(_("The access log is intact (no sealed events yet)."))
        if checkpoint is None and folder is None:
            print(_("No checkpoint outside the database was compared."))
        if folder is None:
            print(
                _(
                    "No checkpoint folder is set (organisation setting or "
                    "MINPLAN_CHECKPOINT_DIR): newest events cut off together with the local "
                    "checkpoint cannot be seen."
                )
            )
        return ExitCode.OK
    from app.wording.audit_labels import break_text

    print(break_text(result.broken))
    print(
        _("Events before it ({n}) are intact. Keep the database as it is and tell IT.").format(
            n=result.checked
        )
    )
    return ExitCode.PROBLEM


def _checkpoint(db, args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.audit_checkpoints import folder_for, sealed_head
    from app.domain.errors import MinPlanError
    from app.store.audit_chain import local_checkpoint, write_checkpoint
    from app.store.audit_verify import verify

    result = verify(db, checkpoint=local_checkpoint(db), folder=folder_for(db))
    if not result.ok:
        raise MinPlanError(
            "The access log is broken; no checkpoint was written. Run: minplan audit verify"
        )
    head, key, mac = sealed_head(db)
    path = write_checkpoint(head, key, Path(args.out).expanduser(), mac=mac)
    print(
        _("Checkpoint written to {path}: event {seq}, {when}.").format(
            path=path, seq=head.seq, when=_when(head.at)
        )
    )
    return ExitCode.OK


def _purge(db, args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.audit_retention import purge_expired

    result = purge_expired(db, acting_user(db, args), dry_run=args.dry_run)
    from app.domain.dates import utc_to_local

    cutoff = i18n.format_date(utc_to_local(result.cutoff).date())
    if not result.events:
        print(_("Nothing to purge: no events from before {date}.").format(date=cutoff))
    elif result.dry_run:
        print(
            i18n.ngettext(
                "{n} event from before {date} would be deleted.",
                "{n} events from before {date} would be deleted.",
                result.events,
            ).format(n=i18n.format_number(result.events), date=cutoff)
        )
    else:
        print(
            i18n.ngettext(
                "Deleted {n} event from before {date}; the checkpoint is event {seq}.",
                "Deleted {n} events from before {date}; the checkpoint is event {seq}.",
                result.events,
            ).format(n=i18n.format_number(result.events), date=cutoff, seq=result.through_seq)
        )
    return ExitCode.OK


def _extract(db, args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.access_log_extract import citizen_by_cpr, make_extract

    citizen_id = citizen_by_cpr(db, args.cpr)
    path = Path(args.out).expanduser()
    make_extract(
        db,
        acting_user(db, args),
        citizen_id,
        path,
        with_names=args.with_names,
        language=args.extract_lang,
        purpose=args.reason,
    )
    print(_("Wrote {path}").format(path=path))
    return ExitCode.OK


def _search(db, args: argparse.Namespace) -> ExitCode:
    from app.casework.privacy.access_log_search import LogQuery, export_log

    query = LogQuery(cpr=args.cpr, initials=args.by, start=args.start, end=args.end)
    path = Path(args.out).expanduser()
    count = export_log(db, acting_user(db, args), query, path)
    print(
        i18n.ngettext("Wrote {n} row to {path}", "Wrote {n} rows to {path}", count).format(
            n=count, path=path
        )
    )
    return ExitCode.OK


def _key(db, args: argparse.Namespace) -> ExitCode:
    from app.domain.errors import MinPlanError

    if not db.is_sqlite:
        raise MinPlanError(
            "On a team server the database server seals the access log with a key that never "
            "leaves it: there is no key to export or install"
        )
    if args.key_command == "export":
        from app.casework.privacy.handing_out import export_audit_key

        path = export_audit_key(db, acting_user(db, args), Path(args.out).expanduser())
        print(
            _("The access-log key was written to {path}. Keep it like a password.").format(
                path=path
            )
        )
        return ExitCode.OK
    try:
        text = Path(args.file).expanduser().read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        from app.domain.errors import ValidationError

        raise ValidationError(
            "Cannot read {path}: {reason}", path=args.file, reason=exc.strerror or str(exc)
        ) from exc
    from app.casework.privacy.handing_out import install_audit_key

    install_audit_key(db, text)
    print(_("The access-log key is installed on this computer."))
    return ExitCode.OK


COMMANDS = (
    Command("audit", N_("check, anchor, purge or extract the access log"), add_arguments, run),
)
