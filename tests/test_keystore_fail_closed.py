"""Min Plan fails closed: no key store, a switched-off one or a plaintext file is refused with a
message saying how to fix it — unless the user explicitly allows it or chooses no encryption."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyrings.alt.file import PlaintextKeyring

from app import i18n
from app.cli import main
from app.domain.errors import EncryptionKeyMissing, KeyringUnavailable, UnencryptedDatabaseError
from app.store import cipher
from app.store.cipher import FileKind
from app.store.engine import open_sqlite
from app.store.keystore import Protection, open_store, protection
from app.store.migrations import upgrade

#: About the SQLite file and its key (SQLCipher): not run again on PostgreSQL.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parent.parent


class ForgetfulKeyring(KeyringBackend):
    """Claims to be a proper key store but keeps nothing."""

    priority = 5  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass


class Chain(KeyringBackend):
    """Like keyring's chainer: several backends, tried in order."""

    priority = 10  # type: ignore[assignment]

    def __init__(self, *backends: KeyringBackend) -> None:
        super().__init__()
        self.backends = list(backends)

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("the chain itself must not be used")

    def delete_password(self, service: str, username: str) -> None:
        pass


def plaintext_keyring(tmp_path: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    return backend


def test_backends_are_judged_by_how_they_keep_secrets(tmp_path: Path) -> None:
    from file_keyring import PlaintextFileKeyring

    assert protection(fail.Keyring()) is Protection.MISSING
    assert protection(null.Keyring()) is Protection.SWITCHED_OFF
    assert protection(plaintext_keyring(tmp_path)) is Protection.UNPROTECTED
    assert protection(PlaintextFileKeyring(tmp_path / "k.json")) is Protection.UNPROTECTED
    assert protection(ForgetfulKeyring()) is Protection.PROTECTED


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (fail.Keyring(), "ikke fundet noget nøglelager"),
        (null.Keyring(), "slået fra"),
    ],
)
def test_no_key_store_or_a_switched_off_one_is_refused_even_when_plaintext_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: KeyringBackend, words: str
) -> None:
    keyring.set_keyring(backend)
    for allowed in ("", "1"):
        monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", allowed)
        with pytest.raises(KeyringUnavailable) as refused:
            open_sqlite(tmp_path / "new.db")
        message = i18n.translate_error(refused.value)
        assert words in message and "--no-encryption" in message
        assert not (tmp_path / "new.db").exists(), "no database without a kept key"


def test_a_plaintext_key_store_is_refused_unless_explicitly_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(plaintext_keyring(tmp_path))
    with pytest.raises(KeyringUnavailable) as refused:
        open_sqlite(tmp_path / "new.db")
    message = i18n.translate_error(refused.value)
    assert "almindelig fil" in message and "MINPLAN_ALLOW_PLAINTEXT_KEYRING=1" in message
    assert not (tmp_path / "new.db").exists()
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    db = open_sqlite(tmp_path / "new.db")
    assert db.encrypted and db.encryption is not None
    assert db.encryption.key_store_protected is False
    db.dispose()


