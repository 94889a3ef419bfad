"""Every file location in one place, with overrides for tests, demos and support.

What ships with Min Plan is package data inside ``app`` (``app/resources``, ``app/locale``,
``app/migrations``), found with ``importlib.resources``: the same code works in a source checkout,
an installed wheel (``pip``/``pipx``) and a PyInstaller bundle. User data goes to the platform's
data folder via platformdirs, or to ``MINPLAN_HOME`` when that is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "MinPlan"


def package_data(*parts: str) -> Path:
    """A folder or file shipped inside the ``app`` package, as a real path on disk.

    Alembic and reportlab need real files, so Min Plan is installed as files (a wheel, a frozen
    bundle), never run from a zip archive; that case is named instead of failing later.
    """
    found = resources.files("app").joinpath(*parts)
    if not isinstance(found, Path):
        raise RuntimeError(f"Min Plan's data files are not on disk ({found}); reinstall Min Plan")
    return found


def resources_dir() -> Path:
    """Rules, goal plans, icons, fonts, the sample bundle (``app/resources``)."""
    return package_data("resources")


def i18n_dir() -> Path:
    """The gettext catalogs, ``<lang>/LC_MESSAGES/minplan.po`` (``app/locale``)."""
    return package_data("locale")


def migrations_dir() -> Path:
    """The Alembic environment and revision scripts (``app/migrations``)."""
    return package_data("migrations")


def fonts_dir() -> Path:
    """The TrueType fonts every PDF embeds (DejaVu Sans: Danish and most European letters)."""
    return package_data("resources", "fonts")


def _user_dir(folder: str, platform_dir: Callable[..., str]) -> Path:
    """``folder`` in ``MINPLAN_HOME`` when that is set, else the platform's folder of its kind."""
    home = os.environ.get("MINPLAN_HOME")
    if home:
        return Path(home) / folder
    return Path(platform_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    return _user_dir("data", platformdirs.user_data_dir)


def user_config_dir() -> Path:
    return _user_dir("config", platformdirs.user_config_dir)


def user_log_dir() -> Path:
    return _user_dir("logs", platformdirs.user_log_dir)


def user_cache_dir() -> Path:
    """Data that can be made again (e.g. the benchmark's generated databases)."""
    return _user_dir("cache", platformdirs.user_cache_dir)


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
