"""The key store keyring chose at an earlier start, loaded directly at the next (issue #19).

Finding the key store is most of what an everyday start spends on its key: keyring reads every
installed package's entry points, imports each backend and asks each whether it can be used
(55–150 ms measured, of a start of about 0.4 s), where loading the one it will choose takes 3 ms.
Which one it chooses changes only when a key store is installed, removed, started or stopped.
So the class ``app.store.keystore.open_store`` ended up using is noted (a small file in the
user's data folder; a team server's password search notes the same choice), and the first screen
(``app.store.first_screen``) loads that class directly; ``app.store.keystore`` judges it as it
judges any backend, and only a key (or server password) found there is used (anything else is
the ordinary start's, which asks keyring again).

A note older than ``MAX_AGE`` is not used, so the start after it asks keyring again and notes
its answer anew. No note is read or written where the choice is the user's own
(``PYTHON_KEYRING_BACKEND``, keyring's configuration file, ``KEYRING_PROPERTY_*``): keyring
then loads that backend directly itself. Only keyring's own backends and keyrings.alt's are
noted, as the note names a class that is imported.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app import paths

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

#: A noted choice is used for at most this long; then keyring is asked again.
MAX_AGE = timedelta(days=1)
#: The modules whose backend classes may be noted (and so imported by name at a start).
KNOWN_MODULES = ("keyring.backends.", "keyrings.alt.")
#: A chain of backends is keyring's own choice among several: its member is noted instead.
CHAINER = "keyring.backends.chainer.ChainerBackend"


def _note() -> Path:
    return paths.user_data_dir() / "keystore-choice.json"


def chosen_by_user() -> bool:
    """Whether keyring's choice is configured (then keyring loads it without searching)."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    if any(name.startswith("KEYRING_PROPERTY_") for name in os.environ):
        return True
    from keyring.util import platform_

    return bool((platform_.config_root() / "keyringrc.cfg").exists())


def class_name(backend: KeyringBackend) -> str | None:
    """``module.Class`` of ``backend`` when it is one that may be noted, else None."""
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if name == CHAINER or not cls.__module__.startswith(KNOWN_MODULES) or "." in cls.__qualname__:
        return None
    return name


def _read(now: datetime) -> str | None:
    try:
        note = json.loads(_note().read_text(encoding="utf-8"))
        noted_at = datetime.fromisoformat(note["noted_at"])
        name = note["backend"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(name, str) or not name.startswith(KNOWN_MODULES) or name == CHAINER:
        return None
    if noted_at.tzinfo is None or not timedelta(0) <= now - noted_at <= MAX_AGE:
        return None
    return name


def remembered(*, now: datetime | None = None) -> KeyringBackend | None:
    """The noted backend, loaded as keyring loads a configured one (it must be viable); None
    where there is no usable note or it cannot be loaded now."""
    if chosen_by_user():
        return None
    name = _read(now or datetime.now(UTC))
    if name is None:
        return None
    from keyring.core import load_keyring

    try:
        return load_keyring(name)
    except Exception as exc:  # not installed now, not viable now: keyring is asked instead
        log.info("the noted key store %s cannot be loaded: %s", name, type(exc).__name__)
        return None


def remember(backend: KeyringBackend, *, now: datetime | None = None) -> None:
    """Note ``backend`` as keyring's choice, unless it is noted already (and recent) or the
    choice is the user's. Best effort: a note that cannot be written only costs the shortcut."""
    name = class_name(backend)
    if name is None or chosen_by_user():
        return
    moment = now or datetime.now(UTC)
    if _read(moment) == name:
        return
    note = _note()
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        temporary = note.with_name(f".{note.name}.{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({"backend": name, "noted_at": moment.isoformat()}), encoding="utf-8"
        )
        temporary.replace(note)
    except OSError:
        log.info("could not note the key store's choice")
