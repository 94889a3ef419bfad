"""Spreadsheet formula injection: text cells that a spreadsheet would run as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
programs strip before looking) is evaluated by Excel and LibreOffice — ``=HYPERLINK(...)`` in a
citizen's own words must not become a link that leaks data. Such text gets a leading apostrophe,
the convention OWASP recommends, which both programs show as plain text. Numbers, dates and
booleans are left alone: only text can carry a formula, and a negative number is not one.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` safe to put in a CSV or XLSX cell; non-text values come back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: Text that ``neutralise_reversibly`` escapes: formula-looking, or already apostrophes before one.
_ESCAPE = re.compile(r"'*[=+\-@\t\r]")
#: Text that ``restore`` unescapes: one or more apostrophes before a formula character.
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def neutralise_reversibly(value: str) -> str:
    """For a file Min Plan reads back (the CSV bundle): formula-looking text gets an apostrophe
    as with ``neutralise``, and so does text that already starts with apostrophes before a
    formula character, so that ``restore`` gives back exactly the original text."""
    return "'" + value if _ESCAPE.match(value) else value


def restore(value: str) -> str:
    """The inverse of ``neutralise_reversibly`` (and what a spreadsheet does with an apostrophe
    typed before ``=``): one leading apostrophe before a formula character is dropped."""
    return value[1:] if value.startswith("'") and _ESCAPED.match(value) else value
