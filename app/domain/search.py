"""What a search-as-you-type term matches: names, CPR (with or without dash) and birth dates.

Kept pure so that the storage layer, the demo generator and the importer fill the same
``search_text`` column the same way.
"""

from __future__ import annotations

import re
from datetime import date

_DATE_DK = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$")


def citizen_search_text(first_name: str, last_name: str, cpr: str, birth_date: date) -> str:
    """Lower-cased text every search term is matched against (as substrings)."""
    return " ".join(
        [
            f"{first_name} {last_name}".lower(),
            cpr,
            f"{cpr[:6]}-{cpr[6:]}",
            birth_date.isoformat(),
            birth_date.strftime("%d-%m-%Y"),
            birth_date.strftime("%d.%m.%Y"),
        ]
    )


#: Shorter terms are not searched for: one letter matches most of a jobcenter's citizens, which
#: says nothing and costs a scan of everybody on each keystroke ("Ann B" searches for "ann").
MIN_TERM_LENGTH = 2


#: A search needs one term at least this long: a trigram index seeks three characters, and two
#: letters alone match a large part of a big jobcenter (at 300 000 citizens a scan of everybody
#: on that keystroke). A two-letter term still narrows a search beside a longer one ("Bo Ør").
LONE_TERM_LENGTH = 3
#: A search uses at most this many different terms (a pasted page of text would otherwise make
#: a query deeper than the database accepts); more words narrow nothing a person would type.
MAX_TERMS = 16
#: The search field holds at most this many characters.
MAX_SEARCH_CHARS = 200


def search_terms(text: str) -> list[str]:
    """Split a query into lower-case terms of at least ``MIN_TERM_LENGTH`` characters; every term
    must match (AND). Repeated terms count once; only the first ``MAX_TERMS`` are used. No term
    at all unless one has ``LONE_TERM_LENGTH`` characters.

    A Danish date like ``3.2.1990`` is normalised to ``03.02.1990`` so that it meets the stored form.
    """
    terms: list[str] = []
    for raw in text.lower().split():
        if len(terms) >= MAX_TERMS:
            break
        match = _DATE_DK.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            raw = f"{day:02d}.{month:02d}.{year:04d}"
        if len(raw) >= MIN_TERM_LENGTH and raw not in terms:
            terms.append(raw)
    return terms if any(len(term) >= LONE_TERM_LENGTH for term in terms) else []


_CPR = re.compile(r"^(\d{6})-?(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DK_DATE = re.compile(r"^(\d{2})[.\-](\d{2})[.\-](\d{4})$")


def exact_identifier(term: str) -> tuple[str, str | date] | None:
    """``("cpr", "0101901234")`` for a whole CPR number (with or without dash), ``("birth_date",
    date)`` for a whole birth date in one of the three stored forms, else None.

    Such a term can only be a substring of ``search_text`` where the CPR number or the birth date
    stands, so looking it up in that column's index finds exactly the same citizens."""
    match = _CPR.match(term)
    if match:
        return "cpr", match[1] + match[2]
    iso, danish = _ISO_DATE.match(term), _DK_DATE.match(term)
    try:
        if iso:
            return "birth_date", date(int(iso[1]), int(iso[2]), int(iso[3]))
        if danish and (danish[0][2] == danish[0][5]):  # 01.02.1990 or 01-02-1990, not mixed
            return "birth_date", date(int(danish[3]), int(danish[2]), int(danish[1]))
    except ValueError:  # 31.02.1990: no such day, and so nobody born on it
        return None
    return None


#: Danish alphabetical order puts æ, ø, å after z; in code-point order they come as å, æ, ø.
_DANISH_ORDER = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}", "ä": "z{", "ö": "z|", "ü": "y"})


def danish_order_key(text: str) -> str:
    """A key whose plain order is Danish alphabetical order (æ, ø, å after z), case aside."""
    return text.casefold().translate(_DANISH_ORDER)


def citizen_sort_key(first_name: str, last_name: str) -> str:
    """A key whose plain byte order is Danish alphabetical order by last name, then first name."""
    return danish_order_key(f"{last_name} {first_name}")[:400]
