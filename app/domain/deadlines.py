"""The deadline engine: which conversations and offers the law requires of each benefit spell, and
whether they were met, on time or late, or are open, due soon or overdue — with an explanation.

Pure: plain facts in (spells, conversations, offers, birth date), ``Deadline`` values out. The date
arithmetic follows shared/domain.md §4 exactly; ``due`` is always the last day that is on time.

It works in two steps, so that a database can keep the first step's result and answer for a whole
jobcenter at once:

1. ``requirements(facts, rule_sets, horizon)`` — what the rules require and the days that count
   towards each requirement. It does not depend on the day you look: it is a function of the
   facts alone (periodic assessments are generated up to ``horizon``).
2. ``classify(requirement, as_of)`` — the requirement as seen on a day: only days up to ``as_of``
   count; the status follows from the due date and the day it was met.

``compute(facts, rule_sets, as_of)`` does both for one citizen.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from app.domain.dates import add_months
from app.domain.deadline_rules import Offset, Rule, RuleSet
from app.domain.identifiers import age_on

DUE_SOON_DAYS = 7
STATUSES = ("met", "met_late", "open", "due_soon", "overdue")
#: Conversation kinds that count as a conversation for count and first-conversation rules.
COUNTING_KINDS = frozenset({"jobsamtale", "opfoelgning", "afklaring"})
#: Periodic assessments are shown this long before they fall due.
ASSESSMENT_LEAD_DAYS = 400

#: The explanation of each kind of rule: an English msgid, translated by ``app.casework.deadline_text``.
EXPLANATIONS = {
    "first_by": "First conversation ({held_by}) by {due}, from {start} on {group} — {source}",
    # A one-off conversation in a later window (the 16-month samtale, tidlig opfølgning).
    "first_by_later": (
        "A conversation ({held_by}) from {window_start} to {due}, on {group} since {start}"
        " — {source}"
    ),
    "count_in_window": (
        "{required} conversations ({held_by}) from {window_start} to {due} on {group} — {source}"
    ),
    "offer_by": (
        "An offer (ret og pligt) must start by {due}, 6 months into {group} from {start} — {source}"
    ),
    "assessment_after": (
        "Afklaring after {years} continuous years on {group} (since {chain_start}) by {due}"
        " — {source}"
    ),
    "agreed_contact": "Agreed contact every {interval} days; next contact by {due} — {source}",
}


class SpellFacts(NamedTuple):
    target_group: str
    start: date
    end: date | None = None  # the last day on the benefit; None = ongoing
    visited_to_jobcenter: bool = False
    early_followup_requested_on: date | None = None
    agreed_contact_days: int | None = None
    #: Exempted from the 75 % rule after a concrete assessment (LAB 2026); the deadlines still apply.
    exempt_75: bool = False


class ConversationFacts(NamedTuple):
    day: date  # the day it was held (or is booked for)
    status: str  # planned / held / cancelled / no_show
    held_by: str = "jobcenter"
    kind: str = "jobsamtale"
    channel: str = "in_person"


class OfferFacts(NamedTuple):
    kind: str
    start: date | None
    planned_end: date | None = None
    offered_on: date | None = None
    status: str = "planned"


class CitizenFacts(NamedTuple):
    birth_date: date
    spells: Sequence[SpellFacts]
    conversations: Sequence[ConversationFacts] = ()
    offers: Sequence[OfferFacts] = ()


class Requirement(NamedTuple):
    """What a rule requires of one spell, independent of the day you look.

    ``days`` are the days that count towards it (held conversations, or offer starts), sorted and
    cut to the first ``required``: the requirement is met on ``days[required - 1]``. ``extra``
    holds the parameters only some explanations need (years of an afklaring, an agreed interval).
    """

    rule: Rule
    rule_set: str
    target_group: str
    spell_start: date
    exempt_75: bool
    window_start: date
    due: date
    required: int
    days: tuple[date, ...]
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def met_on(self) -> date | None:
        """The day it was met, counting every day the facts hold (history and today alike)."""
        return self.days[self.required - 1] if len(self.days) >= self.required else None


class Deadline(NamedTuple):
    """A requirement as seen on a day (a named tuple: a whole jobcenter makes 200 000 of them)."""

    rule_id: str
    rule_set: str
    kind: str
    title: str
    held_by: str
    target_group: str
    spell_start: date
    window_start: date
    due: date
    required: int
    done: int
    status: str
    met_on: date | None
    source: str
    confidence: str
    #: For open count requirements: the latest day to hold the next conversation so that the rest
    #: still fit one week apart before ``due``.
    next_by: date | None = None
    exempt_75: bool = False
    #: Parameters only some explanations need (the years of an afklaring, an agreed interval).
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "due_soon", "overdue")

    @property
    def explanation(self) -> tuple[str, dict[str, Any]]:
        """An English msgid and its parameters, translated by the caller (``app.i18n``)."""
        params: dict[str, Any] = dict(
            self.extra,
            required=self.required,
            done=self.done,
            remaining=self.required - self.done,
            due=self.due,
            start=self.spell_start,
            group=self.target_group,
            source=self.source,
            met_on=self.met_on,
            window_start=self.window_start,
            held_by=self.held_by,
        )
        kind = self.kind
        if kind == "first_by" and self.window_start != self.spell_start:
            kind = "first_by_later"
        return EXPLANATIONS.get(kind, ""), params


def shift(start: date, offset: Offset) -> date:
    """``start`` moved by an offset, per domain.md §4."""
    if offset.unit == "days":
        return start + timedelta(days=offset.amount)
    if offset.unit == "weeks":
        return start + timedelta(days=7 * offset.amount)
    if offset.unit == "end_of_week":
        return start + timedelta(days=7 * offset.amount - 1)
    return add_months(start, offset.amount)


def status_of(due: date, met_on: date | None, as_of: date, *, soon: int = DUE_SOON_DAYS) -> str:
    if met_on is not None:
        return "met" if met_on <= due else "met_late"
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= soon:
        return "due_soon"
    return "open"


def rule_set_for(rule_sets: Iterable[RuleSet], day: date) -> RuleSet | None:
    return next((rs for rs in rule_sets if rs.in_force_on(day)), None)


# --- step 2: a requirement as seen on a day -------------------------------------------------------
def classify_values(
    rule: Rule,
    rule_set: str,
    target_group: str,
    spell_start: date,
    exempt_75: bool,
    window_start: date,
    due: date,
    required: int,
    days: Sequence[date],
    extra: tuple[tuple[str, Any], ...],
    as_of: date,
    soon: int = DUE_SOON_DAYS,
) -> Deadline:
    """``classify`` on plain values (the database keeps requirements as rows, not objects)."""
    done = bisect_right(days, as_of)
    if done >= required:
        done = required
        met_on = days[required - 1]
        status = "met" if met_on <= due else "met_late"
        next_by = None
    else:
        met_on = None
        status = status_of(due, None, as_of, soon=soon)
        next_by = (
            max(window_start, due - timedelta(days=7 * (required - done - 1)))
            if required > 1
            else None
        )
    return Deadline(
        rule.id,
        rule_set,
        rule.kind,
        rule.title,
        rule.held_by,
        target_group,
        spell_start,
        window_start,
        due,
        required,
        done,
        status,
        met_on,
        rule.source,
        rule.confidence,
        next_by,
        exempt_75,
        extra,
    )


def classify(requirement: Requirement, as_of: date, *, soon: int = DUE_SOON_DAYS) -> Deadline:
    """The requirement on ``as_of``: days after it do not count yet."""
    return classify_values(*requirement, as_of, soon)  # type: ignore[arg-type]


def visible_on(kind: str, spell_start: date, window_start: date, due: date, as_of: date) -> bool:
    """Whether a requirement exists yet on ``as_of``: its spell has started; an agreed contact once
    its interval has begun; a periodic assessment from ``ASSESSMENT_LEAD_DAYS`` before it is due."""
    if spell_start > as_of:
        return False
    if kind == "agreed_contact":
        return window_start <= as_of
    if kind == "assessment_after":
        return due <= as_of + timedelta(days=ASSESSMENT_LEAD_DAYS)
    return True


def visible(requirement: Requirement, as_of: date) -> bool:
    r = requirement
    return visible_on(r.rule.kind, r.spell_start, r.window_start, r.due, as_of)


# --- step 1: what the rules require ---------------------------------------------------------------
def _held(
    conversations: Sequence[ConversationFacts], rule: Rule, spell: SpellFacts, start: date
) -> list[date]:
    """Days of held conversations that count for ``rule`` during ``spell`` from ``start``, sorted."""
    kinds = rule.conversation_kinds or COUNTING_KINDS
    end = spell.end
    by = rule.held_by
    channel = rule.channel
    days = [
        c.day
        for c in conversations
        if c.status == "held"
        and c.day >= start
        and (end is None or c.day <= end)
        and c.kind in kinds
        and (by == "any" or c.held_by == by)
        and (channel is None or c.channel == channel)
    ]
    days.sort()
    return days


def _applies(rule: Rule, spell: SpellFacts) -> bool:
    if rule.only_if == "visited_to_jobcenter" and not spell.visited_to_jobcenter:
        return False
    if rule.unless == "visited_to_jobcenter" and spell.visited_to_jobcenter:
        return False
    return True


def _generated(spell: SpellFacts, due: date) -> bool:
    """A requirement due after the spell ended is not generated (domain.md §4)."""
    return spell.end is None or due <= spell.end


class _Builder:
    def __init__(
        self, facts: CitizenFacts, rule_set: RuleSet, spell: SpellFacts, horizon: date
    ) -> None:
        self.facts, self.rule_set, self.spell, self.horizon = facts, rule_set, spell, horizon

    def make(
        self,
        rule: Rule,
        window_start: date,
        due: date,
        required: int,
        days: list[date],
        extra: tuple[tuple[str, Any], ...] = (),
    ) -> Requirement:
        return Requirement(
            rule,
            self.rule_set.name,
            self.spell.target_group,
            self.spell.start,
            self.spell.exempt_75,
            window_start,
            due,
            required,
            tuple(days[:required]),
            extra,
        )

    def first_by(self, rule: Rule) -> list[Requirement]:
        anchor = self.spell.start
        if rule.anchor == "early_followup_requested_on":
            if self.spell.early_followup_requested_on is None:
                return []
            anchor = self.spell.early_followup_requested_on
        due = shift(anchor, rule.due)  # type: ignore[arg-type]
        if not _generated(self.spell, due):
            return []
        window_start = shift(self.spell.start, rule.window_start) if rule.window_start else anchor
        days = _held(self.facts.conversations, rule, self.spell, window_start)
        return [self.make(rule, window_start, due, 1, days)]

    def count_in_window(self, rule: Rule) -> list[Requirement]:
        window_start = add_months(self.spell.start, rule.window_from_months)
        due = add_months(self.spell.start, rule.window_to_months) - timedelta(days=1)
        if not _generated(self.spell, due):
            return []
        days = _held(self.facts.conversations, rule, self.spell, window_start)
        return [self.make(rule, window_start, due, rule.count, days)]

    def offer_by(self, rule: Rule) -> list[Requirement]:
        spell = self.spell
        due = shift(spell.start, rule.due)  # type: ignore[arg-type]
        if not _generated(spell, due):
            return []
        starts = []
        for offer in self.facts.offers:
            start = offer.start
            if offer.kind not in rule.offer_kinds or start is None or offer.status == "cancelled":
                continue
            if start < spell.start or (spell.end is not None and start > spell.end):
                continue
            if (
                rule.min_weeks
                and offer.planned_end
                and (offer.planned_end - start).days + 1 < 7 * rule.min_weeks
            ):
                continue
            in_grace = (
                offer.kind in rule.grace_kinds
                and offer.offered_on is not None
                and offer.offered_on <= due
                and start <= due + timedelta(weeks=rule.grace_weeks)
            )
            starts.append(min(start, due) if in_grace else start)
        starts.sort()
        return [self.make(rule, spell.start, due, 1, starts)]

    def assessment_after(self, rule: Rule) -> list[Requirement]:
        chain_start = self._continuous_start(rule)
        results = []
        n = 0
        while True:
            n += 1
            due = add_months(chain_start, rule.every_months * n)
            if due > self.horizon or not _generated(self.spell, due):
                break
            if due < self.spell.start or (rule.not_before and due < rule.not_before):
                continue
            if rule.min_age is not None and age_on(self.facts.birth_date, due) < rule.min_age:
                continue
            window_start = (
                add_months(due, -rule.window_months) if rule.window_months else chain_start
            )
            days = _held(self.facts.conversations, rule, self.spell, window_start)
            extra = (("years", rule.every_months * n // 12), ("chain_start", chain_start))
            results.append(self.make(rule, window_start, due, 1, days, extra))
        return results

    def _continuous_start(self, rule: Rule) -> date:
        """The first day of the unbroken run of spells (of the rule's groups) that ends in this one."""
        groups = rule.continuous_groups or rule.groups
        start = self.spell.start
        spells = sorted(self.facts.spells, key=lambda s: s.start, reverse=True)
        for earlier in spells:
            if (
                earlier.start < start
                and earlier.end == start - timedelta(days=1)
                and earlier.target_group in groups
            ):
                start = earlier.start
        return start

    def agreed_contact(self, rule: Rule) -> list[Requirement]:
        """After the first months, a contact every agreed interval: one requirement per interval,
        each starting on the day of the last contact (or when the agreed contact begins) and met by
        the next one. The last is open until the next contact is held."""
        interval = self.spell.agreed_contact_days
        if not interval:
            return []
        first_day = shift(self.spell.start, rule.after)  # type: ignore[arg-type]
        held = sorted(
            {
                c.day
                for c in self.facts.conversations
                if c.status == "held"
                and c.day > first_day
                and (self.spell.end is None or c.day <= self.spell.end)
            }
        )
        extra = (("interval", interval),)
        results = []
        base = first_day
        for next_contact in [*held, None]:
            due = base + timedelta(days=interval)
            if not _generated(self.spell, due):
                break
            days = [next_contact] if next_contact is not None else []
            results.append(self.make(rule, base, due, 1, days, extra))
            if next_contact is None:
                break
            base = next_contact
        return results


def requirements(
    facts: CitizenFacts, rule_sets: Sequence[RuleSet], horizon: date
) -> list[Requirement]:
    """Every requirement of every spell whose rule set is known (assessments up to ``horizon``)."""
    found: list[Requirement] = []
    for spell in facts.spells:
        rule_set = rule_set_for(rule_sets, spell.start)
        if rule_set is None:
            continue
        builder = _Builder(facts, rule_set, spell, horizon)
        for rule in rule_set.rules_for(spell.target_group):
            if _applies(rule, spell):
                found.extend(getattr(builder, rule.kind)(rule))
    return found


def compute(
    facts: CitizenFacts, rule_sets: Sequence[RuleSet], as_of: date, *, soon: int = DUE_SOON_DAYS
) -> list[Deadline]:
    """Every requirement that exists on ``as_of``, as seen on that day, sorted by due date."""
    horizon = as_of + timedelta(days=ASSESSMENT_LEAD_DAYS)
    deadlines = [
        classify(r, as_of, soon=soon)
        for r in requirements(facts, rule_sets, horizon)
        if visible(r, as_of)
    ]
    return sorted(deadlines, key=lambda d: (d.due, d.rule_id))
