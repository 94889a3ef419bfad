"""A key store for tests: JSON files, one in the test's own ``MINPLAN_HOME``.

It behaves like the operating system's key store (priority 1, not "plaintext" by name), and,
unlike an in-memory backend, child processes that a test starts see the same keys
(``PYTHON_KEYRING_BACKEND=tests.keyring_backend.TestKeyring``, set by ``tests/conftest.py``).
Keys written by module- or session-scoped fixtures (before a test's home exists) go to
``MINPLAN_TEST_KEYRING_DIR`` and stay readable from every test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


def _file(variable: str) -> Path | None:
    folder = os.environ.get(variable)
    return Path(folder) / "test-keyring.json" if folder else None


def _load(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class TestKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _own(self) -> Path:
        path = _file("MINPLAN_HOME") or _file("MINPLAN_TEST_KEYRING_DIR")
        assert path is not None, "set MINPLAN_HOME or MINPLAN_TEST_KEYRING_DIR"
        return path

    def get_password(self, service: str, username: str) -> str | None:
        name = f"{service}\x00{username}"
        found = _load(self._own).get(name)
        return found if found is not None else _load(_file("MINPLAN_TEST_KEYRING_DIR")).get(name)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = _load(self._own)
        data[f"{service}\x00{username}"] = password
        self._own.parent.mkdir(parents=True, exist_ok=True)
        self._own.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = _load(self._own)
        data.pop(f"{service}\x00{username}", None)
        self._own.write_text(json.dumps(data), encoding="utf-8")
