"""The user's settings, declared once with their types and defaults, stored with QSettings.

Only what belongs to the person at this desk lives here (language, window layout); case data
lives in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from app import paths

#: Bumped when a setting changes meaning; ``load`` upgrades older files.
SETTINGS_VERSION = 1


def qsettings() -> QSettings:
    """An INI file in the user's config folder (honours MINPLAN_HOME, so tests never touch the real one)."""
    return QSettings(str(paths.user_config_dir() / "settings.ini"), QSettings.Format.IniFormat)


@dataclass
class Settings:
    language: str | None = None
    window_geometry: QByteArray | None = None
    window_state: QByteArray | None = None

    @classmethod
    def load(cls) -> Settings:
        store = qsettings()
        language = store.value("general/language")
        geometry = store.value("window/geometry")
        state = store.value("window/state")
        return cls(
            language=language if language in ("da", "en") else None,
            window_geometry=geometry if isinstance(geometry, QByteArray) else None,
            window_state=state if isinstance(state, QByteArray) else None,
        )

    def save(self) -> None:
        store = qsettings()
        store.setValue("general/version", SETTINGS_VERSION)
        if self.language:
            store.setValue("general/language", self.language)
        else:
            store.remove("general/language")
        if self.window_geometry is not None:
            store.setValue("window/geometry", self.window_geometry)
        if self.window_state is not None:
            store.setValue("window/state", self.window_state)
        store.sync()
