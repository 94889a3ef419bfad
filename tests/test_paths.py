"""The user's folders: under ``MINPLAN_HOME`` when set, else the platform's folders."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from app import paths


def test_every_user_folder_lies_under_minplan_home_when_it_is_set(isolated_home: Path) -> None:
    assert paths.user_data_dir() == isolated_home / "data"
    assert paths.user_config_dir() == isolated_home / "config"
    assert paths.user_log_dir() == isolated_home / "logs"
    assert paths.user_cache_dir() == isolated_home / "cache"


def test_without_minplan_home_the_platform_folders_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MINPLAN_HOME")
    assert paths.user_data_dir() == Path(platformdirs.user_data_dir("MinPlan", appauthor=False))
    assert paths.user_config_dir() == Path(platformdirs.user_config_dir("MinPlan", appauthor=False))
    assert paths.user_log_dir() == Path(platformdirs.user_log_dir("MinPlan", appauthor=False))
    assert paths.user_cache_dir() == Path(platformdirs.user_cache_dir("MinPlan", appauthor=False))
