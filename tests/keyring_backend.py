"""The test suite's key store: in memory for the test process, mirrored to a JSON file for the
processes a test starts.

It stands in for the operating system's key store (priority 1, not "plaintext" by name), so
Min Plan trusts it as it would trust Credential Manager, Keychain or Secret Service, and the
suite never touches the developer's real key store.

- ``MemoryKeyring`` is the store of the test process. ``entries`` is a dict; every change to it
  (through keyring's API or directly, e.g. ``entries.clear()`` for "a new computer") is written
  to ``MINPLAN_TEST_KEYRING_FILE`` (the test's own file, set by ``tests/conftest.py``).
- ``ChildKeyring`` is what a child process loads (``PYTHON_KEYRING_BACKEND=
  tests.keyring_backend.ChildKeyring``, with the checkout on its path): it reads and writes that
  file, so a child sees the keys of its parent's test, and the parent sees what a child stored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring.errors
from keyring.backend import KeyringBackend

FILE_VARIABLE = "MINPLAN_TEST_KEYRING_FILE"


def _file() -> Path | None:
    name = os.environ.get(FILE_VARIABLE)
    return Path(name) if name else None


def _name(service: str, username: str) -> str:
    return f"{service}\x00{username}"


def _load() -> dict[str, str]:
    path = _file()
    if path is None:
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save(entries: dict[str, str]) -> None:
    path = _file()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written in place (not renamed): tests patch os.replace to simulate a power cut.
    path.write_text(json.dumps(entries), encoding="utf-8")


class _MirroredDict(dict):  # type: ignore[type-arg]
    """(service, username) -> secret; every change is mirrored to the test's file."""

    def _mirror(self) -> None:
        _save({_name(*key): value for key, value in self.items()})

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._mirror()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._mirror()

    def pop(self, *args: Any) -> Any:  # type: ignore[override]
        value = super().pop(*args)
        self._mirror()
        return value

    def clear(self) -> None:
        super().clear()
        self._mirror()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._mirror()  # also when nothing changed: a new test's file gets the same keys


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = _MirroredDict()

    @property
    def secrets(self) -> dict[tuple[str, str], str]:
        """The same entries (the name some tests use)."""
        return self.entries

    def adopt_file(self) -> None:
        """Take in what a child process stored in the test's file."""
        for name, secret in _load().items():
            service, _, username = name.partition("\x00")
            dict.__setitem__(self.entries, (service, username), secret)

    def get_password(self, service: str, username: str) -> str | None:
        found = self.entries.get((service, username))
        if found is None:  # a child process may have stored it
            found = _load().get(_name(service, username))
            if found is not None:
                dict.__setitem__(self.entries, (service, username), found)
        return found

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            self.adopt_file()
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.entries)


class ChildKeyring(KeyringBackend):
    """The same store seen from a child process: the test's JSON file."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return _load().get(_name(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = _load()
        entries[_name(service, username)] = password
        _save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = _load()
        if entries.pop(_name(service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        _save(entries)
