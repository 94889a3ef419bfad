"""Conversations and offers in the demo, kept the way a jobcenter keeps them: to the legal rhythm.

The deadline engine says what each citizen's periods require (the same rules the app enforces);
each requirement is then met on time with the caseworker's diligence (most keep 86–97 % of
their deadlines, the demo's overloaded caseworker about half), else late or not at all. So the
rhythm follows the law by construction: the a-kasse holds the dagpenge conversations of months
0–3, the jobcenter those of months 3–6, sygedagpenge follow-up is mostly in person, fleksjob
citizens get a conversation or two a year, and the on-time share lands where a real jobcenter's
does, with a visible minority overdue. Offers fit the target group and stay within the durations
of ``offer_durations.toml``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.deadlines import CitizenFacts, Requirement, RuleBook, requirements
from app.domain.offers import DurationLimit, limit_for

DAY = timedelta(days=1)
#: Bookings are made up to this far ahead.
BOOKING_DAYS = 45
#: Offer kinds that fit each target group (LAB kapitel 11–14 and practice), with weights.
OFFERS_BY_GROUP: dict[str, dict[str, int]] = {
    "dagpenge": {
        "virksomhedspraktik": 5,
        "loentilskud_privat": 4,
        "loentilskud_offentlig": 2,
        "jobrettet_uddannelse": 2,
        "ordinaer_uddannelse": 1,
        "oevrig_vejledning_opkvalificering": 2,
    },
    "kontanthjaelp_jobparat": {
        "virksomhedspraktik": 6,
        "loentilskud_privat": 3,
        "nytteindsats": 2,
        "oevrig_vejledning_opkvalificering": 2,
    },
    "kontanthjaelp_aktivitetsparat": {
        "virksomhedspraktik": 5,
        "mentor": 4,
        "oevrig_vejledning_opkvalificering": 3,
        "ips": 1,
    },
    "uddannelseshjaelp_uddannelsesparat": {
        "virksomhedspraktik": 4,
        "ordinaer_uddannelse": 3,
        "oevrig_vejledning_opkvalificering": 2,
        "mentor": 1,
    },
    "uddannelseshjaelp_aktivitetsparat": {
        "mentor": 4,
        "virksomhedspraktik": 3,
        "oevrig_vejledning_opkvalificering": 2,
    },
    "sygedagpenge": {"virksomhedspraktik": 3, "mentor": 1},
    "jobafklaring": {"virksomhedspraktik": 4, "mentor": 3, "ips": 1},
    "ressourceforloeb": {"mentor": 4, "virksomhedspraktik": 4, "ips": 2},
    "ledighedsydelse": {"virksomhedspraktik": 4, "mentor": 1},
    "integration": {
        "virksomhedspraktik": 5,
        "loentilskud_privat": 2,
        "oevrig_vejledning_opkvalificering": 3,
    },
    "revalidering": {"ordinaer_uddannelse": 4, "virksomhedspraktik": 1},
}
#: The share of citizens of a group who get an offer without a ret og pligt deadline.
OFFER_CHANCE = {
    "sygedagpenge": 0.12,
    "jobafklaring": 0.5,
    "ressourceforloeb": 0.6,
    "ledighedsydelse": 0.3,
    "integration": 0.6,
    "revalidering": 0.8,
    "uddannelseshjaelp_aktivitetsparat": 0.5,
    "uddannelseshjaelp_uddannelsesparat": 0.5,
}
#: Groups with no contact rules: a conversation now and then.
NO_RULES_PER_YEAR = {"fleksjob": (0, 2), "foertidspension": (0, 0), "selvforsoergende": (0, 1)}


@dataclass(frozen=True)
class Talk:
    day: date
    status: str  # held, planned, no_show, cancelled
    held_by: str
    kind: str
    channel: str
    with_a_kasse: bool = False


@dataclass(frozen=True)
class OfferPlan:
    kind: str
    group: str
    offered_on: date
    start: date
    planned_end: date


def contacts(
    rng: random.Random,
    facts: CitizenFacts,
    rules: RuleBook,
    as_of: date,
    *,
    diligence: float,
    akasse_diligence: float = 0.92,
) -> list[Talk]:
    """The conversations of one citizen: each requirement met on time with ``diligence`` (the
    a-kasse's own with ``akasse_diligence``), else late or missed; contact after the first months
    at an agreed rhythm; bookings ahead for what is open."""
    found = sorted(
        (
            r
            for r in requirements(facts, rules, as_of + timedelta(days=400))
            if r.period_start <= as_of
        ),
        key=lambda r: (r.due, r.rule.id),
    )
    talks: list[Talk] = []
    for req in found:
        if req.rule.kind in ("offer_by",):
            continue
        have = sum(1 for t in talks if _counts(t, req))
        need = req.required - have
        if need <= 0:
            continue
        p = akasse_diligence if req.rule.held_by == "a_kasse" else diligence
        on_time = rng.random() < p
        for day in _days(rng, req, need, on_time, as_of):
            talks.append(_talk(rng, req, day, as_of, facts))
    talks.extend(_between(rng, facts, as_of, talks, diligence))
    talks.extend(_misses(rng, talks, as_of))
    return sorted(talks, key=lambda t: t.day)


def _counts(talk: Talk, req: Requirement) -> bool:
    rule = req.rule
    return (
        talk.status in ("held", "planned")
        and req.window_start <= talk.day <= req.due
        and (rule.held_by == "any" or talk.held_by == rule.held_by)
        and (not rule.conversation_kinds or talk.kind in rule.conversation_kinds)
        and (rule.channel is None or talk.channel == rule.channel)
        and (not rule.with_a_kasse or talk.with_a_kasse)
    )


def _days(
    rng: random.Random, req: Requirement, need: int, on_time: bool, as_of: date
) -> list[date]:
    """Days for ``need`` conversations: spread over the window when kept on time; otherwise the
    last ones come late (some weeks after the due date) or never."""
    first, last = req.window_start, req.due
    span = max(0, (last - first).days)
    days = []
    for n in range(need):
        slot = first + timedelta(days=(span * (n + 1)) // (need + 1) + rng.randint(-3, 3))
        days.append(min(last, max(first, slot)))
    if not on_time:
        if rng.random() < 0.45:
            days = days[:-1]  # missed: the deadline is overdue (or met only by a later one)
        else:
            days[-1] = last + timedelta(days=rng.randint(3, 50))
    # What lies ahead is booked when it is near; the rest will be booked later.
    return [d for d in days if d < as_of or d <= as_of + timedelta(days=BOOKING_DAYS)]


def _talk(
    rng: random.Random, req: Requirement, day: date, as_of: date, facts: CitizenFacts
) -> Talk:
    rule = req.rule
    sick = req.target_group == "sygedagpenge"
    if rule.channel:
        channel = rule.channel
    elif sick:
        channel = rng.choices(["in_person", "phone", "video"], weights=[80, 15, 5])[0]
    else:
        channel = rng.choices(["in_person", "phone", "video"], weights=[60, 30, 10])[0]
    kind = "opfoelgning" if sick or req.target_group == "integration" else "jobsamtale"
    if rule.conversation_kinds:
        kind = sorted(rule.conversation_kinds)[0]
    held_by = "a_kasse" if rule.held_by == "a_kasse" else "jobcenter"
    joint = rule.with_a_kasse or (rule.a_kasse_takes_part and rng.random() < 0.85)
    if day == as_of:
        day += DAY
    return Talk(day, "held" if day < as_of else "planned", held_by, kind, channel, joint)


def _between(
    rng: random.Random,
    facts: CitizenFacts,
    as_of: date,
    talks: Sequence[Talk],
    diligence: float,
) -> list[Talk]:
    """Contact after the first 6 months — at the agreed interval, kept with the caseworker's
    diligence, or every 1–3 months where none is agreed — and for groups without contact rules
    (fleksjob: a conversation or two a year)."""
    extra: list[Talk] = []
    for spell in facts.spells:
        end = min(
            spell.end or as_of + timedelta(days=BOOKING_DAYS), as_of + timedelta(days=BOOKING_DAYS)
        )
        if spell.target_group in NO_RULES_PER_YEAR:
            low, high = NO_RULES_PER_YEAR[spell.target_group]
            years = max(1, (end - spell.start).days // 365)
            for _ in range(min(years, 3) * rng.randint(low, high)):
                day = spell.start + timedelta(days=rng.randint(0, max(0, (end - spell.start).days)))
                extra.append(
                    Talk(
                        day,
                        "held" if day < as_of else "planned",
                        "jobcenter",
                        "jobsamtale",
                        rng.choice(["in_person", "phone"]),
                    )
                )
            continue
        agreed = spell.agreed_contact_days
        interval = agreed or rng.choice([45, 60, 75, 90])
        day = spell.start + timedelta(days=183 + rng.randint(0, min(20, interval - 1)))
        sick = spell.target_group == "sygedagpenge"
        while day <= end:
            if agreed or not any(abs((t.day - day).days) < interval // 2 for t in talks):
                extra.append(
                    Talk(
                        day if day != as_of else day + DAY,
                        "held" if day < as_of else "planned",
                        "jobcenter",
                        "opfoelgning" if sick else "jobsamtale",
                        rng.choices(["in_person", "phone", "video"], weights=[5, 4, 1])[0],
                    )
                )
            if not agreed:
                day += timedelta(days=interval + rng.randint(-7, 7))
            elif rng.random() < diligence:
                day += timedelta(days=max(7, interval - rng.randint(0, 10)))
            else:
                day += timedelta(days=interval + rng.randint(5, 30))
    return extra


def _misses(rng: random.Random, talks: Sequence[Talk], as_of: date) -> list[Talk]:
    """Some booked conversations were cancelled or missed (and held again later, above)."""
    return [
        Talk(
            t.day - timedelta(days=rng.randint(3, 10)),
            rng.choice(["no_show", "cancelled"]),
            t.held_by,
            t.kind,
            t.channel,
        )
        for t in talks
        if t.status == "held" and rng.random() < 0.08 and t.day - timedelta(days=10) < as_of
    ]


# --- offers ---------------------------------------------------------------------------------------
def offers(
    rng: random.Random,
    facts: CitizenFacts,
    rules: RuleBook,
    as_of: date,
    limits: Sequence[DurationLimit],
    *,
    diligence: float,
) -> list[OfferPlan]:
    """Offers that fit the citizen's groups: ret og pligt met on time with ``diligence`` (else
    late or not at all), other groups with a group's usual chance; durations within the limits."""
    planned: list[OfferPlan] = []
    due = [
        r
        for r in requirements(facts, rules, as_of + timedelta(days=400))
        if r.rule.kind == "offer_by" and r.period_start <= as_of
    ]
    for req in due:
        if any(o.start >= req.period_start and o.start <= req.due for o in planned):
            continue
        if rng.random() < diligence:
            start = req.due - timedelta(days=rng.randint(7, 120))
        elif rng.random() < 0.5:
            start = req.due + timedelta(days=rng.randint(7, 60))
        else:
            continue
        start = max(start, req.period_start + timedelta(days=14))
        group = _group_on(facts, start) or req.target_group
        kinds = {
            k: w for k, w in OFFERS_BY_GROUP.get(group, {}).items() if k in req.rule.offer_kinds
        }
        planned.append(_offer(rng, group, start, as_of, limits, kinds))
    for spell in facts.spells:
        chance = OFFER_CHANCE.get(spell.target_group)
        if chance is None or rng.random() > chance:
            continue
        span = ((spell.end or as_of) - spell.start).days
        if span < 30:
            continue
        start = spell.start + timedelta(days=rng.randint(14, max(15, min(span, 400))))
        planned.append(_offer(rng, spell.target_group, start, as_of, limits))
    return [o for o in planned if o.offered_on <= as_of]


def _group_on(facts: CitizenFacts, day: date) -> str | None:
    """The target group of the spell covering ``day`` (the offer's duration limit depends on it)."""
    for spell in facts.spells:
        if spell.start <= day and (spell.end is None or day <= spell.end):
            return spell.target_group
    return None


def _offer(
    rng: random.Random,
    group: str,
    start: date,
    as_of: date,
    limits: Sequence[DurationLimit],
    kinds: dict[str, int] | None = None,
) -> OfferPlan:
    choices = kinds or OFFERS_BY_GROUP.get(group) or {"virksomhedspraktik": 1}
    kind = rng.choices(list(choices), weights=list(choices.values()))[0]
    weeks = rng.choice([4, 6, 8, 13, 17, 26])
    end = start + timedelta(weeks=weeks) - DAY
    limit = limit_for(limits, kind, group)
    if limit is not None:
        end = min(end, limit.latest_end(start))
    end = max(end, start + timedelta(days=13))  # ret og pligt: at least 2 continuous weeks
    if limit is not None and end > limit.latest_end(start):
        end = limit.latest_end(start)
    return OfferPlan(kind, group, start - timedelta(days=rng.randint(3, 21)), start, end)
