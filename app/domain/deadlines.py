"""The deadline engine: which conversations and offers the law requires of each benefit spell, and
whether they were met, on time or late, or are open, due soon or overdue — with an explanation.

Pure: plain facts in (spells, conversations, offers, birth date), ``Deadline`` values out. The date
arithmetic follows shared/domain.md §4 exactly; ``due`` is always the last day that is on time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from app.domain.dates import add_months
from app.domain.deadline_rules import Offset, Rule, RuleSet
from app.domain.identifiers import age_on

DUE_SOON_DAYS = 7
STATUSES = ("met", "met_late", "open", "due_soon", "overdue")
#: Conversation kinds that count as a conversation for count and first-conversation rules.
COUNTING_KINDS = frozenset({"jobsamtale", "opfoelgning", "afklaring"})


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


@dataclass(frozen=True, slots=True)
class Deadline:
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
    #: An English msgid and its parameters, translated by the caller (``app.i18n``).
    explanation: tuple[str, dict[str, Any]] = field(default=("", {}), compare=False)
    exempt_75: bool = False

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "due_soon", "overdue")


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


def _held(
    conversations: Sequence[ConversationFacts], rule: Rule, spell: SpellFacts, start: date
) -> list[date]:
    """Days of held conversations that count for ``rule`` during ``spell`` from ``start``, sorted."""
    kinds = rule.conversation_kinds or COUNTING_KINDS
    days = [
        c.day
        for c in conversations
        if c.status == "held"
        and c.kind in kinds
        and c.day >= start
        and (spell.end is None or c.day <= spell.end)
        and (rule.held_by == "any" or c.held_by == rule.held_by)
        and (rule.channel is None or c.channel == rule.channel)
    ]
    return sorted(days)


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
        self, facts: CitizenFacts, rule_set: RuleSet, spell: SpellFacts, as_of: date, soon: int
    ) -> None:
        self.facts, self.rule_set, self.spell, self.as_of, self.soon = (
            facts,
            rule_set,
            spell,
            as_of,
            soon,
        )

    def make(
        self,
        rule: Rule,
        window_start: date,
        due: date,
        required: int,
        days: list[date],
        msgid: str,
        **params: Any,
    ) -> Deadline:
        met_on = days[required - 1] if len(days) >= required else None
        done = min(len(days), required)
        status = status_of(due, met_on, self.as_of, soon=self.soon)
        next_by = None
        if met_on is None and required > 1:
            remaining = required - done
            next_by = max(window_start, due - timedelta(days=7 * (remaining - 1)))
        params.update(
            required=required,
            done=done,
            remaining=required - done,
            due=due,
            start=self.spell.start,
            group=self.spell.target_group,
            source=rule.source,
            met_on=met_on,
            window_start=window_start,
        )
        return Deadline(
            rule.id,
            self.rule_set.name,
            rule.kind,
            rule.title,
            rule.held_by,
            self.spell.target_group,
            self.spell.start,
            window_start,
            due,
            required,
            done,
            status,
            met_on,
            rule.source,
            rule.confidence,
            next_by,
            (msgid, params),
            self.spell.exempt_75,
        )

    def first_by(self, rule: Rule) -> list[Deadline]:
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
        return [
            self.make(
                rule,
                window_start,
                due,
                1,
                days,
                "First conversation ({held_by}) by {due}, from {start} on {group} — {source}",
                held_by=rule.held_by,
            )
        ]

    def count_in_window(self, rule: Rule) -> list[Deadline]:
        window_start = add_months(self.spell.start, rule.window_from_months)
        due = add_months(self.spell.start, rule.window_to_months) - timedelta(days=1)
        if not _generated(self.spell, due):
            return []
        days = _held(self.facts.conversations, rule, self.spell, window_start)
        return [
            self.make(
                rule,
                window_start,
                due,
                rule.count,
                days,
                "{required} conversations ({held_by}) from {window_start} to {due} on {group} — {source}",
                held_by=rule.held_by,
            )
        ]

    def offer_by(self, rule: Rule) -> list[Deadline]:
        due = shift(self.spell.start, rule.due)  # type: ignore[arg-type]
        if not _generated(self.spell, due):
            return []
        starts = []
        for offer in self.facts.offers:
            if (
                offer.kind not in rule.offer_kinds
                or offer.start is None
                or offer.status == "cancelled"
            ):
                continue
            if offer.start < self.spell.start or (
                self.spell.end is not None and offer.start > self.spell.end
            ):
                continue
            if (
                rule.min_weeks
                and offer.planned_end
                and (offer.planned_end - offer.start).days + 1 < 7 * rule.min_weeks
            ):
                continue
            start = offer.start
            in_grace = (
                offer.kind in rule.grace_kinds
                and offer.offered_on is not None
                and offer.offered_on <= due
                and start <= due + timedelta(weeks=rule.grace_weeks)
            )
            starts.append(min(start, due) if in_grace else start)
        return [
            self.make(
                rule,
                self.spell.start,
                due,
                1,
                sorted(starts),
                "An offer (ret og pligt) must start by {due}, 6 months into {group} from {start} — {source}",
            )
        ]

    def assessment_after(self, rule: Rule) -> list[Deadline]:
        chain_start = self._continuous_start(rule)
        results = []
        n = 1
        while True:
            due = add_months(chain_start, rule.every_months * n)
            n += 1
            if due > self.as_of + timedelta(days=400) or not _generated(self.spell, due):
                break
            if due < self.spell.start or (rule.not_before and due < rule.not_before):
                continue
            if rule.min_age is not None and age_on(self.facts.birth_date, due) < rule.min_age:
                continue
            window_start = (
                add_months(due, -rule.window_months) if rule.window_months else chain_start
            )
            days = _held(self.facts.conversations, rule, self.spell, window_start)
            results.append(
                self.make(
                    rule,
                    window_start,
                    due,
                    1,
                    days,
                    "Afklaring after {years} continuous years on {group} (since {chain_start}) by {due} — {source}",
                    years=rule.every_months * (n - 1) // 12,
                    chain_start=chain_start,
                )
            )
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

    def agreed_contact(self, rule: Rule) -> list[Deadline]:
        days_between = self.spell.agreed_contact_days
        first_day = shift(self.spell.start, rule.after)  # type: ignore[arg-type]
        if not days_between or self.as_of < first_day:
            return []
        held = [
            c.day
            for c in self.facts.conversations
            if c.status == "held" and c.day >= self.spell.start and c.day <= self.as_of
        ]
        last = max(held) if held else None
        base = max(last, first_day) if last else first_day
        due = base + timedelta(days=days_between)
        if not _generated(self.spell, due):
            return []
        later = sorted(d for d in held if d > base)
        return [
            self.make(
                rule,
                base,
                due,
                1,
                later,
                "Agreed contact every {interval} days; next contact by {due} — {source}",
                interval=days_between,
            )
        ]


def compute(
    facts: CitizenFacts, rule_sets: Sequence[RuleSet], as_of: date, *, soon: int = DUE_SOON_DAYS
) -> list[Deadline]:
    """Every requirement of every spell whose rule set is known, sorted by due date."""
    deadlines: list[Deadline] = []
    for spell in facts.spells:
        if spell.start > as_of:
            continue
        rule_set = rule_set_for(rule_sets, spell.start)
        if rule_set is None:
            continue
        builder = _Builder(facts, rule_set, spell, as_of, soon)
        for rule in rule_set.rules_for(spell.target_group):
            if _applies(rule, spell):
                deadlines.extend(getattr(builder, rule.kind)(rule))
    return sorted(deadlines, key=lambda d: (d.due, d.rule_id))
