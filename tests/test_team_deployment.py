"""The team-server steps of packaging/TEAM-SERVER.md, run against the test server with PostgreSQL's own tools:
an owner and a database, ``minplan db password`` and ``db upgrade`` over TLS, the role script,
logins for a caseworker and a team lead, a pg_dump backup, a restore drill into a scratch
database and a real restore with ``pg_restore --create``, then an upgrade that finds nothing to do."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "app" / "resources" / "sample-bundle"
ROLES = ROOT / "packaging" / "postgresql" / "roles.sql"
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def tool(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        pytest.skip(f"{name} is not installed")
    return found[-1]


class Server:
    """The DBA's shell on the server (``sudo -u postgres …`` in the README)."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.host, self.port = parsed.host or "127.0.0.1", str(parsed.port or 5432)
        self.env = {**os.environ, "PGHOST": self.host, "PGPORT": self.port, "PGUSER": "postgres"}

    def run(self, *command: str) -> str:
        result = subprocess.run(
            [tool(command[0]), *command[1:]],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        )
        assert result.returncode == 0, f"{command}: {result.stderr}"
        return result.stdout

    def sql(self, database: str, statement: str) -> str:
        return self.run("psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", statement).strip()


def test_the_team_deployment_steps_of_the_readme_work(
    pg_server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    server = Server(pg_server.url_of("postgres"))
    p = pg_server.prefix
    owner, kl, tl, database = f"{p}_owner", f"{p}_kl", f"{p}_tl", f"{p}_minplan"
    passwords = {owner: "Ejer-kode-1", kl: "Karens-kode-2", tl: "Toves-kode-3"}
    ca = os.environ.get("MINPLAN_TEST_PG_CA")
    tls = f"?sslmode=verify-full&sslrootcert={ca}" if ca else ""
    host = "localhost" if ca else server.host

    def url(login: str, db: str = database) -> str:
        return f"postgresql+psycopg://{login}@{host}:{server.port}/{db}{tls}"

    def store_password(login: str, db: str = database) -> None:
        monkeypatch.setattr("getpass.getpass", lambda prompt="": passwords[login])
        assert main(["db", "password", "--database-url", url(login, db)]) == 0

    try:
        # 1. The DBA makes the owner and the database (the README prompts for the password).
        server.run("createuser", owner)
        server.sql("postgres", f"ALTER ROLE {owner} PASSWORD '{passwords[owner]}'")
        server.run(
            "createdb", f"--owner={owner}", "--encoding=UTF8", "--template=template0", database
        )
        # 2. The owner stores the password and creates the schema over TLS.
        store_password(owner)
        assert main(["db", "upgrade", "--database-url", url(owner)]) == 0
        # 3. The DBA runs the role script; 4. logins in a group each.
        server.run("psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(ROLES))
        server.run("createuser", "--role=minplan_caseworker", kl)
        server.run("createuser", "--role=minplan_teamlead", tl)
        for login in (kl, tl):
            server.sql("postgres", f"ALTER ROLE {login} PASSWORD '{passwords[login]}'")
        # The people themselves (initials, names, roles) come with the first import.
        assert main(["import", str(SAMPLE), "--database-url", url(owner)]) == 0
        # An administrator gives each user their server login (Indstillinger → Brugere → Login).
        for login, initials in ((kl, "KL"), (tl, "TL")):
            server.sql(
                database, f"UPDATE caseworker SET login = '{login}' WHERE initials = '{initials}'"
            )
        # 5. Each desk stores its own password and works.
        store_password(kl)
        store_password(tl)
        capsys.readouterr()
        assert main(["deadlines", "--database-url", url(kl), "--format", "csv"]) == 0
        assert capsys.readouterr().out.startswith("\ufeffcpr;")
        args = ["indicators", "--plan", "herlev-2024", "--period", "2026", "--format", "json"]
        assert main([*args, "--database-url", url(tl)]) == 0
        assert json.loads(capsys.readouterr().out)["plan"] == "herlev-2024"

        # 6. Backup, restore drill into a scratch database, and a real restore.
        counts = (
            "SELECT (SELECT count(*) FROM citizen) || '/' || (SELECT count(*) FROM audit_event)"
        )
        before = server.sql(database, counts)
        capsys.readouterr()
        assert main(["--lang", "en", "backup", "--database-url", url(owner)]) == 2
        assert "pg_dump" in capsys.readouterr().err  # minplan backup is for SQLite files
        dump = tmp_path / "minplan-2026-11-24.dump"
        server.run("pg_dump", "--format=custom", f"--file={dump}", database)
        drill = f"{database}_drill"
        server.run("createdb", f"--owner={owner}", drill)
        server.run("pg_restore", "--exit-on-error", "-d", drill, str(dump))
        assert server.sql(drill, counts) == before
        assert server.sql(drill, "SELECT version_num FROM alembic_version") == server.sql(
            database, "SELECT version_num FROM alembic_version"
        )
        server.run("dropdb", drill)
        broken = f"{database}_broken"
        server.sql(  # desks left open are disconnected before the switch
            "postgres",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()",
        )
        server.sql("postgres", f"ALTER DATABASE {database} RENAME TO {broken}")
        server.run("pg_restore", "--create", "--exit-on-error", "-d", "postgres", str(dump))
        assert server.sql(database, counts) == before
        assert main(["deadlines", "--database-url", url(kl), "--format", "csv"]) == 0
        server.run("dropdb", broken)

        # 7. Upgrading: the owner runs db upgrade (nothing to do now), then the role script again.
        capsys.readouterr()
        assert main(["db", "upgrade", "--database-url", url(owner)]) == 0
        assert "allerede opdateret" in capsys.readouterr().out
        server.run("psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(ROLES))
    finally:
        for name in (f"{database}_drill", f"{database}_broken", database):
            server.sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for login in (kl, tl, owner):
            server.sql("postgres", f"DROP ROLE IF EXISTS {login}")
