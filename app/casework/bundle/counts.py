"""Row counts as one translated line ("3 sagsbehandlere, 12 borgere, …") for import and export."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app import i18n
from app.i18n import _, ngettext

#: One plural phrase per file, in the order the issue lists the files (people before companies).
_PHRASES: dict[str, Callable[[int], str]] = {
    "caseworkers.csv": lambda n: ngettext("{n} caseworker", "{n} caseworkers", n),
    "citizens.csv": lambda n: ngettext("{n} citizen", "{n} citizens", n),
    "spells.csv": lambda n: ngettext("{n} benefit spell", "{n} benefit spells", n),
    "plans.csv": lambda n: ngettext("{n} plan", "{n} plans", n),
    "milestones.csv": lambda n: ngettext("{n} milestone", "{n} milestones", n),
    "offers.csv": lambda n: ngettext("{n} offer", "{n} offers", n),
    "conversations.csv": lambda n: ngettext("{n} conversation", "{n} conversations", n),
    "employment.csv": lambda n: ngettext("{n} job or education", "{n} jobs and educations", n),
    "companies.csv": lambda n: ngettext("{n} company", "{n} companies", n),
    "company_contacts.csv": lambda n: ngettext("{n} company contact", "{n} company contacts", n),
    "recruitment_orders.csv": lambda n: ngettext(
        "{n} recruitment order", "{n} recruitment orders", n
    ),
    "journal.csv": lambda n: ngettext("{n} journal note", "{n} journal notes", n),
}


def describe(counts: Mapping[str, int]) -> str:
    """The non-zero counts, e.g. "3 caseworkers, 12 citizens"; "no rows" when all are zero."""
    parts = [
        phrase(n).format(n=i18n.format_number(n))
        for name, phrase in _PHRASES.items()
        if (n := counts.get(name, 0))
    ]
    return ", ".join(parts) or _("no rows")
