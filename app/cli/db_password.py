"""``minplan db password --database-url URL [--forget]``: the server password into the key store.

The password is typed at a hidden prompt (never an argument), checked against the server when
it can be reached, and only then kept; a refused password is not stored.
"""

from __future__ import annotations

import argparse
import getpass
import os

from app.cli.command import ExitCode
from app.cli.options import add_common
from app.domain.errors import DatabaseError, ValidationError
from app.i18n import _


def add_parser(db_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    password = db_sub.add_parser(
        "password",
        help=_("store the database server's password in this computer's key store"),
    )
    password.add_argument(
        "--forget", action="store_true", help=_("remove the stored password instead")
    )
    add_common(password, suppress=True)


def run(args: argparse.Namespace) -> ExitCode:
    from app.store import server_password

    url = getattr(args, "database_url", None) or os.environ.get("MINPLAN_DATABASE_URL")
    if not url or url.startswith("sqlite"):
        raise ValidationError(
            "Name the database server with --database-url postgresql+psycopg://login@server/minplan"
        )
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    server_password.refuse_password_in_url(parsed)
    name = server_password.entry_name(parsed)
    if args.forget:
        if server_password.forget_password(parsed):
            print(_("Removed the stored password for {name}.").format(name=name))
        else:
            print(_("No password was stored for {name}.").format(name=name))
        return ExitCode.OK
    server_password.require_key_store()
    typed = getpass.getpass(_("Password for {name}: ").format(name=name))
    if not typed:
        raise ValidationError("No password given; nothing was stored")
    checked = _check(parsed, typed)
    server_password.store_password(parsed, typed)
    print(_("Stored the password for {name} in the key store.").format(name=name))
    if checked is not None:
        print(_("It could not be checked against the server: {reason}").format(reason=checked))
    else:
        print(_("The server accepted it."))
    return ExitCode.OK


def _check(url, password: str) -> str | None:
    """``None`` when the server accepts the password; otherwise why it could not be checked.

    A refused password raises, so that it is never stored.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from app.store import server_password

    engine = create_engine(url, poolclass=NullPool, connect_args={"password": password})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        text = str(exc.orig)
        if "password authentication failed" in text.lower():
            raise DatabaseError(
                "The server {server} refused this password; nothing was stored",
                server=server_password.shown(url),
            ) from None
        return text.strip().splitlines()[0] if text.strip() else type(exc.orig).__name__
    finally:
        engine.dispose()
    return None
