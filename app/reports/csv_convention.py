"""The one CSV convention of every export Min Plan writes: UTF-8 with a BOM, ``;`` between
cells, a decimal comma, CRLF line ends. That is what Danish Excel writes as "CSV UTF-8" and opens
with a double click, letters and columns intact; LibreOffice reads it the same. The bundle's
reader accepts more (``,``, no BOM, Windows-1252), since people's spreadsheets differ.
"""

from __future__ import annotations

import csv
from typing import IO, Any

ENCODING = "utf-8-sig"  # writes the BOM
DELIMITER = ";"
LINE_END = "\r\n"
DECIMAL_MARK = ","


def writer(handle: IO[str]) -> Any:
    """A ``csv.writer`` in the convention (the handle opened with ``ENCODING`` and newline="")."""
    return csv.writer(handle, delimiter=DELIMITER, lineterminator=LINE_END)


def decimal(text: str) -> str:
    """``4.62`` as written in a cell: ``4,62``."""
    return text.replace(".", DECIMAL_MARK)
