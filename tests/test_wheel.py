"""The wheel works on its own: built, installed into a fresh environment outside the checkout,
and run as a desk would run it (``packaging/smoke_test.py``: demo, deadlines, plan-pdf,
indicators, users, db upgrade of an old file, the GUI offscreen, Danish help)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OLD_REVISION = "0005"

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def make_old_schema_file(path: Path, revision: str = OLD_REVISION) -> Path:
    """An unencrypted SQLite file at an old schema revision, as an earlier Min Plan left it."""
    from alembic import command
    from sqlalchemy import create_engine

    from app.store.migrations import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    cfg = alembic_config()
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, cwd=out,
    )  # fmt: skip
    [built] = out.glob("minplan-*.whl")
    return built


def test_the_wheel_holds_the_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "app/locale/da/LC_MESSAGES/minplan.po",
        "app/migrations/env.py",
        "app/migrations/script.py.mako",
        "app/migrations/versions/0001_initial_schema.py",
        "app/resources/rules/lab_2026.toml",
        "app/resources/goalplans/herlev-2024.toml",
        "app/resources/fonts/DejaVuSans.ttf",
        "app/resources/fonts/DejaVuSans-Bold.ttf",
        "app/resources/icons/minplan.svg",
        "app/resources/sample-bundle/citizens.csv",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "db/", "resources/", "i18n/")) for n in names)


def test_the_installed_wheel_runs_outside_the_checkout(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    place = tmp_path_factory.mktemp("desk")
    venv = place / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # A fresh environment: the wheel and its dependencies from the package index (or pip's cache).
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True, capture_output=True, cwd=place,
    )  # fmt: skip
    where = subprocess.run(
        [str(python), "-c", "import app; print(app.__file__)"],
        check=True, capture_output=True, text=True, cwd=place,
    ).stdout  # fmt: skip
    assert str(venv) in where and str(ROOT) not in where

    # The key store: a plain file store, accepted for this synthetic data only.
    shims = place / "shims"
    shims.mkdir()
    shutil.copy(ROOT / "tests" / "file_keyring.py", shims / "file_keyring.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINPLAN_", "PYTHON"))}
    env.update(
        PYTHONPATH=str(shims),
        PYTHON_KEYRING_BACKEND="file_keyring.PlaintextFileKeyring",
        MINPLAN_TEST_KEYRING_FILE=str(place / "keys.json"),
        MINPLAN_ALLOW_PLAINTEXT_KEYRING="1",
        MINPLAN_HOME=str(place / "home"),
        QT_QPA_PLATFORM="offscreen",
    )
    old = make_old_schema_file(place / "old.db")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke_test.py"), "--work", str(place / "work"),
         "--old-db", str(old), "--", str(venv / "bin" / "minplan")],
        capture_output=True, text=True, env=env, cwd=place, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
