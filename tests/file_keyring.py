"""A key store in a plain JSON file, for tests whose child processes must reach a database key.

It keeps secrets in plain text on purpose; Min Plan refuses it (priority below 1, "Plaintext" in
its name) unless ``MINPLAN_ALLOW_PLAINTEXT_KEYRING=1``. Children load it with
``PYTHON_KEYRING_BACKEND=file_keyring.PlaintextFileKeyring`` and find the file through
``MINPLAN_TEST_KEYRING_FILE`` (see the ``subprocess_keyring`` fixture in conftest.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.errors
from keyring.backend import KeyringBackend


class PlaintextFileKeyring(KeyringBackend):
    priority = 0.1  # type: ignore[assignment]

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ["MINPLAN_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict[str, str]) -> None:
        temporary = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(entries), encoding="utf-8")
        temporary.replace(self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}\x00{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}\x00{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(entries)
