"""Readable words for audit events: for the caseworker's "Historik", the team lead's "Adgangslog"
and its export, and plain sentences for the citizen's own access-log extract.

Everything is an English msgid, translated where it is shown (the extract in the citizen's
language, whatever the caseworker's).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.codes import (
    CHANNELS,
    COMPANY_CONTACT_KINDS,
    CONVERSATION_KINDS,
    CONVERSATION_STATUSES,
    EMPLOYMENT_KINDS,
    HELD_BY,
    LANGUAGES,
    MILESTONE_STATUSES,
    OFFER_KINDS,
    OFFER_STATUSES,
    RECRUITMENT_ORDER_STATUSES,
    ROLES,
    TARGET_GROUPS,
)
from app.domain.dates import utc_to_local
from app.domain.errors import ValidationError
from app.domain.identifiers import masked_cpr
from app.i18n import N_, _, format_datetime, format_number, label, ngettext
from app.wording.field_labels import field_label

#: Areas of the case (``AuditEvent.entity``).
ENTITIES = {
    "citizen": N_("Citizen"),
    "benefit_spell": N_("Benefit spell"),
    "plan": N_("Plan"),
    "milestone": N_("Milestone"),
    "offer": N_("Offer"),
    "conversation": N_("Conversation"),
    "employment": N_("Employment"),
    "journal_note": N_("Journal note"),
    "plan_version": N_("Printed plan"),
    "deadline_snooze": N_("Deadline"),
    "company": N_("Company"),
    "company_contact": N_("Company contact"),
    "recruitment_order": N_("Recruitment order"),
    "goal_target": N_("Goal target"),
    "app_setting": N_("Setting"),
    "audit_event": N_("Access log"),
    "audit_purge": N_("Access log"),
    "caseworker": N_("User"),
    "goal_plan": N_("Goal plan"),
    "database": N_("Database"),
}

#: What was done (``AuditEvent.action``), as a short verb phrase for tables.
ACTIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "restore": N_("restored"),
    "hand_over": N_("handed over"),
    "book_conversation": N_("booked"),
    "record_conversation": N_("recorded"),
    "reschedule": N_("moved"),
    "end_offer": N_("ended"),
    "extend_offer": N_("extended"),
    "cancel_offer": N_("cancelled"),
    "change_benefit": N_("benefit changed"),
    "end_spell": N_("ended"),
    "end_employment": N_("ended"),
    "change_flexjob_hours": N_("hours changed"),
    "correct_note": N_("correction written"),
    "reorder": N_("moved in the list"),
    "print_plan": N_("printed"),
    "search_journal": N_("journal searched"),
    "view": N_("opened"),
    "search": N_("searched"),
    "list": N_("shown in a list"),
    "snooze_deadline": N_("put aside"),
    "set_goal_target": N_("target set"),
    "change_setting": N_("setting changed"),
    "export": N_("database exported"),
    "import": N_("bundle imported"),
    "export_calendar": N_("calendar exported"),
    "export_indicators": N_("indicators exported"),
    "export_deadlines": N_("deadlines exported"),
    "export_list": N_("list exported"),
    "print_list": N_("list printed"),
    "demo_data": N_("demo data written"),
    "search_access_log": N_("access log searched"),
    "export_access_log": N_("access log exported"),
    "access_log_extract": N_("access-log extract made"),
    "purge_audit": N_("old access log deleted (retention)"),
    # written by the team server itself for a change made outside Min Plan (e.g. with psql)
    "db_insert": N_("added directly in the database"),
    "db_update": N_("changed directly in the database"),
    "db_delete": N_("deleted directly in the database"),
    "backup": N_("database copied (backup)"),
    "export_audit_key": N_("access-log key exported"),
    "create_user": N_("user created"),
    "update_user": N_("user changed"),
    "change_role": N_("role changed"),
    "activate_user": N_("user activated"),
    "deactivate_user": N_("user deactivated"),
    "create_goal_plan": N_("goal plan created"),
    "edit_goal_plan": N_("goal plan changed"),
    "delete_goal_plan": N_("goal plan deleted"),
    "access_request": N_("access request made as PDF"),
    "retention_list": N_("citizens due for erasure listed"),
    "erase": N_("citizen erased (retention)"),
    "database.rekey": N_("database key changed"),
    "database.encrypt": N_("database encrypted"),
    "database.recover": N_("database key recovered"),
}

#: Plain sentences for the citizen (their own extract), by action; ``{area}`` is ``AREAS``.
CITIZEN_TEXTS = {
    "view": N_("Your case was opened"),
    "view_overview": N_("Your overview was shown in the list of citizens"),
    "found": N_("You were among the results of a search"),
    "listed": N_("You were shown in a list"),
    "search_journal": N_("Your journal was searched"),
    "create": N_("{area} was registered"),
    "update": N_("{area} was changed"),
    "delete": N_("{area} was deleted"),
    "restore": N_("{area} was restored"),
    "hand_over": N_("Your case was handed over to another caseworker"),
    "book_conversation": N_("A conversation was booked"),
    "record_conversation": N_("A conversation was registered as held, cancelled or missed"),
    "reschedule": N_("A conversation was moved"),
    "end_offer": N_("An offer was ended"),
    "extend_offer": N_("An offer was extended"),
    "cancel_offer": N_("An offer was cancelled"),
    "change_benefit": N_("Your benefit was changed"),
    "end_spell": N_("A period on a benefit was ended"),
    "end_employment": N_("A job or an education was ended"),
    "change_flexjob_hours": N_("The hours of your flex job were changed"),
    "correct_note": N_("A correction was added to your journal"),
    "reorder": N_("The order of the steps in your plan was changed"),
    "print_plan": N_("Your plan was printed or saved as a PDF file"),
    "snooze_deadline": N_("A deadline in your case was put aside"),
    "export_calendar": N_("A booked conversation was put in a caseworker's calendar file"),
    "export_deadlines": N_("Your deadlines were exported in a list"),
    "export_list": N_("You were named in a list saved as a spreadsheet"),
    "print_list": N_("You were named in a list printed on paper"),
    "search_access_log": N_("This access log was searched for your case"),
    "export_access_log": N_("This access log was exported for your case"),
    "access_log_extract": N_("An extract of this access log was made"),
    "import": N_("Your information was imported into Min Plan"),
    "db_insert": N_("{area} was registered"),
    "db_update": N_("{area} was changed"),
    "db_delete": N_("{area} was deleted"),
    "other": N_("Your information was used"),
}

#: The area in a citizen's sentence ("Your plan was changed").
AREAS = {
    "citizen": N_("Your personal information"),
    "benefit_spell": N_("A period on a benefit"),
    "plan": N_("Your plan"),
    "milestone": N_("A step in your plan"),
    "offer": N_("An offer"),
    "conversation": N_("A conversation"),
    "employment": N_("A job or an education"),
    "journal_note": N_("A note in your journal"),
    "deadline_snooze": N_("A deadline"),
}

#: Purposes where the event names none (the citizen is told why their data was used).
DEFAULT_PURPOSES = {
    "print_plan": N_("Handing out your plan"),
    "export_calendar": N_("Booking a conversation"),
    "search_access_log": N_("Checking the access log"),
    "export_access_log": N_("Checking the access log"),
    "access_log_extract": N_("Your request for access"),
}
DEFAULT_PURPOSE = N_("Casework in the jobcenter")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def details_of(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def changes_of(details: dict[str, Any]) -> tuple[FieldChange, ...]:
    old, new = details.get("old") or {}, details.get("new") or {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ()
    return tuple(
        FieldChange(k, old.get(k), new.get(k))
        for k in sorted(set(old) | set(new))
        if old.get(k) != new.get(k)
    )


def action_label(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


def entity_label(entity: str | None) -> str:
    return _(ENTITIES[entity]) if entity in ENTITIES else (entity or "")


def value_text(value: object) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


#: Codes shown by their label: by field, or by the area and field ("status" of an offer).
_BY_FIELD: dict[str, Mapping[str, str]] = {
    "target_group": TARGET_GROUPS,
    "channel": CHANNELS,
    "held_by": HELD_BY,
    "language": LANGUAGES,
    "role": ROLES,
}
_BY_AREA: dict[tuple[str, str], Mapping[str, str]] = {
    ("offer", "kind"): OFFER_KINDS,
    ("offer", "status"): OFFER_STATUSES,
    ("conversation", "kind"): CONVERSATION_KINDS,
    ("conversation", "status"): CONVERSATION_STATUSES,
    ("employment", "kind"): EMPLOYMENT_KINDS,
    ("milestone", "status"): MILESTONE_STATUSES,
    ("company_contact", "kind"): COMPANY_CONTACT_KINDS,
    ("recruitment_order", "status"): RECRUITMENT_ORDER_STATUSES,
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Names:
    """Ids in changes shown as people and companies know them (initials, company name)."""

    caseworkers: Mapping[int, str] = field(default_factory=dict)
    companies: Mapping[int, str] = field(default_factory=dict)


def _shown(name: str, value: object, entity: str | None, names: Names) -> str:
    """A changed value for a table or an export, readable: codes by their label, dates the Danish
    way, ids by name, and a CPR number only as its birth-date part."""
    if value is None or value == "" or isinstance(value, bool):
        return value_text(value)
    if name == "cpr" and isinstance(value, str):
        try:
            return masked_cpr(value)
        except ValidationError:
            return "******-****"
    if name == "caseworker_id" and isinstance(value, int):
        return names.caseworkers.get(value, str(value))
    if name == "company_id" and isinstance(value, int):
        return names.companies.get(value, str(value))
    vocabulary = _BY_AREA.get((entity or "", name)) or _BY_FIELD.get(name)
    if vocabulary is not None and isinstance(value, str):
        return label(vocabulary, value)
    if isinstance(value, str) and _DATE.match(value):
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if isinstance(value, str) and _INSTANT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = utc_to_local(moment)
        return format_datetime(moment)
    if isinstance(value, float):
        return format_number(value, 0 if value.is_integer() else 1)
    return value_text(value)


def referenced_ids(details: dict[str, Any], name: str) -> set[int]:
    """The ids a change names in field ``name`` (to look their names up in one query)."""
    found = set()
    for side in ("old", "new"):
        value = (details.get(side) or {}).get(name) if isinstance(details.get(side), dict) else None
        if isinstance(value, int):
            found.add(value)
    return found


def describe(
    details: dict[str, Any],
    *,
    entity: str | None = None,
    purpose: str | None = None,
    criterion: str | None = None,
    found: bool = False,
    names: Names | None = None,
) -> str:
    """One line: the changed fields old → new, the reason, the search, how many were found."""
    names = names or Names()
    parts = [
        f"{field_label(c.field)}: {_shown(c.field, c.old, entity, names)} → "
        f"{_shown(c.field, c.new, entity, names)}"
        for c in changes_of(details)
    ]
    if purpose:
        parts.append(_("reason: {text}").format(text=purpose))
    if criterion:
        parts.append(_("search: {text}").format(text=criterion))
    if found:
        parts.append(_("this citizen was among the hits"))
    elif isinstance(details.get("hits"), int):
        parts.append(ngettext("{n} hit", "{n} hits", details["hits"]).format(n=details["hits"]))
    return "; ".join(parts)


def citizen_sentence(
    action: str,
    entity: str | None,
    details: dict[str, Any],
    *,
    found: bool,
    t: Callable[[str], str] = _,
) -> str:
    """What happened, in a plain sentence for the citizen (no field values, no names)."""
    if found:
        key = "found" if action == "search" else action if action in CITIZEN_TEXTS else "listed"
    elif action == "view" and details.get("part") == "overview":
        key = "view_overview"
    else:
        key = action if action in CITIZEN_TEXTS else "other"
    area = t(AREAS[entity]) if entity in AREAS else t(AREAS["citizen"])
    return t(CITIZEN_TEXTS[key]).format(area=area)


def citizen_purpose(action: str, purpose: str | None, t: Callable[[str], str] = _) -> str:
    if purpose:
        return purpose
    return t(DEFAULT_PURPOSES.get(action, DEFAULT_PURPOSE))


def break_text(broken: Any) -> str:
    """A verification's first break (``app.store.audit_verify.Break``) in the user's language."""
    from app import i18n

    params = dict(broken.params)
    if "problem_params" in params:  # a break found in one checkpoint file of several
        params["problem"] = _(params["problem"]).format(**params.pop("problem_params"))
    return _("The access log is broken at event {seq} ({when}): {problem}").format(
        seq=broken.seq if broken.seq is not None else "?",
        when=i18n.format_datetime_local(broken.when) if broken.when else "–",
        problem=_(broken.message).format(**params),
    )
