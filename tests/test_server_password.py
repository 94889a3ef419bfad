"""The PostgreSQL password lives in the key store: never in the URL, stored with
``minplan db password``, and a missing or wrong one met with a message naming that command.
TLS with ``sslmode=verify-full`` against the test server's own certificate authority."""

from __future__ import annotations

import os

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text

from app.cli import main
from app.domain.errors import DatabaseError
from app.store import server_password
from app.store.engine import Database, open_url, transaction


def server_secrets(store) -> dict:  # type: ignore[no-untyped-def]
    """The server passwords in the key store (it also holds database and access-log keys)."""
    return {k: v for k, v in store.secrets.items() if k[0] == "MinPlan PostgreSQL"}


def test_a_url_with_a_password_is_refused_and_the_password_is_not_repeated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+psycopg://kl:Hemmeligt42@db.example:5433/minplan"
    with pytest.raises(DatabaseError, match="must not contain a password"):
        open_url(url)
    with pytest.raises(DatabaseError, match="must not contain a password"):
        open_url("postgresql+psycopg://kl@db.example/minplan?password=Hemmeligt42")
    assert main(["--lang", "en", "db", "current", "--database-url", url]) == 2
    err = capsys.readouterr().err
    assert (
        "minplan db password --database-url postgresql+psycopg://kl@db.example:5433/minplan" in err
    )
    assert "Hemmeligt42" not in err and "Traceback" not in err
    assert main(["db", "password", "--database-url", url]) == 2
    assert "nøglering" in capsys.readouterr().err


def test_the_key_store_entry_names_role_server_port_and_database() -> None:
    assert server_password.SERVICE == "MinPlan PostgreSQL"
    assert (
        server_password.entry_name("postgresql+psycopg://kl@db.example/minplan")
        == "kl@db.example:5432/minplan"
    )
    assert (
        server_password.entry_name(
            "postgresql+psycopg://kl@db.example:6543/minplan?sslmode=verify-full"
        )
        == "kl@db.example:6543/minplan"
    )


def test_without_a_safe_key_store_nothing_is_stored_and_the_message_says_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class PlaintextKeyring(fail.Keyring):
        """Looks like keyrings.alt's file backend: secrets in a plain file."""

        priority = 1  # type: ignore[assignment]

    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("must not prompt"))
    for backend in (fail.Keyring(), PlaintextKeyring()):
        keyring.set_keyring(backend)
        url = "postgresql+psycopg://kl@db.example/minplan"
        assert main(["--lang", "en", "db", "password", "--database-url", url]) == 2
        assert "no usable key store" in capsys.readouterr().err
        assert server_password.stored_password(url) is None


@pytest.fixture
def login(pg_db: Database, pg_login) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A login role with a password that may read the schema revision."""
    url, password = pg_login()
    user = url.split("//")[1].split("@")[0]
    with pg_db.engine.begin() as conn:
        conn.exec_driver_sql(f"GRANT SELECT ON alembic_version TO {user}")
    return url, password


@pytest.mark.postgres
def test_store_the_password_then_the_app_connects_with_it(
    login: tuple[str, str],
    memory_keyring,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, password = login
    name = server_password.entry_name(url)

    assert main(["--lang", "en", "db", "current", "--database-url", url]) == 2
    err = capsys.readouterr().err
    assert "asks for the password" in err and f"minplan db password --database-url {url}" in err

    prompts: list[str] = []
    typed = iter(["forkert-kode", password])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or next(typed))
    assert main(["--lang", "en", "db", "password", "--database-url", url]) == 2
    assert "refused this password; nothing was stored" in capsys.readouterr().err
    assert server_secrets(memory_keyring) == {}

    assert main(["--lang", "en", "db", "password", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "Stored the password" in out and "The server accepted it." in out
    assert prompts == [f"Password for {name}: "] * 2
    assert server_secrets(memory_keyring) == {("MinPlan PostgreSQL", name): password}

    assert main(["--lang", "en", "db", "current", "--database-url", url]) == 0
    assert "Schema revision" in capsys.readouterr().out
    db = open_url(url)
    try:
        assert password not in str(db.engine.url) and password not in db.description
        with transaction(db) as s:
            assert (
                s.execute(text("SELECT current_user")).scalar_one()
                == url.split("//")[1].split("@")[0]
            )
    finally:
        db.dispose()

    memory_keyring.secrets[("MinPlan PostgreSQL", name)] = "gammel-kode"
    assert main(["--lang", "en", "db", "current", "--database-url", url]) == 2
    assert "refused the password" in capsys.readouterr().err

    assert main(["--lang", "en", "db", "password", "--forget", "--database-url", url]) == 0
    assert "Removed the stored password" in capsys.readouterr().out
    assert server_secrets(memory_keyring) == {}


@pytest.mark.postgres
def test_tls_with_verify_full_against_the_servers_certificate_authority(
    login: tuple[str, str],
    tmp_path,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    ca = os.environ.get("MINPLAN_TEST_PG_CA")
    if not ca:
        pytest.skip("the test server has no TLS certificate (tests/throwaway_pg.sh makes one)")
    url, password = login
    tls = url.replace("@127.0.0.1:", "@localhost:") + f"?sslmode=verify-full&sslrootcert={ca}"
    server_password.store_password(tls, password)
    db = open_url(tls)
    try:
        with transaction(db) as s:
            assert s.execute(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar_one()
    finally:
        db.dispose()
    plain = url + "?sslmode=disable"
    server_password.store_password(plain, password)
    assert main(["--lang", "en", "db", "current", "--database-url", plain]) == 2
    assert "does not accept" in capsys.readouterr().err  # pg_hba.conf: hostssl only
    wrong = tls.replace(f"sslrootcert={ca}", f"sslrootcert={tmp_path / 'missing.crt'}")
    assert main(["--lang", "en", "db", "current", "--database-url", wrong]) == 2
    err = capsys.readouterr().err
    assert "certificate" in err and "Traceback" not in err
