"""Loading rule data shipped in ``app/resources/rules`` (TOML), with clear messages for bad files."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from app import paths
from app.domain.errors import ValidationError
from app.domain.offers import DurationLimit, parse_limits


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(
            "The rule file {path} is malformed: {reason}", path=str(path), reason=str(exc)
        ) from None
    except OSError as exc:
        raise ValidationError(
            "Cannot read the rule file {path}: {reason}",
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from None


@cache
def offer_duration_limits(path: Path | None = None) -> tuple[DurationLimit, ...]:
    source = path or paths.resources_dir() / "rules" / "offer_durations.toml"
    return tuple(parse_limits(read_toml(source), origin=source.name))
