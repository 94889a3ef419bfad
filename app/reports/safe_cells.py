"""Spreadsheet formula injection: text cells that a spreadsheet would run as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some
programs strip before looking) is evaluated by Excel and LibreOffice — ``=HYPERLINK(...)`` in a
citizen's own words must not become a link that leaks data. Such text gets a leading apostrophe,
the convention OWASP recommends, which both programs show as plain text. Numbers, dates and
booleans are left alone: only text can carry a formula, and a negative number is not one.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` safe to put in a CSV or XLSX cell; non-text values come back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