def test_a_key_store_that_silently_drops_the_key_is_caught_before_any_file_exists(
    tmp_path: Path,
) -> None:
    keyring.set_keyring(ForgetfulKeyring())
    with pytest.raises(KeyringUnavailable, match="did not keep"):
        open_sqlite(tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def test_in_a_chain_the_protecting_store_is_used_never_the_plaintext_one(
    tmp_path: Path, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    plain = plaintext_keyring(tmp_path)
    keyring.set_keyring(Chain(plain, memory_keyring))
    assert open_store().backend is memory_keyring
    keyring.set_keyring(Chain(plain, fail.Keyring()))
    with pytest.raises(KeyringUnavailable):
        open_store()


def test_choosing_no_encryption_needs_no_key_store_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "open.db"
    assert main(["db", "upgrade", "--db", str(path), "--no-encryption"]) == 0
    assert cipher.file_kind(path) is FileKind.PLAINTEXT
    capsys.readouterr()
    assert main(["db", "current", "--db", str(path), "--no-encryption"]) == 0
    assert "Kryptering: INGEN" in capsys.readouterr().out
    monkeypatch.setenv("MINPLAN_ENCRYPTION", "off")
    other = open_sqlite(tmp_path / "env.db")
    upgrade(other, backup=False)
    assert not other.encrypted and cipher.file_kind(tmp_path / "env.db") is FileKind.PLAINTEXT
    other.dispose()


def test_a_plaintext_database_while_encryption_is_on_points_at_the_conversion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.db"
    db = open_sqlite(path, encryption=False)
    upgrade(db, backup=False)
    db.dispose()
    with pytest.raises(UnencryptedDatabaseError):
        open_sqlite(path)
    assert main(["db", "current", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "ikke krypteret" in err and "minplan db encrypt" in err and "Traceback" not in err
    assert main(["db", "current", "--db", str(path), "--no-encryption"]) == 0


def test_an_encrypted_database_without_its_key_points_at_recovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lost.db"
    db = open_sqlite(path)
    upgrade(db, backup=False)
    db.dispose()
    memory_keyring.entries.clear()
    with pytest.raises(EncryptionKeyMissing):
        open_sqlite(path)
    assert main(["db", "current", "--db", str(path), "--no-encryption"]) == 2
    err = capsys.readouterr().err
    assert "minplan db recover" in err and "gendannelsesnøglen" in err
    assert "Traceback" not in err


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )


@pytest.mark.slow
def test_a_real_process_refuses_the_plaintext_key_store_that_headless_linux_picks(
    tmp_path: Path,
) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MINPLAN_ALLOW", "MINPLAN_ENCRYPTION", "PYTHON_KEYRING"))
    }
    env.update(
        MINPLAN_HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        PYTHONPATH=str(ROOT),
    )
    path = tmp_path / "new.db"
    refused = _run(["db", "upgrade", "--db", str(path)], env)
    assert refused.returncode == 2 and "MINPLAN_ALLOW_PLAINTEXT_KEYRING" in refused.stderr
    assert not path.exists()
    env["MINPLAN_ALLOW_PLAINTEXT_KEYRING"] = "1"
    allowed = _run(["db", "upgrade", "--db", str(path), "--lang", "en"], env)
    assert allowed.returncode == 0, allowed.stderr
    assert "recovery key" in allowed.stderr and cipher.file_kind(path) is FileKind.ENCRYPTED
    current = _run(["db", "current", "--db", str(path), "--lang", "en"], env)
    assert "UNPROTECTED key store" in current.stdout


def test_a_database_that_cannot_be_created_leaves_no_key_behind(
    tmp_path: Path, memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.errors import DatabaseError
    from app.store import engine
    from app.store.error_kinds import sqlite_error

    def unable(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise sqlite_error("unable to open database file", 14)  # SQLITE_CANTOPEN

    monkeypatch.setattr(engine.cipher, "connect", unable)
    before = dict(memory_keyring.entries)
    with pytest.raises(DatabaseError) as failed:
        open_sqlite(tmp_path / "minplan.db")
    assert "Kan ikke oprette databasen" in i18n.translate_error(failed.value)
    assert memory_keyring.entries == before


@pytest.mark.skipif(sys.platform == "darwin", reason="the macOS backend is the one in use there")
def test_finding_the_key_store_starts_no_program_off_macos(tmp_path: Path) -> None:
    """keyring's macOS backend looked for Apple's libraries with gcc and ldconfig on every start
    on Linux (0.1-0.2 s); the key store is now found without starting any program."""
    probe = (
        "import subprocess\n"
        "started = []\n"
        "real = subprocess.Popen.__init__\n"
        "def spy(self, args, *rest, **options):\n"
        "    started.append(args)\n"
        "    real(self, args, *rest, **options)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from app.store.keystore import current_backend\n"
        "current_backend()\n"
        "print(started)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON_KEYRING")}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
