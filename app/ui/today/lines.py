"""The "I dag" page's lines as plain text rows: what the table shows, prints and exports."""

from __future__ import annotations

from dataclasses import dataclass

from app import i18n
from app.domain.codes import CHANNELS, CONVERSATION_KINDS, TARGET_GROUPS
from app.domain.day import OVERDUE_BANDS, DayOverview, DeadlineLine
from app.i18n import N_, _, ngettext
from app.wording.deadline_text import rule_title, status_label

#: Column headers (msgids), in the order of ``DayLine.cells``.
HEADERS = (N_("Section"), N_("When"), N_("Citizen"), N_("What"), N_("Details"))


@dataclass(frozen=True)
class DayLine:
    """One line of the day: the citizen it opens (None for a "nothing here" line) and its cells."""

    citizen_id: int | None
    cpr: str
    section: str
    when: str
    name: str
    what: str
    details: str
    explanation: str = ""

    @property
    def cells(self) -> list[str]:
        return [self.section, self.when, self.name, self.what, self.details]


def headers() -> list[str]:
    return [_(h) for h in HEADERS]


def _deadline(section: str, line: DeadlineLine, booked: bool = True) -> DayLine:
    from app.wording.deadline_text import explain

    d = line.deadline
    details = f"{status_label(d.status)} ({d.done}/{d.required}) · {i18n.label(TARGET_GROUPS, d.target_group)}"
    if booked and line.next_booked is not None:
        details += " · " + _("booked {when}").format(when=i18n.format_datetime(line.next_booked))
    return DayLine(
        line.citizen_id,
        line.cpr,
        section,
        i18n.format_short_date(d.due),
        line.name,
        rule_title(d.title),
        details,
        explain(d),
    )


def day_lines(day: DayOverview) -> list[DayLine]:
    """Sections in the order a caseworker works through them; an empty section says so."""
    out: list[DayLine] = []

    def none(section: str) -> None:
        out.append(DayLine(None, "", section, "", "", _("Nothing"), ""))

    for section, talks in (
        (_("Conversations today"), day.today_conversations),
        (_("Conversations tomorrow"), day.tomorrow_conversations),
    ):
        for talk in talks:
            details = i18n.label(CHANNELS, talk.channel)
            if talk.location:
                details += f" · {talk.location}"
            out.append(
                DayLine(
                    talk.citizen_id,
                    talk.cpr,
                    section,
                    i18n.format_time(talk.at),
                    talk.name,
                    i18n.label(CONVERSATION_KINDS, talk.kind),
                    details,
                )
            )
        if not talks:
            none(section)
    any_overdue = False
    for (_limit, label), band in zip(OVERDUE_BANDS, day.overdue, strict=True):
        for line in band:
            out.append(_deadline(_(label), line))
            any_overdue = True
    if not any_overdue:
        none(_("Overdue"))
    for line in day.due_soon:
        out.append(_deadline(_("Due within 7 days"), line))
    if not day.due_soon:
        none(_("Due within 7 days"))
    for line in day.needs_booking:
        out.append(_deadline(_("Needs booking"), line, booked=False))
    if not day.needs_booking:
        none(_("Needs booking"))
    for mark in day.milestones:
        out.append(
            DayLine(
                mark.citizen_id,
                mark.cpr,
                _("Milestones past their date"),
                i18n.format_short_date(mark.due),
                mark.name,
                mark.title,
                _("overdue"),
            )
        )
    if not day.milestones:
        none(_("Milestones past their date"))
    return out


def summary(day: DayOverview) -> str:
    """The morning summary, in full words (each count with its noun in the right number)."""
    talks, overdue, booking = (
        len(day.today_conversations),
        day.overdue_count,
        len(day.needs_booking),
    )
    milestones = len(day.milestones)
    parts = [
        ngettext(
            "{n} conversation today and {tomorrow} tomorrow",
            "{n} conversations today and {tomorrow} tomorrow",
            talks,
        ).format(n=talks, tomorrow=len(day.tomorrow_conversations)),
        ngettext("{n} deadline overdue", "{n} deadlines overdue", overdue).format(n=overdue),
        _("{n} due within 7 days").format(n=len(day.due_soon)),
        ngettext("{n} needs booking", "{n} need booking", booking).format(n=booking),
        ngettext(
            "{n} milestone past its date", "{n} milestones past their date", milestones
        ).format(n=milestones),
    ]
    return _("{date}: {summary}").format(
        date=i18n.format_date(day.today, "full"), summary=" · ".join(parts)
    )
