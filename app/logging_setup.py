"""Logging to a rotating file in the user's log folder (never CPR numbers, names or note text).

Three guards keep personal data out of the files: the database engines hide SQL parameters
(``hide_parameters=True`` in ``app.store.engine``) so no error text carries them, SQLAlchemy's
own loggers stay at WARNING even with ``MINPLAN_DEBUG`` (at INFO/DEBUG they would write
statements and result rows), and a filter masks anything shaped like a CPR number in every
record, tracebacks included. ``tests/test_log_files_privacy.py`` checks the result.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re

from app import paths

#: DDMMYY-SSSS or DDMMYYSSSS, not inside a longer number (ids, hashes, timestamps).
_CPR = re.compile(r"(?<![0-9A-Za-z])([0-3]\d[01]\d\d\d)-?(\d{4})(?![0-9A-Za-z])")


class MaskCpr(logging.Filter):
    """Replace CPR-shaped numbers in the message and the traceback with ``DDMMYY-XXXX``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _CPR.sub(r"\1-XXXX", message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[0] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = _CPR.sub(r"\1-XXXX", text)
            record.exc_info = None
        return True


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
    handler.addFilter(MaskCpr())
    handler._minplan = True  # type: ignore[attr-defined]  # marks the handler as ours: set up once
    root.addHandler(handler)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    if os.environ.get("MINPLAN_DEBUG"):
        root.setLevel(logging.DEBUG)
