"""``minplan db keystore``: can this user's key store keep Min Plan's keys? For IT after an
install (the installer offers it, a deployment script runs it as the user): it names the key
store and writes, reads back and removes a test entry, touching no database. Exit status 0 when
it works, 2 (with the reason and the fix) when not."""

from __future__ import annotations

import argparse
import secrets

from app.cli.command import ExitCode
from app.cli.options import add_common
from app.domain.errors import KeyringUnavailable
from app.i18n import _

PROBE = "minplan-keystore-check"


def add_parser(db_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = db_sub.add_parser(
        "keystore",
        help=_("check that this user's key store can keep Min Plan's keys (for IT, after install)"),
    )
    add_common(parser, suppress=True)


def run(args: argparse.Namespace) -> ExitCode:
    from app.store.keystore import BACKEND_FAILURES, SERVICE, open_store

    store = open_store()  # names an unusable or plaintext key store, with the fix
    probe, value = f"{PROBE}-{secrets.token_hex(4)}", secrets.token_hex(16)
    try:
        store.backend.set_password(SERVICE, probe, value)
        kept = store.backend.get_password(SERVICE, probe)
        store.backend.delete_password(SERVICE, probe)
    except BACKEND_FAILURES as exc:
        raise KeyringUnavailable(
            "The key store ({backend}) could not keep a test key: {reason}",
            backend=store.name,
            reason=str(exc),
        ) from exc
    if kept != value:
        raise KeyringUnavailable(
            "The key store ({backend}) did not keep a test key", backend=store.name
        )
    if store.protected:
        print(_("The key store works: {backend}.").format(backend=store.name))
    else:
        print(
            _(
                "The key store works but is UNPROTECTED (a plain file): {backend}; allowed only "
                "by MINPLAN_ALLOW_PLAINTEXT_KEYRING=1."
            ).format(backend=store.name)
        )
    return ExitCode.OK
