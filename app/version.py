"""Min Plan's version: one number, set in ``pyproject.toml`` and read from the installed package's
metadata (a wheel, an editable install, the frozen bundle, which copies the metadata). The Inno
Setup script and the AppStream metainfo get it from the same file at build time."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "minplan"


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def windows_version(text: str | None = None) -> tuple[int, int, int, int]:
    """The four numbers of a Windows version resource (``0.1.0`` → ``(0, 1, 0, 0)``)."""
    numbers = [int(n) for n in re.findall(r"\d+", (text or version()).split("+")[0])[:4]]
    first, second, third, fourth = (numbers + [0, 0, 0, 0])[:4]
    return first, second, third, fourth
