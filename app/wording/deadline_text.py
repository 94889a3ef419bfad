"""Deadlines in words: the engine's explanation translated, with dates and codes in plain language."""

from __future__ import annotations

from datetime import date
from typing import Any

from app import i18n
from app.domain.codes import HELD_BY, N_, TARGET_GROUPS
from app.domain.deadlines import Deadline

STATUS_LABELS = {
    "met": N_("met"),
    "met_late": N_("met late"),
    "open": N_("open"),
    "due_soon": N_("due soon"),
    "overdue": N_("overdue"),
}
HOLDERS = {"any": N_("jobcenter or a-kasse")}

# The engine's msgids, marked here so the catalog extracts them.
_MSGIDS = (
    N_("First conversation ({held_by}) by {due}, from {start} on {group} — {source}"),
    N_(
        "A conversation ({held_by}) from {window_start} to {due}, on {group} since {start}"
        " — {source}"
    ),
    N_("{required} conversations ({held_by}) from {window_start} to {due} on {group} — {source}"),
    N_(
        "An offer (ret og pligt) must start by {due}, 6 months into {group} from {start} — {source}"
    ),
    N_(
        "Afklaring after {years} continuous years on {group} (since {chain_start}) by {due} — {source}"
    ),
    N_("Agreed contact every {interval} days; next contact by {due} — {source}"),
    N_("{file}, line {line}, field {name}: {problem}"),
)

#: The titles of the shipped rules (rule files hold English titles; the catalog translates them).
RULE_TITLES = (
    N_("4 follow-up conversations in the first 6 months"),
    N_("4 jobsamtaler in the first 6 months"),
    N_("Afklaring after 2 continuous years (aged 30 or more)"),
    N_("Conversation at 16 months, with the a-kasse taking part"),
    N_("Joint conversation with the a-kasse from month 3 to 6"),
    N_("4 follow-up conversations in the first 6 months (integrationsprogram)"),
    N_("Conversations with the a-kasse in the first 3 months"),
    N_("Early follow-up (tidlig opfølgning) within 2 weeks of the request"),
    N_("First conversation with the a-kasse"),
    N_("First conversation within a week"),
    N_("First follow-up conversation by the end of week 8"),
    N_("Individually agreed contact after the first 6 months"),
    N_("Jobcenter conversations from month 3 to 6"),
    N_("Jobcenter conversations in the first 6 months (visiteret til jobcenter)"),
    N_("Jobcenter conversations in the first 6 months"),
    N_("Ret og pligt: an offer started within 6 months"),
)


def rule_title(title: str) -> str:
    return i18n._(title)


def _param(key: str, value: Any) -> Any:
    if isinstance(value, date):
        return i18n.format_date(value)
    if key == "group":
        return i18n.label(TARGET_GROUPS, value)
    if key == "held_by":
        return i18n._(HOLDERS[value]) if value in HOLDERS else i18n.label(HELD_BY, value).lower()
    return value


def status_label(status: str) -> str:
    return i18n._(STATUS_LABELS.get(status, status))


#: How the period was counted, as the explanation says it (``Deadline.extra`` "anchor").
ANCHORS = {
    "first_request": N_("counted from the first request for help on {start}"),
    "transition": N_("a new period from the move to this benefit on {start}"),
    "absence_unknown": N_(
        "counted from the spell's first day: the first day of absence is not recorded"
    ),
    "statement": N_("counted from the accumulated unemployment reported by the a-kasse"),
}


def notes(deadline: Deadline, as_of: date | None = None) -> list[str]:
    """What a caseworker should know about how a requirement was worked out, in words: how its
    period is counted, a projected date, an exemption, a sick-leave category not recorded, whether
    the a-kasse took part."""
    extra = deadline.details
    said = []
    anchor = extra.get("anchor")
    if anchor in ANCHORS:
        said.append(i18n._(ANCHORS[anchor]).format(start=i18n.format_date(deadline.period_start)))
    if extra.get("counted") == "accumulated":
        text = i18n._("counted in accumulated unemployment (a break moves later dates)")
        if deadline.status in ("open", "due_soon") and (as_of is None or deadline.due > as_of):
            text += " · " + i18n._("the date is a projection")
        said.append(text)
    if "exempt_until" in extra:
        said.append(
            i18n._("moved: exempted from offers until {date}").format(
                date=i18n.format_date(extra["exempt_until"])
            )
        )
    if extra.get("category_unknown"):
        said.append(i18n._("no sick-leave category recorded: kategori 2 rules applied"))
    if extra.get("a_kasse_takes_part"):
        took_part = extra.get("with_a_kasse")
        if took_part is True:
            said.append(i18n._("the a-kasse took part"))
        elif took_part is False:
            said.append(i18n._("the a-kasse did not take part (the citizen may decline)"))
        else:
            said.append(i18n._("the a-kasse takes part unless the citizen declines"))
    return said


def explain(deadline: Deadline, as_of: date | None = None) -> str:
    """E.g. "4 conversations (jobcenter) from 3. mar. 2026 to 2. sep. 2026 on Kontanthjælp … — LAB § 31
    stk. 3; 2 held, 2 to go by 2. sep. 2026"."""
    msgid, params = deadline.explanation
    shown = {key: _param(key, value) for key, value in params.items()}
    text = i18n._(msgid).format(**shown) if msgid else deadline.title
    if deadline.met_on is not None:
        suffix = i18n._("met on {date}").format(date=i18n.format_date(deadline.met_on))
        if deadline.status == "met_late":
            suffix = i18n._("met late, on {date}").format(date=i18n.format_date(deadline.met_on))
    elif deadline.required > 1:
        suffix = i18n._("{done} held, {remaining} to go by {due}").format(
            done=deadline.done,
            remaining=deadline.required - deadline.done,
            due=i18n.format_date(deadline.due),
        )
    elif deadline.status == "overdue":
        suffix = i18n._("overdue since {date}").format(date=i18n.format_date(deadline.due))
    else:
        suffix = i18n._("not met yet")
    said = notes(deadline, as_of)
    return f"{text}; {suffix}" + (f" ({'; '.join(said)})" if said else "")
