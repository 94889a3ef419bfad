"""The read-only overview of the selected citizen, as the caseworker glances at it before a call."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from app import i18n
from app.casework.citizens.overview import (
    CitizenGlimpse,
    CitizenOverview,
    ConversationLine,
    OfferLine,
)
from app.domain.codes import (
    CHANNELS,
    CONVERSATION_KINDS,
    CONVERSATION_STATUSES,
    LANGUAGES,
    MILESTONE_STATUSES,
    OFFER_KINDS,
    OFFER_STATUSES,
    TARGET_GROUPS,
)
from app.i18n import _
from app.ui import colours

_STATUS_MARK = {"done": "✓", "dropped": "✗", "in_progress": "◐", "planned": "○"}


def _section(title: str, body: str) -> str:
    return f"<h3 style='margin:10px 0 2px 0'>{escape(title)}</h3>{body}"


def _muted(text: str) -> str:
    return f"<span style='color:{colours.muted()}'>{escape(text)}</span>"


def _conversation_text(line: ConversationLine) -> str:
    when = (
        i18n.format_datetime_local(line.scheduled_at)
        if line.scheduled_at
        else i18n.format_date(line.held_on)
    )
    return _("{when}: {kind}, {channel}").format(
        when=when,
        kind=i18n.label(CONVERSATION_KINDS, line.kind),
        channel=i18n.label(CHANNELS, line.channel),
    )


def _offer_text(line: OfferLine) -> str:
    parts = [i18n.label(OFFER_KINDS, line.kind)]
    if line.company:
        parts.append(_("at {company}").format(company=line.company))
    period = " – ".join(i18n.format_short_date(d) for d in (line.start, line.planned_end) if d)
    if period:
        parts.append(f"({period})")
    return f"{' '.join(parts)} · {i18n.label(OFFER_STATUSES, line.status)}"


#: The status word's colour by meaning (readable in light and dark palettes; the word says it too).
STATUS_COLOURS = {"overdue": "error", "due_soon": "warning", "open": "info"}


def deadlines_html(deadlines: tuple) -> str:
    """Open requirements, overdue first, each with its explanation (rule, numbers, legal source)."""
    from app.wording.deadline_text import explain, rule_title, status_label

    if not deadlines:
        return _muted(_("No open requirements"))
    items = []
    for d in deadlines:
        meaning = STATUS_COLOURS.get(d.status)
        colour = colours.text(meaning) if meaning else "palette(text)"
        line = (
            f"<span style='color:{colour}; font-weight:600'>{escape(status_label(d.status))}</span> · "
            f"{escape(rule_title(d.title))} · {escape(i18n.format_date(d.due))}"
        )
        if d.next_by and d.status != "overdue":
            line += " · " + escape(
                _("next conversation by {date}").format(date=i18n.format_date(d.next_by))
            )
        items.append(f"<li>{line}<br>{_muted(explain(d))}</li>")
    return "<ul style='margin:0'>" + "".join(items) + "</ul>"


def overview_html(view: CitizenOverview) -> str:
    """The overview as simple HTML (headings and lists) that reads well at any width."""
    flags = [
        text
        for flag, text in (
            (view.refugee_or_reunified, _("Refugee or family-reunified")),
            (view.disability, _("Disability")),
            (view.digital_post_exempt, _("Exempt from digital post")),
        )
        if flag
    ]
    head = [
        f"<h2 style='margin:0'>{escape(view.name)}</h2>",
        escape(
            _("CPR {cpr} · {age} years").format(cpr=f"{view.cpr[:6]}-{view.cpr[6:]}", age=view.age)
        ),
    ]
    contact = " · ".join(escape(p) for p in (view.phone, view.email, view.address) if p)
    if contact:
        head.append(f"<br>{contact}")
    head.append("<br>" + escape(_("Caseworker: {name}").format(name=view.caseworker or _("none"))))
    head.append(
        "<br>"
        + escape(
            _("Preferred language: {language}").format(
                language=i18n.label(LANGUAGES, view.language)
            )
        )
    )
    if flags:
        head.append("<br>" + _muted(" · ".join(flags)))

    if view.current_spell:
        benefit = escape(
            _("{benefit} since {date}").format(
                benefit=i18n.label(TARGET_GROUPS, view.current_spell.target_group),
                date=i18n.format_date(view.current_spell.start),
            )
        )
    else:
        benefit = _muted(_("No benefit today"))
    if view.previous_spells:
        earlier = "; ".join(
            _("{benefit} {start} – {end}").format(
                benefit=i18n.label(TARGET_GROUPS, s.target_group),
                start=i18n.format_short_date(s.start),
                end=i18n.format_short_date(s.end) if s.end else "",
            )
            for s in view.previous_spells
        )
        benefit += "<br>" + _muted(_("Earlier: {spells}").format(spells=earlier))

    goals = []
    if view.job_goal:
        goals.append(f"<b>{escape(_('Job goal'))}:</b> {escape(view.job_goal)}")
    if view.education_goal:
        goals.append(f"<b>{escape(_('Education goal'))}:</b> {escape(view.education_goal)}")
    if view.own_words:
        own_words = _("In the citizen's own words")
        goals.append(f"<b>{escape(own_words)}:</b> <i>{escape(view.own_words)}</i>")
    plan = "<br>".join(goals) if goals else _muted(_("No plan yet"))

    if view.milestones:
        items = []
        for m in view.milestones:
            extra = ""
            if m.status == "done" and m.completed_on:
                extra = _("reached {date}").format(date=i18n.format_short_date(m.completed_on))
            elif m.overdue and m.due:
                items.append(
                    f"<li>⚠ {escape(m.title)} <span style='color:{STATUS_COLOURS['overdue']};"
                    " font-weight:600'>"
                    + escape(
                        _("overdue: due {date}, not reached").format(
                            date=i18n.format_short_date(m.due)
                        )
                    )
                    + "</span></li>"
                )
                continue
            elif m.due and m.status not in ("done", "dropped"):
                extra = _("by {date}").format(date=i18n.format_short_date(m.due))
            else:
                extra = i18n.label(MILESTONE_STATUSES, m.status)
            items.append(
                f"<li>{_STATUS_MARK.get(m.status, '')} {escape(m.title)} {_muted('(' + extra + ')')}</li>"
            )
        milestones = "<ul style='margin:0'>" + "".join(items) + "</ul>"
    else:
        milestones = _muted(_("No milestones"))

    if view.next_conversations:
        conversations = (
            "<ul style='margin:0'>"
            + "".join(f"<li>{escape(_conversation_text(c))}</li>" for c in view.next_conversations)
            + "</ul>"
        )
    else:
        conversations = _muted(_("None booked"))
    if view.last_conversation:
        last = view.last_conversation
        conversations += "<br>" + _muted(
            _("Last: {conversation} ({status})").format(
                conversation=_conversation_text(last),
                status=i18n.label(CONVERSATION_STATUSES, last.status),
            )
        )

    offers = (
        "<ul style='margin:0'>"
        + "".join(f"<li>{escape(_offer_text(o))}</li>" for o in view.offers)
        + "</ul>"
        if view.offers
        else _muted(_("No current offers"))
    )

    return "".join(
        [
            "".join(head),
            _section(_("Benefit"), benefit),
            _section(_("Deadlines"), deadlines_html(view.deadlines)),
            _section(_("Min Plan"), plan),
            _section(_("Milestones"), milestones),
            _section(_("Next conversations"), conversations),
            _section(_("Offers"), offers),
        ]
    )


class OverviewPanel(QTextBrowser):
    """Shows ``overview_html`` for the selected citizen, or a hint when none is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setMinimumWidth(320)
        self.setAccessibleName(_("Overview of the citizen"))
        self.show_nothing()

    def show_nothing(self) -> None:
        self.setHtml(_muted(_("Select a citizen in the list to see the overview.")))

    def show_closed(self) -> None:
        """A citizen the team server does not show this login (found by the CPR number)."""
        self.setHtml(
            _muted(_("Another caseworker's citizen: open the case and give a reason to see it."))
        )

    def show_refusal(self, message: str) -> None:
        """The actor may not read this citizen without a reason: say so, show nothing of them."""
        self.setHtml(_muted(message))

    def show_overview(self, view: CitizenOverview) -> None:
        self.setHtml(overview_html(view))

    def show_glimpse(self, glimpse: CitizenGlimpse) -> None:
        self.setHtml(glimpse_html(glimpse))


def glimpse_html(glimpse: CitizenGlimpse) -> str:
    """Another caseload's citizen before a reason is given: who, born when, whose; and how to
    see more (open the citizen and give a reason, which is logged)."""
    return "".join(
        [
            f"<h2 style='margin:0'>{escape(glimpse.name)}</h2>",
            escape(_("Born {date}").format(date=i18n.format_date(glimpse.birth_date))),
            "<br>" + escape(_("Caseworker: {name}").format(name=glimpse.caseworker or _("none"))),
            "<p>"
            + escape(
                _(
                    "This citizen is in another caseload. Open the citizen (Enter) and give a "
                    "reason to see the contact details, the plan and the history; the reason is "
                    "logged."
                )
            )
            + "</p>",
        ]
    )
