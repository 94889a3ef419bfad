"""The deadline engine: which conversations and offers the law requires in each period on a benefit,
and whether they were met, on time or late, or are open, due soon or overdue — with an explanation.

Pure: plain facts in (spells, conversations, offers, birth date), ``Deadline`` values out. The date
arithmetic follows shared/domain.md §4; ``due`` is always the last day that is on time.

Requirements belong to a **period** in the sense of LAB § 9 (``app.domain.count_periods``), not to
a spell: jobparat and aktivitetsparat kontanthjælp are one period, a dagpenge period goes on after a
job with its later due dates moved by the days of the break, sygedagpenge count from the first day
of absence. Each requirement follows the **rule set in force on the day it falls due** (unless a
set's ``transition`` says otherwise), so a period that began under the old rules follows the new
ones for what falls due after they came into force.

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

from app.domain.count_periods import CountPeriod, PeriodRules, SpellFacts, periods_of
from app.domain.dates import add_months
from app.domain.deadline_rules import Offset, Rule, RuleSet, fingerprint, governing_set
from app.domain.identifiers import age_on

__all__ = [
    "CitizenFacts",
    "ConversationFacts",
    "Deadline",
    "OfferFacts",
    "Requirement",
    "RuleBook",
    "SpellFacts",
    "classify",
    "compute",
    "requirements",
]

DUE_SOON_DAYS = 7
STATUSES = ("met", "met_late", "open", "due_soon", "overdue")
#: Conversation kinds that count as a conversation for count and first-conversation rules.
COUNTING_KINDS = frozenset({"jobsamtale", "opfoelgning", "afklaring"})
#: Periodic assessments are shown in worklists this long before they fall due (a citizen's own
#: overview always shows the next one, however far ahead).
ASSESSMENT_LEAD_DAYS = 400
#: Periodic requirements are generated at least this far ahead for one citizen, so the next
#: occurrence of an every-2-years assessment is always known.
NEXT_OCCURRENCE_DAYS = 800

#: The explanation of each kind of rule: an English msgid, translated by
#: ``app.wording.deadline_text``.
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


class RuleBook(NamedTuple):
    """Everything the engine reads from the rule files: the rule sets and how periods are counted."""

    sets: tuple[RuleSet, ...]
    periods: PeriodRules

    def fingerprint(self, engine_version: int) -> str:
        return fingerprint(self.sets, engine_version, self.periods.canonical())

    def rules_by_id(self) -> dict[tuple[str, str], Rule]:
        return {(rs.name, r.id): r for rs in self.sets for r in rs.rules}


class ConversationFacts(NamedTuple):
    day: date  # the day it was held (or is booked for)
    status: str  # planned / held / cancelled / no_show
    held_by: str = "jobcenter"
    kind: str = "jobsamtale"
    channel: str = "in_person"
    with_a_kasse: bool = False


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
    """What a rule requires in one period, independent of the day you look.

    ``period_start`` is the first day of the § 9 period (day 0 of its count). ``days`` are the days
    that count towards it (held conversations, or offer starts), sorted and cut to the first
    ``required``: the requirement is met on ``days[required - 1]``. ``extra`` holds what only some
    explanations need (years of an afklaring, an agreed interval, how the period was counted).
    """

    rule: Rule
    rule_set: str
    target_group: str
    period_start: date
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
    period_start: date
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
    #: What only some explanations need (the years of an afklaring, an agreed interval, how the
    #: period was counted: ``counted`` = "accumulated" for dagpenge, ``anchor`` …).
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "due_soon", "overdue")

    @property
    def details(self) -> dict[str, Any]:
        return dict(self.extra)

    @property
    def explanation(self) -> tuple[str, dict[str, Any]]:
        """An English msgid and its parameters, translated by the caller (``app.i18n``)."""
        params: dict[str, Any] = dict(
            self.extra,
            required=self.required,
            done=self.done,
            remaining=self.required - self.done,
            due=self.due,
            start=self.period_start,
            group=self.target_group,
            source=self.source,
            met_on=self.met_on,
            window_start=self.window_start,
            held_by=self.held_by,
        )
        kind = self.kind
        if kind == "first_by" and self.window_start != self.period_start:
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
    period_start: date,
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
        period_start,
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
    return classify_values(*requirement, as_of, soon)


def visible_on(kind: str, period_start: date, window_start: date, due: date, as_of: date) -> bool:
    """Whether a requirement belongs in a worklist on ``as_of``: its period has started; an agreed
    contact once its interval has begun; a periodic assessment from ``ASSESSMENT_LEAD_DAYS`` before
    it is due."""
    if period_start > as_of:
        return False
    if kind == "agreed_contact":
        return window_start <= as_of
    if kind == "assessment_after":
        return due <= as_of + timedelta(days=ASSESSMENT_LEAD_DAYS)
    return True


def visible(requirement: Requirement, as_of: date) -> bool:
    r = requirement
    return visible_on(r.rule.kind, r.period_start, r.window_start, r.due, as_of)


# --- step 1: what the rules require ---------------------------------------------------------------
def _applies(rule: Rule, period: CountPeriod, spell: SpellFacts) -> bool:
    for condition, wanted in ((rule.only_if, True), (rule.unless, False)):
        if condition is None:
            continue
        if condition == "visited_to_jobcenter":
            holds = spell.visited_to_jobcenter
        elif condition == "after_transition":
            holds = period.anchor == "transition"
        else:  # work_duty
            holds = spell.work_duty
        if holds != wanted:
            return False
    if rule.sick_categories:
        if spell.sick_category is None:
            return rule.category_unknown == "apply"
        return spell.sick_category in rule.sick_categories
    return True


class _Builder:
    """The requirements of one period under one rule set."""

    def __init__(
        self,
        facts: CitizenFacts,
        rule_set: RuleSet,
        all_sets: Sequence[RuleSet],
        period: CountPeriod,
        horizon: date,
    ) -> None:
        self.facts, self.rule_set, self.all_sets = facts, rule_set, all_sets
        self.period, self.horizon = period, horizon
        self.start = period.start
        self.base_extra = _period_extra(period)

    # -- helpers --
    def governs(self, rule: Rule, due: date) -> bool:
        """Whether this rule set (and the rule's own validity) decides a requirement due on ``due``."""
        chosen = governing_set(self.all_sets, self.start, due)
        return (
            chosen is not None
            and chosen.name == self.rule_set.name
            and rule.applies_on(due, self.start)
        )

    def before_our_time(self, due: date) -> bool:
        """A dagpenge period known from the a-kasse's statement began before our first spell: what
        fell due before that spell was another jobcenter's (or nobody's recorded) duty."""
        return self.period.anchor == "statement" and due < self.period.spells[0].start

    def spell_for(self, rule: Rule, due: date) -> SpellFacts | None:
        """The spell that decides the requirement due on ``due``, if the rule applies to it."""
        spell = self.period.spell_on(due)
        if spell.target_group not in rule.groups or not _applies(rule, self.period, spell):
            return None
        return spell

    def at(self, unbroken: date) -> date | None:
        """A date of the unbroken calendar arithmetic, moved by the period's breaks; None if the
        period ends first (a requirement due after the period ended is not generated)."""
        return self.period.at_offset(unbroken)

    def held(self, rule: Rule, start: date, *, after: bool = False) -> list[date]:
        """Days of held conversations that count for ``rule`` from ``start`` within the period."""
        kinds = rule.conversation_kinds or COUNTING_KINDS
        by, channel, period = rule.held_by, rule.channel, self.period
        joint = rule.with_a_kasse
        days = [
            c.day
            for c in self.facts.conversations
            if c.status == "held"
            and (not joint or c.with_a_kasse)
            and (c.day > start if after else c.day >= start)
            and c.kind in kinds
            and (by == "any" or c.held_by == by)
            and (channel is None or c.channel == channel)
            and period.counts(c.day)
        ]
        days.sort()
        return days

    def make(
        self,
        rule: Rule,
        spell: SpellFacts,
        window_start: date,
        due: date,
        required: int,
        days: list[date],
        extra: tuple[tuple[str, Any], ...] = (),
    ) -> Requirement:
        extra = self.base_extra + extra
        if spell.sick_category is None and rule.sick_categories:
            extra += (("category_unknown", True),)
        return Requirement(
            rule,
            self.rule_set.name,
            spell.target_group,
            self.start,
            spell.exempt_75,
            window_start,
            due,
            required,
            tuple(days[:required]),
            extra,
        )

    # -- the kinds of rule --
    def first_by(self, rule: Rule) -> list[Requirement]:
        due: date | None
        if rule.anchor == "early_followup_requested_on":
            # Tidlig opfølgning: counted in calendar days from the request (SDL § 13 b stk. 2).
            requests = [
                s.early_followup_requested_on
                for s in self.period.spells
                if s.early_followup_requested_on is not None
            ]
            if not requests:
                return []
            window_start = max(requests)
            assert (
                rule.due is not None
            )  # a "first_by" rule has a due offset (rule files are checked)
            due = shift(window_start, rule.due)
            if self.period.last_day is not None and due > self.period.last_day:
                due = None
        else:
            assert (
                rule.due is not None
            )  # a "first_by" rule has a due offset (rule files are checked)
            due = self.at(shift(self.start, rule.due))
            window_start = self.start
            if rule.window_start:
                window_start = self.at(shift(self.start, rule.window_start)) or self.start
        if due is None or not self.governs(rule, due) or self.before_our_time(due):
            return []
        spell = self.spell_for(rule, due)
        if spell is None:
            return []
        days = self.held(rule, window_start)
        extra: tuple[tuple[str, Any], ...] = ()
        if rule.a_kasse_takes_part:
            extra = (("a_kasse_takes_part", True),)
            meeting = self._meeting_conversation(rule, window_start, days)
            if meeting is not None:
                extra += (("with_a_kasse", meeting),)
        return [self.make(rule, spell, window_start, due, 1, days, extra)]

    def _meeting_conversation(self, rule: Rule, start: date, days: list[date]) -> bool | None:
        """Whether the a-kasse took part in the conversation that met the rule."""
        if not days:
            return None
        first = days[0]
        return any(
            c.day == first and c.with_a_kasse and c.status == "held"
            for c in self.facts.conversations
        )

    def count_in_window(self, rule: Rule) -> list[Requirement]:
        window_start = self.at(add_months(self.start, rule.window_from_months))
        due = self.at(add_months(self.start, rule.window_to_months) - timedelta(days=1))
        if (
            window_start is None
            or due is None
            or not self.governs(rule, due)
            or self.before_our_time(due)
        ):
            return []
        spell = self.spell_for(rule, due)
        if spell is None:
            return []
        days = self.held(rule, window_start)
        return [self.make(rule, spell, window_start, due, rule.count, days)]

    def offer_by(self, rule: Rule) -> list[Requirement]:
        assert rule.due is not None  # an "offer_by" rule has a due offset (rule files are checked)
        due = self.at(shift(self.start, rule.due))
        if due is None:
            return []
        spell = self.period.spell_on(due)
        extra: tuple[tuple[str, Any], ...] = ()
        if (
            rule.after_exemption is not None
            and spell.offer_exempt_from is not None
            and spell.offer_exempt_to is not None
            and spell.offer_exempt_from <= due <= spell.offer_exempt_to
        ):
            # LAB § 102 stk. 4: exempted when the deadline ran out: the offer is due a month after
            # the exemption ends (the day after its last day).
            ends = spell.offer_exempt_to + timedelta(days=1)
            due = shift(ends, rule.after_exemption)
            extra = (("exempt_until", spell.offer_exempt_to),)
            if self.period.last_day is not None and due > self.period.last_day:
                return []
        if not self.governs(rule, due) or self.before_our_time(due):
            return []
        deciding = self.spell_for(rule, due)
        if deciding is None:
            return []
        spell = deciding
        period = self.period
        starts = []
        for offer in self.facts.offers:
            start = offer.start
            if offer.kind not in rule.offer_kinds or start is None or offer.status == "cancelled":
                continue
            if start < self.start or not period.counts(start):
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
        return [self.make(rule, spell, self.start, due, 1, starts, extra)]

    def assessment_after(self, rule: Rule) -> list[Requirement]:
        """LAB § 36 a: after every continuous 2 years on the benefit (from its first day, not from a
        request), for as long as the period lasts."""
        chain_start = self.period.spells[0].start
        last_day = self.period.last_day
        results = []
        n = 0
        while True:
            n += 1
            due = add_months(chain_start, rule.every_months * n)
            if due > self.horizon or (last_day is not None and due > last_day):
                break
            if rule.not_before and due < rule.not_before:
                continue
            if not self.governs(rule, due):
                continue
            spell = self.spell_for(rule, due)
            if spell is None:
                continue
            if rule.min_age is not None and age_on(self.facts.birth_date, due) < rule.min_age:
                continue
            window_start = (
                add_months(due, -rule.window_months) if rule.window_months else chain_start
            )
            days = self.held(rule, window_start)
            extra = (("years", rule.every_months * n // 12), ("chain_start", chain_start))
            results.append(self.make(rule, spell, window_start, due, 1, days, extra))
        return results

    def agreed_contact(self, rule: Rule) -> list[Requirement]:
        """After the first months of the period, a contact every agreed interval: one requirement
        per interval, each starting on the day of the last contact (or when the agreed contact
        begins) and met by the next one. The last is open until the next contact is held."""
        agreed = [s for s in self.period.spells if s.agreed_contact_days]
        if not agreed:
            return []
        interval: int = agreed[-1].agreed_contact_days or 0  # truthy: filtered above
        assert (
            rule.after is not None
        )  # an "agreed_contact" rule has an offset (rule files are checked)
        first_day = self.at(shift(self.start, rule.after))
        if first_day is None:
            return []
        period = self.period
        held = sorted(
            {
                c.day
                for c in self.facts.conversations
                if c.status == "held" and c.day > first_day and period.counts(c.day)
            }
        )
        extra = (("interval", interval),)
        results = []
        base = first_day
        for next_contact in [*held, None]:
            due = base + timedelta(days=interval)
            if period.last_day is not None and due > period.last_day:
                break
            if self.governs(rule, due):
                spell = self.spell_for(rule, due)
                if spell is not None:
                    days = [next_contact] if next_contact is not None else []
                    results.append(self.make(rule, spell, base, due, 1, days, extra))
            if next_contact is None:
                break
            base = next_contact
        return results


def _period_extra(period: CountPeriod) -> tuple[tuple[str, Any], ...]:
    """How the period was counted, for the explanation ("counted in accumulated unemployment",
    "from the first day of absence — not recorded", …)."""
    extra: tuple[tuple[str, Any], ...] = ()
    if period.accumulated:
        extra += (("counted", "accumulated"),)
    if period.anchor in ("absence_unknown", "transition", "statement", "first_request"):
        extra += (("anchor", period.anchor),)
    return extra


def requirements(
    facts: CitizenFacts,
    rules: RuleBook,
    horizon: date,
    periods: Sequence[CountPeriod] | None = None,
) -> list[Requirement]:
    """Every requirement of every § 9 period of the citizen (assessments up to ``horizon``).

    ``periods``: the citizen's periods (``periods_of``), when the caller has them already."""
    found: list[Requirement] = []
    rule_sets = rules.sets
    if periods is None:
        periods = periods_of(facts.spells, rules.periods)
    for period in periods:
        groups = sorted({s.target_group for s in period.spells})
        for rule_set in rule_sets:
            builder = _Builder(facts, rule_set, rule_sets, period, horizon)
            done: set[str] = set()
            for group in groups:
                for rule in rule_set.rules_for(group):
                    if rule.id not in done:
                        done.add(rule.id)
                        found.extend(getattr(builder, rule.kind)(rule))
    return found


class PeriodSummary(NamedTuple):
    """One § 9 period at 6 months' seniority, for STAR's follow-up figures (the share with at least
    4 conversations, and with an offer started, by then)."""

    family: str
    target_group: str
    period_start: date
    #: The day the period reached 6 months (a dagpenge break moves it); None if it ended first.
    six_months_on: date | None
    #: Held conversations (jobsamtaler, opfølgning, afklaring; any holder) from the start to then.
    conversations_by_six: int
    #: The first offer (any kind, not cancelled) started in the period by then.
    first_offer_on: date | None
    exempt_75: bool


def period_summaries(
    facts: CitizenFacts, rules: RuleBook, periods: Sequence[CountPeriod] | None = None
) -> list[PeriodSummary]:
    """Each § 9 period of the citizen at 6 months' seniority (see ``PeriodSummary``);
    ``periods`` as for ``requirements``."""
    found = []
    if periods is None:
        periods = periods_of(facts.spells, rules.periods)
    for period in periods:
        start = period.start
        six = period.at_offset(add_months(start, 6))
        until = six or period.last_day or start
        spell = period.spell_on(until)
        talks = sum(
            1
            for c in facts.conversations
            if c.status == "held"
            and c.kind in COUNTING_KINDS
            and start <= c.day <= until
            and period.counts(c.day)
        )
        offers = sorted(
            o.start
            for o in facts.offers
            if o.start is not None
            and o.status != "cancelled"
            and start <= o.start <= until
            and period.counts(o.start)
        )
        found.append(
            PeriodSummary(
                period.family.name,
                spell.target_group,
                start,
                six,
                talks,
                offers[0] if offers else None,
                spell.exempt_75,
            )
        )
    return found


def compute(
    facts: CitizenFacts, rules: RuleBook, as_of: date, *, soon: int = DUE_SOON_DAYS
) -> list[Deadline]:
    """Every requirement that exists on ``as_of``, as seen on that day, sorted by due date.

    Periodic assessments: every past one and the next one, however far ahead it lies."""
    horizon = as_of + timedelta(days=NEXT_OCCURRENCE_DAYS)
    found = requirements(facts, rules, horizon)
    next_assessment: dict[tuple[str, date], date] = {}
    for r in found:
        if r.rule.kind == "assessment_after" and r.due > as_of:
            key = (r.rule.id, r.period_start)
            if key not in next_assessment or r.due < next_assessment[key]:
                next_assessment[key] = r.due
    deadlines = [
        classify(r, as_of, soon=soon)
        for r in found
        if r.period_start <= as_of
        and (
            r.rule.kind != "assessment_after"
            or r.due <= as_of
            or next_assessment.get((r.rule.id, r.period_start)) == r.due
        )
        and (r.rule.kind != "agreed_contact" or r.window_start <= as_of)
    ]
    return sorted(deadlines, key=lambda d: (d.due, d.rule_id))
