"""What the status bar says about the database file's protection and place.

An encrypted database shows a quiet "Encrypted"; an unencrypted one (``--no-encryption``), a key
kept in an unprotected key store, or a file on a network drive shows a warning badge with the
reason in its tooltip. PostgreSQL shows nothing here: encryption at rest is the server's business.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.i18n import _
from app.store.cipher import short_id
from app.store.database import Database

QUIET = "color:#1e5631; padding:1px 6px;"
WARNING = "background:#f8d7da; color:#58151c; padding:1px 6px; border-radius:3px;"


def _badge(text: str, tip: str, style: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setToolTip(tip)
    label.setAccessibleDescription(tip)
    if style == QUIET:  # the quiet green of a light palette; readable in a dark one too
        from app.ui import colours

        style = style.replace("color:#1e5631", f"color:{colours.text('ok')}")
    label.setStyleSheet(style)
    return label


def encryption_badge(db: Database, parent: QWidget) -> QLabel | None:
    state = db.encryption
    if state is None:
        return None
    if not state.encrypted:
        return _badge(
            _("NOT encrypted"),
            _(
                "The database file is not encrypted (chosen with --no-encryption or "
                "MINPLAN_ENCRYPTION=off): anyone who gets the file can read it. Encrypt it with: "
                "minplan db encrypt"
            ),
            WARNING,
            parent,
        )
    ident = short_id(state.database_id or "")
    if not state.key_store_protected:
        return _badge(
            _("Encrypted, key unprotected"),
            _(
                "The database file is encrypted, but its key is in a key store that keeps it in a "
                "plain file ({store}), as MINPLAN_ALLOW_PLAINTEXT_KEYRING=1 allows. Database id "
                "{id}."
            ).format(store=state.key_store, id=ident),
            WARNING,
            parent,
        )
    return _badge(
        _("Encrypted"),
        _(
            "The database file is encrypted (SQLCipher 4); its key is in the key store ({store}). "
            "Database id {id}."
        ).format(store=state.key_store, id=ident),
        QUIET,
        parent,
    )


def network_badge(db: Database, parent: QWidget) -> QLabel | None:
    if not db.network_fs:
        return None
    from app.casework.privacy.database_keys import network_warning

    return _badge(_("Network drive!"), network_warning(db), WARNING, parent)
