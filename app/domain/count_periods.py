"""The periods the deadline rules count from (LAB § 9): which spells form one period, its first day,
and — for dagpenge — the clock of accumulated unemployment that pauses during a break.

The law does not count "since this spell began":

- dagpenge count *sammenlagt ledighed* in the dagpengeperiode: a job or another benefit pauses the
  count (later due dates move by the days of the break); a new dagpengeperiode, or 5 years without
  dagpenge, starts from zero; a known amount of accumulated unemployment (from the a-kasse) fixes
  the clock;
- the other LAB groups count a continuous period on the same benefit (jobparat and aktivitetsparat
  kontanthjælp are one benefit), kontanthjælp and uddannelseshjælp from the first request to the
  kommune, the others from the move onto the benefit;
- sygedagpenge count from the first day of absence.

Which groups form a benefit and how each counts is data (``resources/rules/periods.toml``); this
module reads it and builds ``CountPeriod`` values. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any, NamedTuple

from app.domain.codes import TARGET_GROUPS
from app.domain.dates import add_months
from app.domain.deadline_rules import RuleFileError, load_toml

COUNTS_FROM = ("benefit_start", "first_request", "absence_start", "accumulated")
ONE_DAY = timedelta(days=1)


class SpellFacts(NamedTuple):
    """What the deadline engine knows of one benefit spell."""

    target_group: str
    start: date
    end: date | None = None  # the last day on the benefit; None = ongoing
    visited_to_jobcenter: bool = False
    early_followup_requested_on: date | None = None
    agreed_contact_days: int | None = None
    #: Exempted from the 75 % rule after a concrete assessment (LAB 2026).
    exempt_75: bool = False
    #: Kontanthjælp/uddannelseshjælp: the first request to the kommune (LAB § 9 stk. 2 nr. 2).
    first_request_on: date | None = None
    #: Sygedagpenge: the first day of absence (SDL § 13 b).
    absence_start_on: date | None = None
    #: Sygedagpenge: the visitation category ("1", "2", "3" before 2025, "13f"); None = not recorded.
    sick_category: str | None = None
    #: Dagpenge: a new dagpengeperiode begins on this day (the count starts from zero).
    new_dagpengeperiode_on: date | None = None
    #: Dagpenge: accumulated unemployment in hours, as known on ``ledighed_on`` (from the a-kasse).
    ledighed_hours: float | None = None
    ledighed_on: date | None = None
    part_time_insured: bool = False
    #: Exempted from the duty to take part in offers (ret og pligt, LAB § 102 stk. 4), both days included.
    offer_exempt_from: date | None = None
    offer_exempt_to: date | None = None
    #: Arbejdspligt (LAB kapitel 16 a): outside the flexible 75 % rules from 1 Jul 2026.
    work_duty: bool = False


@dataclass(frozen=True)
class Family:
    name: str
    groups: frozenset[str]
    counts_from: str
    source: str
    confidence: str = ""
    starts_new_from: frozenset[str] = frozenset()
    note: str | None = None


@dataclass(frozen=True)
class PeriodRules:
    """``periods.toml``: the benefit families and the dagpenge clock."""

    families: tuple[Family, ...]
    hours_per_week: float = 37.0
    hours_per_week_part_time: float = 30.0
    restart_after_years: int = 5
    not_counted: tuple[tuple[date, date], ...] = ()
    origin: str = ""
    _by_group: dict[str, Family] = field(default_factory=dict, compare=False, repr=False)

    def family_of(self, group: str) -> Family | None:
        if not self._by_group:
            for family in self.families:
                for g in family.groups:
                    self._by_group[g] = family
        return self._by_group.get(group)

    def canonical(self) -> list[Any]:
        """A form whose JSON text is the same in every process (for the rules' fingerprint)."""
        return [
            [
                [f.name, sorted(f.groups), f.counts_from, sorted(f.starts_new_from)]
                for f in self.families
            ],
            self.hours_per_week,
            self.hours_per_week_part_time,
            self.restart_after_years,
            [[a.isoformat(), b.isoformat()] for a, b in self.not_counted],
        ]


def parse_period_rules(origin: str, text: str) -> PeriodRules:
    """The period rules in ``text`` (the file ``origin``), or a ``RuleFileError``."""
    data = load_toml(origin, text)

    def fail(key: str, problem: str) -> RuleFileError:
        return RuleFileError(origin, None, key, problem)

    families = []
    seen: set[str] = set()
    for item in data.get("family", []):
        if not isinstance(item, dict):
            raise fail("family", "must be a table")
        name, groups, counts_from = item.get("name"), item.get("groups"), item.get("counts_from")
        if not isinstance(name, str) or not isinstance(groups, list) or not groups:
            raise fail("family", "needs a name and a list of groups")
        if counts_from not in COUNTS_FROM:
            raise fail("counts_from", f"must be one of {', '.join(COUNTS_FROM)}")
        for group in groups:
            if group not in TARGET_GROUPS:
                raise fail("groups", f"unknown code {group!r}")
            if group in seen:
                raise fail("groups", f"{group!r} belongs to two families")
            seen.add(group)
        families.append(
            Family(
                name,
                frozenset(groups),
                counts_from,
                str(item.get("source", "")),
                str(item.get("confidence", "")),
                frozenset(item.get("starts_new_from", ())),
                item.get("note"),
            )
        )
    names = {f.name for f in families}
    for family in families:
        unknown = family.starts_new_from - names
        if unknown:
            raise fail("starts_new_from", f"unknown family {sorted(unknown)[0]!r}")
    clock = data.get("dagpenge", {})
    pauses = []
    for item in clock.get("not_counted", []):
        start, end = item.get("from"), item.get("to")
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            raise fail("not_counted", "needs from and to dates, to not before from")
        pauses.append((start, end))
    hours = clock.get("hours_per_week", 37)
    part_time = clock.get("hours_per_week_part_time", 30)
    years = clock.get("restart_after_years", 5)
    for key, value in (("hours_per_week", hours), ("hours_per_week_part_time", part_time)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 1 <= value <= 60:
            raise fail(key, "must be a number of hours from 1 to 60")
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 20:
        raise fail("restart_after_years", "must be a whole number of years from 1 to 20")
    return PeriodRules(
        tuple(families), float(hours), float(part_time), years, tuple(sorted(pauses)), origin
    )


class Segment(NamedTuple):
    """Days that count, from ``first`` to ``last`` (None: ongoing); ``count`` is the count on ``first``."""

    first: date
    last: date | None
    count: int  # type: ignore[assignment]  # shadows tuple.count, which nothing here calls


@dataclass(frozen=True)
class CountPeriod:
    """One § 9 period: its spells, its first day and the clock that maps counted days to dates.

    ``start`` is day 0 of the count. It may lie before the first spell (a first request for help,
    a first day of absence, unemployment in an earlier spell of the same dagpengeperiode that the
    a-kasse reported). ``segments`` are the calendar days that count, in order; between them the
    count pauses (dagpenge only). ``anchor`` says how ``start`` was found, for the explanation.
    """

    family: Family
    spells: tuple[SpellFacts, ...]
    segments: tuple[Segment, ...]
    anchor: str

    @cached_property
    def start(self) -> date:
        return self.day_at(0) or self.segments[0].first

    @property
    def last_day(self) -> date | None:
        return self.segments[-1].last

    @property
    def accumulated(self) -> bool:
        return self.family.counts_from == "accumulated"

    def day_at(self, n: int) -> date | None:
        """The calendar day on which the count reaches ``n`` (day 0 is the first counted day);
        None when the period ends before that. Before the first segment the count is projected
        backwards day by day (unemployment we know of only from a reported amount)."""
        first = self.segments[0]
        if n < first.count:
            return first.first - timedelta(days=first.count - n)
        for segment in self.segments:
            if segment.last is None:
                return segment.first + timedelta(days=n - segment.count)
            length = (segment.last - segment.first).days + 1
            if n < segment.count + length:
                return segment.first + timedelta(days=n - segment.count)
        return None

    def at_offset(self, start_offset: date) -> date | None:
        """The calendar day that ``start_offset`` would be in an unbroken period (calendar arithmetic
        from ``start``), moved by the breaks before it."""
        return self.day_at((start_offset - self.start).days)

    def counts(self, day: date) -> bool:
        """Whether ``day`` belongs to the period: a counted day, or a day between its start and the
        first spell (a request before the benefit began). Pauses do not belong to it."""
        if day < self.start:
            return False
        first = self.segments[0]
        if day < first.first:
            return day >= self.start
        for segment in self.segments:
            if day < segment.first:
                return False
            if segment.last is None or day <= segment.last:
                return True
        return False

    def spell_on(self, day: date) -> SpellFacts:
        """The spell that decides a requirement due on ``day``: the one covering it, else the last
        one that started before it, else the first."""
        chosen = self.spells[0]
        for spell in self.spells:
            if spell.start <= day:
                chosen = spell
            else:
                break
        return chosen


# --- building periods ------------------------------------------------------------------------------
def periods_of(spells: Iterable[SpellFacts], rules: PeriodRules) -> list[CountPeriod]:
    """The § 9 periods of one citizen's spells (spells of groups no family knows are left out)."""
    by_family: dict[str, list[SpellFacts]] = {}
    ordered = sorted(spells, key=lambda s: s.start)
    previous_family: dict[int, str | None] = {}
    last: SpellFacts | None = None
    for spell in ordered:
        family = rules.family_of(spell.target_group)
        adjacent = last is not None and last.end is not None and last.end + ONE_DAY == spell.start
        came_from = rules.family_of(last.target_group) if last is not None and adjacent else None
        previous_family[id(spell)] = came_from.name if came_from else None
        last = spell
        if family is not None:
            by_family.setdefault(family.name, []).append(spell)
    found: list[CountPeriod] = []
    for family in rules.families:
        members = by_family.get(family.name)
        if not members:
            continue
        if family.counts_from == "accumulated":
            found.extend(_dagpenge_periods(family, members, rules))
        else:
            found.extend(_benefit_periods(family, members, previous_family))
    found.sort(key=lambda p: (p.start, p.family.name))
    return found


def _benefit_periods(
    family: Family, spells: list[SpellFacts], came_from: Mapping[int, str | None]
) -> list[CountPeriod]:
    """Continuous runs of one benefit; each run is a period counted from its first request, its
    first day of absence or its first day."""
    runs: list[list[SpellFacts]] = []
    for spell in spells:
        run = runs[-1] if runs else None
        continues = (
            run is not None
            and run[-1].end is not None
            and run[-1].end + ONE_DAY == spell.start
            and not (family.counts_from == "absence_start" and _new_sick_case(run[-1], spell))
        )
        if continues and run is not None:  # continues implies a run
            run.append(spell)
        else:
            runs.append([spell])
    periods = []
    for run in runs:
        first = run[0]
        start, anchor = first.start, "benefit_start"
        if family.counts_from == "first_request":
            if came_from.get(id(first)) in family.starts_new_from:
                anchor = "transition"
            elif first.first_request_on is not None and first.first_request_on <= first.start:
                start, anchor = first.first_request_on, "first_request"
        elif family.counts_from == "absence_start":
            if first.absence_start_on is not None and first.absence_start_on <= first.start:
                start, anchor = first.absence_start_on, "absence_start"
            else:
                anchor = "absence_unknown"
        last = run[-1].end
        periods.append(CountPeriod(family, tuple(run), (Segment(start, last, 0),), anchor))
    return periods


def _new_sick_case(before: SpellFacts, spell: SpellFacts) -> bool:
    """A sygedagpenge spell right after another is a new case when it names another first day of
    absence."""
    return spell.absence_start_on is not None and spell.absence_start_on != (
        before.absence_start_on or spell.absence_start_on
    )


def _dagpenge_periods(
    family: Family, spells: list[SpellFacts], rules: PeriodRules
) -> list[CountPeriod]:
    """Dagpengeperioder: spells joined across breaks; a new period at a recorded new
    dagpengeperiode or after ``restart_after_years`` without dagpenge."""
    groups: list[list[SpellFacts]] = []
    for spell in spells:
        fresh = not groups or spell.new_dagpengeperiode_on is not None
        if groups and not fresh:
            previous_end = groups[-1][-1].end
            fresh = previous_end is not None and spell.start > add_months(
                previous_end, 12 * rules.restart_after_years
            )
        if fresh:
            groups.append([spell])
        else:
            groups[-1].append(spell)
    periods = []
    for members in groups:
        # A new dagpengeperiode recorded inside the first spell starts the count on that day.
        first_day = members[0].start
        begins = members[0].new_dagpengeperiode_on
        if begins is not None and members[0].start <= begins <= (members[0].end or begins):
            first_day = begins
        days = [
            (max(s.start, first_day), s.end) for s in members if s.end is None or s.end >= first_day
        ]
        counted = _without(days, rules.not_counted)
        if not counted:
            continue
        segments, total = [], 0
        for first, last in counted:
            segments.append(Segment(first, last, total))
            if last is not None:
                total += (last - first).days + 1
        anchor = "dagpengeperiode" if begins is not None else "derived"
        statement = _latest_statement(members)
        if statement is not None:
            known_on, hours, part_time = statement
            per_week = rules.hours_per_week_part_time if part_time else rules.hours_per_week
            known_days = round(hours / per_week * 7)
            shift = known_days - _count_on(segments, known_on)
            segments = [Segment(s.first, s.last, s.count + shift) for s in segments]
            anchor = "statement"
        periods.append(CountPeriod(family, tuple(members), tuple(segments), anchor))
    return periods


def _latest_statement(spells: Sequence[SpellFacts]) -> tuple[date, float, bool] | None:
    known = [
        (s.ledighed_on, s.ledighed_hours, s.part_time_insured)
        for s in spells
        if s.ledighed_on is not None and s.ledighed_hours is not None
    ]
    return max(known, key=lambda k: k[0]) if known else None


def _count_on(segments: Sequence[Segment], day: date) -> int:
    """The count reached at the start of ``day`` (the days before it that counted); before the
    first segment, projected backwards day by day, like ``CountPeriod.day_at``."""
    first = segments[0]
    if day < first.first:
        return first.count - (first.first - day).days
    reached = first.count
    for segment in segments:
        if day <= segment.first:
            return segment.count
        if segment.last is None or day <= segment.last:
            return segment.count + (day - segment.first).days
        reached = segment.count + (segment.last - segment.first).days + 1
    return reached


def _without(
    days: Sequence[tuple[date, date | None]], holes: Sequence[tuple[date, date]]
) -> list[tuple[date, date | None]]:
    """The intervals ``days`` with the ``holes`` cut out."""
    result = list(days)
    for hole_start, hole_end in holes:
        cut: list[tuple[date, date | None]] = []
        for first, last in result:
            if (last is not None and last < hole_start) or first > hole_end:
                cut.append((first, last))
                continue
            if first < hole_start:
                cut.append((first, hole_start - ONE_DAY))
            if last is None or last > hole_end:
                cut.append((hole_end + ONE_DAY, last))
        result = cut
    return result
