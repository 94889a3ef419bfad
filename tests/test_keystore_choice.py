"""The key store keyring chose, noted for the next start's first screen (``app.store.keystore_choice``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from app.store import keystore, keystore_choice
from app.store.engine import Database
from app.store.first_screen import _key

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _note(home: Path) -> dict[str, str]:
    note: dict[str, str] = json.loads((home / "data" / "keystore-choice.json").read_text())
    return note


def test_the_choice_is_noted_and_loaded_directly(keyring_searches: Path, isolated_home: Path):
    keystore_choice.remember(PlaintextKeyring(), now=NOW)
    assert _note(isolated_home)["backend"] == "keyrings.alt.file.PlaintextKeyring"
    loaded = keystore_choice.remembered(now=NOW + timedelta(hours=23))
    assert type(loaded) is PlaintextKeyring


def test_an_old_note_is_not_used_and_is_renewed(keyring_searches: Path, isolated_home: Path):
    keystore_choice.remember(PlaintextKeyring(), now=NOW)
    later = NOW + keystore_choice.MAX_AGE + timedelta(minutes=1)
    assert keystore_choice.remembered(now=later) is None
    keystore_choice.remember(PlaintextKeyring(), now=later)
    assert _note(isolated_home)["noted_at"] == later.isoformat()
    assert keystore_choice.remembered(now=later) is not None


def test_a_configured_choice_is_keyrings_own(
    keyring_searches: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
):
    config = keyring_searches / "config" / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text("[backend]\ndefault-keyring=keyrings.alt.file.PlaintextKeyring\n")
    keystore_choice.remember(PlaintextKeyring(), now=NOW)
    assert not (isolated_home / "data" / "keystore-choice.json").exists()
    config.unlink()
    keystore_choice.remember(PlaintextKeyring(), now=NOW)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    assert keystore_choice.remembered(now=NOW) is None


def test_only_known_backends_are_noted(keyring_searches: Path, isolated_home: Path, memory_keyring):
    keystore_choice.remember(memory_keyring, now=NOW)  # a class from the tests: never imported
    assert not (isolated_home / "data" / "keystore-choice.json").exists()
    (isolated_home / "data").mkdir(exist_ok=True)
    (isolated_home / "data" / "keystore-choice.json").write_text(
        json.dumps({"backend": "os.system", "noted_at": NOW.isoformat()})
    )
    assert keystore_choice.remembered(now=NOW) is None


def test_the_noted_store_is_judged_as_any(keyring_searches: Path, monkeypatch: pytest.MonkeyPatch):
    keystore_choice.remember(PlaintextKeyring())
    assert keystore.open_remembered_store() is None  # a plain file is refused
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    store = keystore.open_remembered_store()
    assert store is not None and not store.protected


@pytest.mark.sqlite_only
def test_the_first_screen_uses_the_noted_store_only_when_it_has_the_key(
    keyring_searches: Path, monkeypatch: pytest.MonkeyPatch, sqlite_db: Database, memory_keyring
):
    assert sqlite_db.path is not None and sqlite_db.encrypted
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    keystore_choice.remember(PlaintextKeyring())
    found = _key(sqlite_db.path, None)  # not in the noted file store: keyring's choice is asked
    assert found is not None and found[1] == keystore.backend_name(memory_keyring)
    key = found[0]
    assert key is not None
    PlaintextKeyring().set_password(keystore.SERVICE, key.database_id, key.key.hex())
    keyring.set_keyring(memory_keyring)
    memory_keyring.entries.clear()  # only the noted store has it now
    found = _key(sqlite_db.path, None)
    assert found is not None and found[0] == key and not found[2]
    assert type(keyring.get_keyring()) is PlaintextKeyring  # adopted for the rest of the process
