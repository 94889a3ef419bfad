"""Every file location in one place, with overrides for tests, demos and support.

The shipped folders (``resources/``, ``i18n/``, ``db/``) sit beside the ``app`` package in a source
checkout and in a PyInstaller bundle (``sys._MEIPASS``). User data goes to the platform's data
folder via platformdirs, or to ``MINPLAN_HOME`` when that is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "MinPlan"


def install_root() -> Path:
    """The folder holding ``app/``, ``resources/``, ``i18n/`` and ``db/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def i18n_dir() -> Path:
    return install_root() / "i18n"


def migrations_dir() -> Path:
    return install_root() / "db"


def user_data_dir() -> Path:
    home = os.environ.get("MINPLAN_HOME")
    if home:
        return Path(home) / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    home = os.environ.get("MINPLAN_HOME")
    if home:
        return Path(home) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    home = os.environ.get("MINPLAN_HOME")
    if home:
        return Path(home) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    """Data that can be made again (e.g. the benchmark's generated databases)."""
    home = os.environ.get("MINPLAN_HOME")
    if home:
        return Path(home) / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """The user's own database: ``MINPLAN_DB`` if set, else ``minplan.db`` in the data folder."""
    env = os.environ.get("MINPLAN_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "minplan.db"


def demo_database_path() -> Path:
    """The generated demo database, kept apart from the user's data."""
    return user_data_dir() / "demo" / "minplan-demo.db"


def backup_dir() -> Path:
    return user_data_dir() / "backups"
