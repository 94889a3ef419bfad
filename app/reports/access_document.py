"""Everything Min Plan holds on one citizen, as plain translated text (GDPR art. 15, aktindsigt).

Read from the database in one session: personal data, benefit spells, the plan and every saved
version of it, milestones, offers (with company names), conversations, employment, journal notes
(with their corrections), deadlines put aside and the reasons colleagues gave for opening the
case. Soft-deleted rows are held too, so they are included and marked. Other citizens' names and
company contact persons' names are removed from every free text (``app.domain.redact``).
The access log itself (who looked at the case) is a separate extract.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from app import i18n
from app.domain.codes import (
    CHANNELS,
    CONVERSATION_KINDS,
    CONVERSATION_STATUSES,
    EMPLOYMENT_KINDS,
    HELD_BY,
    LANGUAGES,
    MILESTONE_STATUSES,
    N_,
    OFFER_KINDS,
    OFFER_STATUSES,
    SICK_CATEGORIES,
    TARGET_GROUPS,
)
from app.domain.dates import local_today, utc_to_local
from app.domain.errors import NotFoundError
from app.domain.plan import PLAN_FIELDS
from app.domain.redact import Redactor
from app.store.engine import Database, transaction
from app.store.models import (
    AccessGrant,
    BenefitSpell,
    Caseworker,
    Citizen,
    Company,
    CompanyContact,
    Conversation,
    DeadlineSnooze,
    Employment,
    JournalNote,
    Milestone,
    Offer,
    Plan,
    PlanVersion,
)
from app.store.row_values import saved_id

T = {
    "title": N_("Everything we hold about you"),
    "intro": N_(
        "You asked to see the information the jobcenter keeps about you in Min Plan "
        "(GDPR article 15). Here it is, all of it. Names of other people are removed."
    ),
    "log_note": N_(
        "Who has looked at your case is in the access log. You get it as a separate extract."
    ),
    "removed": N_("[name removed]"),
    "for": N_("For {name}, born {date}"),
    "footer": N_("{municipality} · Everything we hold about you, made on {date}"),
    "none": N_("Nothing is registered."),
    "deleted_on": N_("deleted on {date} (can be restored)"),
    "at": N_("{date} at {time}"),
    "yes": N_("Yes"),
    "no": N_("No"),
}
PARTS = {
    "person": N_("About you"),
    "spells": N_("Benefits"),
    "plan": N_("Your plan now"),
    "versions": N_("Earlier versions of your plan"),
    "milestones": N_("Steps (milestones)"),
    "offers": N_("Offers"),
    "conversations": N_("Conversations"),
    "employment": N_("Jobs and education"),
    "journal": N_("Journal notes"),
    "snoozes": N_("Deadlines put aside"),
    "grants": N_("Reasons given for opening your case"),
}
LABELS = {
    "name": N_("Name"),
    "cpr": N_("CPR number"),
    "birth_date": N_("Date of birth"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "language": N_("Language"),
    "caseworker": N_("Your caseworker"),
    "registered": N_("Registered in Min Plan"),
    "refugee": N_("Refugee or family-reunified"),
    "refugee_year": N_("Year of residence permit"),
    "disability": N_("Disability / reduced functional capacity"),
    "digital_post_exempt": N_("Exempt from digital post"),
    "deleted": N_("Deleted"),
    "from": N_("From"),
    "to": N_("To"),
    "end_reason": N_("Reason for the end"),
    "visited": N_("Referred to the jobcenter"),
    "early_followup": N_("Early follow-up requested"),
    "exempt_75": N_("Exempted from the 75 % rule"),
    "agreed_contact": N_("Agreed contact (days between conversations)"),
    "first_request": N_("First request for help"),
    "absence_start": N_("First day of absence"),
    "sick_category": N_("Sick-leave category"),
    "new_dagpengeperiode": N_("New dagpengeperiode from"),
    "ledighed": N_("Accumulated unemployment (hours), known on"),
    "offer_exempt": N_("Exempt from offers"),
    "work_duty": N_("Arbejdspligt"),
    "updated_on": N_("Last updated"),
    "saved": N_("Saved"),
    "saved_by": N_("Saved by"),
    "printed": N_("Printed or sent"),
    "due": N_("Due"),
    "status": N_("Status"),
    "completed_on": N_("Reached on"),
    "drop_reason": N_("Reason for stopping"),
    "company": N_("Company"),
    "title": N_("Title"),
    "offered_on": N_("Offered on"),
    "planned_end": N_("Planned end"),
    "actual_end": N_("Actual end"),
    "hours_week": N_("Hours a week"),
    "hours_month": N_("Paid hours a month"),
    "completed": N_("Completed"),
    "booked": N_("Booked for"),
    "held_on": N_("Held on"),
    "channel": N_("Form"),
    "held_by": N_("Held by"),
    "with_a_kasse": N_("With the a-kasse"),
    "caseworker_short": N_("Caseworker"),
    "location": N_("Place"),
    "note": N_("Note"),
    "written_on": N_("Written on"),
    "author": N_("Written by"),
    "text": N_("Text"),
    "corrects": N_("Corrects the note of"),
    "corrected_by": N_("Corrected by the note of"),
    "rule": N_("Deadline"),
    "until": N_("Put aside until"),
    "reason": N_("Reason"),
    "opened_on": N_("Opened on"),
    "version": N_("Version {number}"),
}


@dataclass(frozen=True)
class Entry:
    """One record: a heading line and its fields (label, value), already translated."""

    heading: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class AccessDocument:
    citizen_id: int
    name: str
    birth_date: date
    made_on: date
    language: str
    parts: tuple[Part, ...]
    #: Names removed from free text (other citizens, contact persons).
    redacted: int = 0
    #: Records disclosed per part (for the audit event).
    counts: dict[str, int] = field(default_factory=dict)


class _Writer:
    """Formats values in the document's language and removes other people's names."""

    def __init__(self, lang: str, redactor: Redactor) -> None:
        self.lang = lang
        self.t: Callable[[str], str] = i18n.gettext_for(lang)
        self.redactor = redactor

    def day(self, value: date | None) -> str:
        return i18n.format_date_in(value, self.lang, "long")

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = utc_to_local(value)
        return self.t(T["at"]).format(date=self.day(local.date()), time=local.strftime("%H.%M"))

    def flag(self, value: bool | None) -> str:
        if value is None:
            return ""
        return self.t(T["yes"] if value else T["no"])

    def code(self, vocabulary: Mapping[str, str], value: str | None) -> str:
        return (
            self.t(vocabulary[value])
            if value is not None and value in vocabulary
            else (value or "")
        )

    def number(self, value: float | None) -> str:
        if value is None:
            return ""
        text = f"{value:g}"
        return text.replace(".", ",") if self.lang == "da" else text

    def free(self, text: str | None) -> str:
        return self.redactor.redact(text) or ""

    def entry(self, heading: str, pairs: list[tuple[str, str]]) -> Entry:
        return Entry(heading, tuple((self.t(LABELS[key]), value) for key, value in pairs if value))


def _redactor(session: Session, citizen: Citizen, placeholder: str) -> Redactor:
    people = session.exec(
        select(col(Citizen.first_name), col(Citizen.last_name)).where(col(Citizen.id) != citizen.id)
    ).all()
    contacts = session.exec(
        select(col(CompanyContact.contact_person))
        .where(col(CompanyContact.contact_person).is_not(None))
        .distinct()
    ).all()
    return Redactor.build(
        placeholder,
        people,
        [c for c in contacts if c is not None],  # all of them: the query's condition
        keep=[(citizen.first_name, citizen.last_name)],
    )


def access_document(
    db: Database,
    citizen_id: int,
    *,
    language: str | None = None,
    today: date | None = None,
    rule_titles: Mapping[str, str] | None = None,
) -> AccessDocument:
    """The citizen's complete record, soft-deleted parts included, in their language.

    ``rule_titles`` names the deadline rules (rule id → English msgid) for deadlines put aside."""
    with transaction(db) as s:
        citizen = s.get(Citizen, citizen_id)
        if citizen is None:
            raise NotFoundError("The citizen no longer exists")
        lang = i18n.normalise_language(language or citizen.language)
        w = _Writer(lang, _redactor(s, citizen, i18n.gettext_for(lang)(T["removed"])))
        workers: dict[int | None, Caseworker] = {c.id: c for c in s.exec(select(Caseworker)).all()}
        parts = [
            _person(w, citizen, workers),
            _spells(w, s, citizen_id),
            _plan(w, s, citizen_id),
            _versions(w, s, citizen_id),
            _milestones(w, s, citizen_id),
            _offers(w, s, citizen_id),
            _conversations(w, s, citizen_id, workers),
            _employment(w, s, citizen_id),
            _journal(w, s, citizen_id, workers),
            _snoozes(w, s, citizen_id, rule_titles or {}),
            _grants(w, s, citizen_id, workers),
        ]
        return AccessDocument(
            citizen_id=citizen_id,
            name=f"{citizen.first_name} {citizen.last_name}",
            birth_date=citizen.birth_date,
            made_on=today or local_today(),
            language=lang,
            parts=tuple(parts),
            redacted=w.redactor.count,
            counts={p.key: len(p.entries) for p in parts},
        )


def _part(w: _Writer, key: str, entries: list[Entry]) -> Part:
    return Part(key, w.t(PARTS[key]), tuple(entries))


def _deleted(w: _Writer, when: datetime | None) -> str:
    return w.t(T["deleted_on"]).format(date=w.day(utc_to_local(when).date())) if when else ""


def _person(w: _Writer, c: Citizen, workers: dict[int | None, Caseworker]) -> Part:
    worker = workers.get(c.caseworker_id)
    address = ", ".join(
        p for p in (c.address, " ".join(filter(None, (c.postal_code, c.city)))) if p
    )
    pairs = [
        ("name", f"{c.first_name} {c.last_name}"),
        ("cpr", f"{c.cpr[:6]}-{c.cpr[6:]}"),
        ("birth_date", w.day(c.birth_date)),
        ("address", address),
        ("phone", c.phone or ""),
        ("email", c.email or ""),
        ("language", w.code(LANGUAGES, c.language)),
        ("caseworker", worker.name if worker else ""),
        ("registered", w.day(utc_to_local(c.created_at).date())),
        ("refugee", w.flag(c.refugee_or_reunified)),
        ("refugee_year", str(c.refugee_year) if c.refugee_year else ""),
        ("disability", w.flag(c.disability)),
        ("digital_post_exempt", w.flag(c.digital_post_exempt)),
        ("deleted", _deleted(w, c.deleted_at)),
    ]
    return _part(w, "person", [w.entry("", pairs)])


def _spells(w: _Writer, s: Session, citizen_id: int) -> Part:
    rows = s.exec(
        select(BenefitSpell)
        .where(col(BenefitSpell.citizen_id) == citizen_id)
        .order_by(col(BenefitSpell.start_date))
    ).all()
    return _part(
        w,
        "spells",
        [
            w.entry(
                w.code(TARGET_GROUPS, r.target_group),
                [
                    ("from", w.day(r.start_date)),
                    ("to", w.day(r.end_date)),
                    ("end_reason", w.free(r.end_reason)),
                    ("visited", w.flag(r.visited_to_jobcenter) if r.visited_to_jobcenter else ""),
                    ("early_followup", w.day(r.early_followup_requested_on)),
                    (
                        "exempt_75",
                        w.free(r.exempt_75_reason) or w.flag(True) if r.exempt_75 else "",
                    ),
                    ("agreed_contact", str(r.agreed_contact_days or "")),
                    ("first_request", w.day(r.first_request_on)),
                    ("absence_start", w.day(r.absence_start_on)),
                    (
                        "sick_category",
                        w.code(SICK_CATEGORIES, r.sick_category) if r.sick_category else "",
                    ),
                    ("new_dagpengeperiode", w.day(r.new_dagpengeperiode_on)),
                    (
                        "ledighed",
                        f"{r.ledighed_hours:g}, {w.day(r.ledighed_on)}"
                        if r.ledighed_hours is not None
                        else "",
                    ),
                    (
                        "offer_exempt",
                        f"{w.day(r.offer_exempt_from)} – {w.day(r.offer_exempt_to)}"
                        if r.offer_exempt_from
                        else "",
                    ),
                    ("work_duty", w.flag(True) if r.work_duty else ""),
                ],
            )
            for r in rows
        ],
    )


def _plan_fields(w: _Writer, fields: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, w.free(fields.get(key))) for key in PLAN_FIELDS if fields.get(key)]


def _plan(w: _Writer, s: Session, citizen_id: int) -> Part:
    plan = s.exec(select(Plan).where(col(Plan.citizen_id) == citizen_id)).first()
    if plan is None:
        return _part(w, "plan", [])
    fields = {key: getattr(plan, key) for key in PLAN_FIELDS}
    pairs = [(w.t(PLAN_FIELDS[key]), value) for key, value in _plan_fields(w, fields)]
    pairs.append((w.t(LABELS["updated_on"]), w.day(plan.updated_on)))
    return _part(w, "plan", [Entry("", tuple((k, v) for k, v in pairs if v))])


def _versions(w: _Writer, s: Session, citizen_id: int) -> Part:
    """Each saved version with what it said where it differed from the version before."""
    rows = s.exec(
        select(PlanVersion)
        .where(col(PlanVersion.citizen_id) == citizen_id)
        .order_by(col(PlanVersion.number))
    ).all()
    entries = []
    before: dict[str, Any] = {}
    before_steps: list[Any] = []
    for r in rows:
        snapshot = json.loads(r.snapshot)
        fields = snapshot.get("fields") or {}
        steps = [m.get("title", "") for m in snapshot.get("milestones") or []]
        pairs = [
            (w.t(LABELS["saved"]), w.moment(r.saved_at)),
            (w.t(LABELS["saved_by"]), r.saved_by or ""),
            (w.t(LABELS["printed"]), w.moment(r.printed_at)),
        ]
        pairs += [
            (w.t(PLAN_FIELDS[key]), value)
            for key, value in _plan_fields(w, fields)
            if fields.get(key) != before.get(key)
        ]
        if steps != before_steps and steps:
            pairs.append((w.t(PARTS["milestones"]), "\n".join(w.free(t) for t in steps)))
        entries.append(
            Entry(
                w.t(LABELS["version"]).format(number=r.number), tuple((k, v) for k, v in pairs if v)
            )
        )
        before, before_steps = fields, steps
    return _part(w, "versions", entries)


def _milestones(w: _Writer, s: Session, citizen_id: int) -> Part:
    rows = s.exec(
        select(Milestone)
        .where(col(Milestone.citizen_id) == citizen_id)
        .order_by(col(Milestone.position), col(Milestone.id))
    ).all()
    return _part(
        w,
        "milestones",
        [
            w.entry(
                w.free(r.title),
                [
                    ("due", w.day(r.due)),
                    ("status", w.code(MILESTONE_STATUSES, r.status)),
                    ("completed_on", w.day(r.completed_on)),
                    ("drop_reason", w.free(r.drop_reason)),
                    ("deleted", _deleted(w, r.deleted_at)),
                ],
            )
            for r in rows
        ],
    )


def _offers(w: _Writer, s: Session, citizen_id: int) -> Part:
    rows = s.exec(
        select(Offer, col(Company.name))
        .outerjoin(Company, col(Company.id) == col(Offer.company_id))
        .where(col(Offer.citizen_id) == citizen_id)
        .order_by(col(Offer.start_date), col(Offer.id))
    ).all()
    return _part(
        w,
        "offers",
        [
            w.entry(
                w.code(OFFER_KINDS, o.kind),
                [
                    ("company", company or ""),
                    ("title", w.free(o.title)),
                    ("offered_on", w.day(o.offered_on)),
                    ("from", w.day(o.start_date)),
                    ("planned_end", w.day(o.planned_end)),
                    ("actual_end", w.day(o.actual_end)),
                    ("hours_week", w.number(o.hours_per_week)),
                    ("status", w.code(OFFER_STATUSES, o.status)),
                    ("deleted", _deleted(w, o.deleted_at)),
                ],
            )
            for o, company in rows
        ],
    )


def _conversations(
    w: _Writer, s: Session, citizen_id: int, workers: dict[int | None, Caseworker]
) -> Part:
    rows = s.exec(
        select(Conversation)
        .where(col(Conversation.citizen_id) == citizen_id)
        .order_by(col(Conversation.scheduled_at), col(Conversation.id))
    ).all()
    return _part(
        w,
        "conversations",
        [
            w.entry(
                w.code(CONVERSATION_KINDS, r.kind),
                [
                    ("booked", w.moment(r.scheduled_at)),
                    ("held_on", w.day(r.held_on)),
                    ("status", w.code(CONVERSATION_STATUSES, r.status)),
                    ("channel", w.code(CHANNELS, r.channel)),
                    ("held_by", w.code(HELD_BY, r.held_by)),
                    ("with_a_kasse", w.flag(r.with_a_kasse) if r.with_a_kasse else ""),
                    ("caseworker_short", _initials(workers, r.caseworker_id)),
                    ("location", w.free(r.location)),
                    ("note", w.free(r.note)),
                ],
            )
            for r in rows
        ],
    )


def _employment(w: _Writer, s: Session, citizen_id: int) -> Part:
    rows = s.exec(
        select(Employment, col(Company.name))
        .outerjoin(Company, col(Company.id) == col(Employment.company_id))
        .where(col(Employment.citizen_id) == citizen_id)
        .order_by(col(Employment.start_date), col(Employment.id))
    ).all()
    return _part(
        w,
        "employment",
        [
            w.entry(
                w.code(EMPLOYMENT_KINDS, e.kind),
                [
                    ("company", company or ""),
                    ("from", w.day(e.start_date)),
                    ("to", w.day(e.end_date)),
                    ("hours_week", w.number(e.hours_per_week)),
                    ("hours_month", w.number(e.hours_per_month)),
                    ("completed", w.flag(e.completed)),
                ],
            )
            for e, company in rows
        ],
    )


def _initials(workers: dict[int | None, Caseworker], caseworker_id: int | None) -> str:
    worker = workers.get(caseworker_id)
    return worker.initials if worker else ""


def _journal(
    w: _Writer, s: Session, citizen_id: int, workers: dict[int | None, Caseworker]
) -> Part:
    rows = s.exec(
        select(JournalNote)
        .where(col(JournalNote.citizen_id) == citizen_id)
        .order_by(col(JournalNote.written_on), col(JournalNote.id))
    ).all()
    written = {r.id: r.written_on for r in rows}
    corrected: dict[int, list[date]] = {}
    for r in rows:
        if r.corrects_id:
            corrected.setdefault(r.corrects_id, []).append(r.written_on)
    return _part(
        w,
        "journal",
        [
            w.entry(
                w.day(r.written_on),
                [
                    ("author", _initials(workers, r.caseworker_id)),
                    ("corrects", w.day(written.get(r.corrects_id)) if r.corrects_id else ""),
                    ("corrected_by", ", ".join(w.day(d) for d in corrected.get(saved_id(r), []))),
                    ("text", w.free(r.text)),
                ],
            )
            for r in rows
        ],
    )


def _snoozes(w: _Writer, s: Session, citizen_id: int, titles: Mapping[str, str]) -> Part:
    rows = s.exec(
        select(DeadlineSnooze)
        .where(col(DeadlineSnooze.citizen_id) == citizen_id)
        .order_by(col(DeadlineSnooze.due))
    ).all()
    return _part(
        w,
        "snoozes",
        [
            w.entry(
                w.t(titles[r.rule_id]) if r.rule_id in titles else r.rule_id,
                [("due", w.day(r.due)), ("until", w.day(r.until)), ("reason", w.free(r.reason))],
            )
            for r in rows
        ],
    )


def _grants(w: _Writer, s: Session, citizen_id: int, workers: dict[int | None, Caseworker]) -> Part:
    rows = s.exec(
        select(AccessGrant)
        .where(col(AccessGrant.citizen_id) == citizen_id)
        .order_by(col(AccessGrant.granted_at))
    ).all()
    return _part(
        w,
        "grants",
        [
            w.entry(
                w.moment(r.granted_at),
                [
                    ("caseworker_short", _initials(workers, r.caseworker_id)),
                    ("reason", w.free(r.reason)),
                ],
            )
            for r in rows
        ],
    )
