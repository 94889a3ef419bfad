"""Logging to a rotating file in the user's log folder (never CPR numbers, names or note text)."""

from __future__ import annotations

import logging
import logging.handlers
import os

from app import paths


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_minplan", False) for h in root.handlers):
        return
    root.setLevel(level)
    try:
        log_dir = paths.user_log_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_dir / "minplan.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._minplan = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if os.environ.get("MINPLAN_DEBUG"):
        root.setLevel(logging.DEBUG)
