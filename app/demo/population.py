"""A synthetic jobcenter as plain rows: every name comes from Faker, every CPR/CVR is made up.

Nothing here describes a real person or company. The generator is deterministic: the same seed
and the same as-of date give the same rows (ids included), so demos, screenshots and benchmarks
can be reproduced. Proportions of target groups follow the shape of a municipal jobindsats table
(sygedagpenge and dagpenge largest, then fleksjob, kontanthjælp, ressourceforløb, …).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from faker import Faker

from app.demo.histories import History, history
from app.demo.rhythm import OfferPlan, Talk, contacts, offers
from app.domain.dates import local_to_utc
from app.domain.deadlines import CitizenFacts, OfferFacts, RuleBook
from app.domain.offers import DurationLimit
from app.domain.plan import PLAN_FIELDS, MilestoneState, PlanSnapshot
from app.domain.search import citizen_search_text, citizen_sort_key

#: Weight of each target group among the citizens' current spells.
GROUP_WEIGHTS: dict[str, int] = {
    "sygedagpenge": 22,
    "dagpenge": 20,
    "fleksjob": 12,
    "kontanthjaelp_aktivitetsparat": 9,
    "kontanthjaelp_jobparat": 6,
    "ressourceforloeb": 6,
    "jobafklaring": 4,
    "integration": 4,
    "uddannelseshjaelp_aktivitetsparat": 4,
    "uddannelseshjaelp_uddannelsesparat": 3,
    "ledighedsydelse": 3,
    "revalidering": 1,
    "foertidspension": 1,
}
AGE_RANGE = {
    "uddannelseshjaelp_aktivitetsparat": (18, 29),
    "uddannelseshjaelp_uddannelsesparat": (18, 29),
    "integration": (20, 55),
    "foertidspension": (40, 64),
}
#: The share of a group's citizens with paid hours (småjob) while on the benefit.
PAID_HOURS = {
    "integration": 0.22,
    "ressourceforloeb": 0.15,
    "kontanthjaelp_aktivitetsparat": 0.1,
    "kontanthjaelp_jobparat": 0.14,
    "uddannelseshjaelp_aktivitetsparat": 0.06,
    "jobafklaring": 0.05,
}
COMPANY_OFFERS = {
    "virksomhedspraktik",
    "loentilskud_privat",
    "loentilskud_offentlig",
    "voksenlaerling",
    "nytteindsats",
}
JOBS = [
    "Butiksassistent",
    "Lagermedarbejder",
    "Social- og sundhedshjælper",
    "Chauffør",
    "Pædagogmedhjælper",
    "Kontorassistent",
    "Tømrer",
    "Rengøringsassistent",
    "Kok",
    "IT-supporter",
    "Gartner",
    "Mekaniker",
    "Kassemedarbejder",
    "Produktionsmedarbejder",
    "Receptionist",
    "Køkkenmedhjælper",
    "Pakkeriarbejder",
]
EDUCATIONS = [
    "Erhvervsuddannelse som elektriker",
    "HF",
    "SOSU-hjælperuddannelsen",
    "Grundforløb på tekniske skole",
    "Pædagogisk assistent",
    "Kokkeuddannelsen",
    "Datatekniker",
]
OWN_WORDS = [
    "Jeg vil gerne have et arbejde, hvor jeg kan bruge mine hænder.",
    "Jeg vil tilbage til arbejdsmarkedet i et tempo, min ryg kan holde til.",
    "Jeg drømmer om at arbejde med mennesker.",
    "Jeg vil gerne have en uddannelse, så jeg kan få et fast job.",
    "Jeg har brug for ro og en fast hverdag, før jeg kan starte på noget nyt.",
    "Jeg vil gerne prøve noget helt andet end det, jeg lavede før.",
    "Jeg vil have et job tæt på, hvor jeg bor, så jeg kan hente mine børn.",
]
JOB_SEARCH = [
    "Søge mindst 2 job om ugen og opdatere CV på Jobnet.",
    "Søge 5 job om ugen inden for lager og logistik.",
    "Deltage i jobmesse og følge op på to virksomhedskontakter.",
    "Ringe til tre virksomheder om praktik.",
]
STABILISING = [
    "Samtaler med mentor hver anden uge.",
    "Forløb om mestring af hverdagen.",
    "Fast træning to gange om ugen.",
]
MILESTONES = [
    "Opdatere CV",
    "Praktik i butik",
    "Gennemføre truckcertifikat",
    "Søge 5 job om ugen",
    "Afklare arbejdsevne med lægen",
    "Starte på danskundervisning",
    "Få kørekort",
    "Møde stabilt i praktik",
    "Tage hygiejnebevis",
    "Besøge en uddannelsesvejleder",
]
JOURNAL = [
    "Samtale afholdt. Borgeren er motiveret for praktik.",
    "Telefonsamtale: borgeren er syg, ny tid aftalt.",
    "Borgeren har sendt dokumentation for jobsøgning.",
    "Opfølgning på praktik: det går godt, forlænges ikke.",
    "Borgeren ønsker at tale om uddannelse næste gang.",
    "Mentor melder om stabilt fremmøde.",
]
DROP_REASONS = ["Ikke længere relevant", "Erstattet af nyt delmål", "Borgeren valgte en anden vej"]
TEAMS = ["Team Job", "Team Sygedagpenge", "Team Unge og Uddannelse"]
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


@dataclass
class Population:
    """Rows per table, as dicts ready for bulk insert, in an order that respects foreign keys.

    ``tables`` holds the rows made since the last ``drain`` (all of them, if never drained);
    ``count`` the rows made in all, which are also the ids given."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, table: str, row: dict[str, Any]) -> int:
        self.counts[table] += 1
        row["id"] = self.counts[table]
        self.tables[table].append(row)
        return row["id"]

    def count(self, table: str) -> int:
        return self.counts.get(table, 0)

    def drain(self) -> dict[str, list[dict[str, Any]]]:
        """The rows made since the last drain, forgotten here (the stream's bounded memory)."""
        made, self.tables = self.tables, defaultdict(list)
        return made


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def make_cpr(rng: random.Random, birth: date, used: set[str]) -> str:
    """A syntactically valid CPR: birth date, a century digit that fits the year, parity by gender."""
    while True:
        if birth.year < 2000:
            century_digit = rng.choice("0123")
        else:
            century_digit = rng.choice("4")
        serial = f"{century_digit}{rng.randint(0, 99):02d}{rng.randint(0, 9)}"
        cpr = birth.strftime("%d%m%y") + serial
        if cpr not in used:
            used.add(cpr)
            return cpr


def make_cvr(rng: random.Random, used: set[str]) -> str:
    """Eight digits passing the modulus-11 check (weights 2,7,6,5,4,3,2,1)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = (-sum(d * w for d, w in zip(digits, CVR_WEIGHTS, strict=False))) % 11
        if check == 10:
            continue
        cvr = "".join(map(str, digits)) + str(check)
        if cvr not in used:
            used.add(cvr)
            return cvr


def _initials(first: str, last: str, taken: set[str]) -> str:
    """Initials the way jobcentres write them (e.g. "ANL"), unique within the demo."""
    candidates = [first[:1] + last[:2], first[:2] + last[:1], first[:1] + last[:1] + last[-1:]]
    candidates += [first[:1] + last[:1] + ch for ch in (first + last)[1:] if ch.isalpha()]
    for candidate in candidates:
        code = candidate.upper()
        if code not in taken:
            taken.add(code)
            return code
    code = f"{first[:1]}{last[:1]}{len(taken)}".upper()
    taken.add(code)
    return code


def _slot(rng: random.Random, day: date, *, forward: bool) -> datetime:
    """A weekday office slot (08:00–15:30 local) near ``day`` (moving away from today), as UTC."""
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    minutes = 8 * 60 + 30 * rng.randint(0, 15)
    return local_to_utc(datetime.combine(day, time(minutes // 60, minutes % 60)))


class Generator:
    """Builds a ``Population``; ``as_of`` is "today" in the demo world."""

    def __init__(
        self, seed: int, as_of: date, rules: RuleBook, limits: tuple[DurationLimit, ...]
    ) -> None:
        self.rules, self.limits = rules, limits
        self.diligence: dict[int, float] = {}
        self.rng = random.Random(seed)
        #: A stream of its own for the facts the goal plans need (local companies, fleksjob hours
        #: going up), so adding them did not change the rest of the demo jobcenter.
        self.goal_rng = random.Random(seed * 1000 + 18)
        self.fake = Faker("da_DK")
        self.fake.seed_instance(seed)
        self.as_of = as_of
        self.pop = Population()
        self._cprs: set[str] = set()
        self._cvrs: set[str] = set()
        self.caseworkers: list[int] = []
        self.companies: list[int] = []

    # --- organisation ----------------------------------------------------------------------
    def caseworkers_and_companies(self, citizens: int) -> None:
        taken: set[str] = set()
        for index in range(max(8, min(2_000, citizens // 80))):
            first, last = self.fake.first_name(), self.fake.last_name()
            initials = _initials(first, last, taken)
            role = "admin" if index == 0 else ("teamlead" if index in (1, 2) else "caseworker")
            self.caseworkers.append(
                self.pop.add(
                    "caseworker",
                    {
                        "initials": initials,
                        "name": f"{first} {last}",
                        "team": TEAMS[index % len(TEAMS)],
                        "role": role,
                        "email": f"{initials.lower().translate(_ASCII)}@jobcenter.example",
                        "phone": f"7{self.rng.randint(1000000, 9999999)}",
                        "active": True,
                    },
                )
            )
        # Most caseworkers keep 86–97 % of their deadlines; the first ordinary caseworker has
        # too big a caseload and keeps about half (the worklist has something to show).
        for n, worker in enumerate(self.caseworkers):
            self.diligence[worker] = 0.5 if n == 3 else self.rng.uniform(0.86, 0.97)
        for _ in range(max(30, citizens // 15)):
            self.companies.append(
                self.pop.add(
                    "company",
                    {
                        "cvr": make_cvr(self.rng, self._cvrs),
                        "name": self.fake.company(),
                        "address": self.fake.street_address(),
                        "postal_code": self.fake.postcode(),
                        "city": self.fake.city(),
                        "employees": self.rng.choice([3, 8, 15, 25, 40, 80, 150, 400]),
                        "local": self.goal_rng.random() < 0.7,
                    },
                )
            )

    # --- one citizen -----------------------------------------------------------------------
    def citizen(self) -> None:
        rng, as_of = self.rng, self.as_of
        group = _weighted(rng, GROUP_WEIGHTS)
        low, high = AGE_RANGE.get(group, (25, 64))
        birth = as_of - timedelta(days=rng.randint(low * 365 + 10, high * 365 + 300))
        first, last = self.fake.first_name(), self.fake.last_name()
        cpr = make_cpr(rng, birth, self._cprs)
        worker = rng.choice(self.caseworkers[3:] or self.caseworkers)
        refugee = group == "integration" or rng.random() < 0.04
        citizen_id = self.pop.add(
            "citizen",
            {
                "cpr": cpr,
                "birth_date": birth,
                "first_name": first,
                "last_name": last,
                "search_text": citizen_search_text(first, last, cpr, birth),
                "sort_key": citizen_sort_key(first, last),
                "address": self.fake.street_address(),
                "postal_code": self.fake.postcode(),
                "city": self.fake.city(),
                "phone": f"{rng.randint(20, 99)}{rng.randint(100000, 999999)}",
                "email": f"{first.lower()}.{rng.randint(1, 999)}@example.dk".replace(" ", ""),
                "language": "en" if rng.random() < 0.05 else "da",
                "caseworker_id": worker,
                "refugee_or_reunified": refugee,
                "refugee_year": as_of.year - rng.randint(1, 8) if refugee else None,
                "disability": rng.random() < 0.06,
                "digital_post_exempt": rng.random() < 0.07,
                "deleted_at": None,
            },
        )
        past = history(rng, group, birth, as_of, refugee=refugee)
        for row in past.rows:
            self.pop.add("benefit_spell", {"citizen_id": citizen_id, **row})
        start = past.current["start_date"]
        self._plan(citizen_id, group, start)
        facts = CitizenFacts(birth, past.facts)
        diligence = self.diligence[worker]
        plans = offers(rng, facts, self.rules, as_of, self.limits, diligence=diligence)
        for plan in plans:
            self._offer(citizen_id, plan)
        facts = facts._replace(
            offers=tuple(OfferFacts(o.kind, o.start, o.planned_end, o.offered_on) for o in plans)
        )
        for talk in contacts(rng, facts, self.rules, as_of, diligence=diligence):
            self._conversation(citizen_id, talk, worker)
        self._employment(citizen_id, group, past)
        for _ in range(rng.randint(0, 3)):
            self.pop.add(
                "journal_note",
                {
                    "citizen_id": citizen_id,
                    "written_on": as_of - timedelta(days=rng.randint(0, 200)),
                    "caseworker_id": worker,
                    "text": rng.choice(JOURNAL),
                    "corrects_id": None,
                },
            )

    def _plan(self, citizen_id: int, group: str, start: date) -> None:
        rng = self.rng
        if rng.random() > 0.85:
            return
        young = group.startswith("uddannelseshjaelp")
        values = {
            "job_goal": None if young and rng.random() < 0.6 else rng.choice(JOBS),
            "education_goal": rng.choice(EDUCATIONS) if young or rng.random() < 0.1 else None,
            "own_words": rng.choice(OWN_WORDS) if rng.random() < 0.8 else None,
            "job_search": rng.choice(JOB_SEARCH)
            if group in ("dagpenge", "kontanthjaelp_jobparat", "ledighedsydelse")
            else None,
            "stabilising": rng.choice(STABILISING)
            if group.endswith("aktivitetsparat") or group == "ressourceforloeb"
            else None,
            "other_efforts": None,
            "status_followup": None,
        }
        updated = min(self.as_of, start + timedelta(days=rng.randint(3, 60)))
        agreed = updated if rng.random() < 0.9 else None  # most plans are agreed when made
        self.pop.add(
            "plan", {"citizen_id": citizen_id, **values, "updated_on": updated, "agreed_on": agreed}
        )
        states = []
        for position in range(rng.randint(0, 4)):
            due = updated + timedelta(days=rng.randint(14, 180))
            status = rng.choices(
                ["planned", "in_progress", "done", "dropped"], weights=[4, 3, 3, 1]
            )[0]
            completed = (
                min(self.as_of, due - timedelta(days=rng.randint(0, 10)))
                if status == "done"
                else None
            )
            reason = rng.choice(DROP_REASONS) if status == "dropped" else None
            title = rng.choice(MILESTONES)
            milestone_id = self.pop.add(
                "milestone",
                {
                    "citizen_id": citizen_id,
                    "position": position,
                    "title": title,
                    "due": due,
                    "status": status,
                    "completed_on": completed,
                    "drop_reason": reason,
                    "deleted_at": None,
                },
            )
            states.append(MilestoneState(milestone_id, title, due, status, completed, reason))
        snapshot = PlanSnapshot({k: values.get(k) for k in PLAN_FIELDS}, tuple(states))
        self.pop.add(
            "plan_version",
            {
                "citizen_id": citizen_id,
                "number": 1,
                "saved_at": local_to_utc(datetime.combine(updated, time(10))),
                "saved_by": None,
                "snapshot": json.dumps(snapshot.to_json(), ensure_ascii=False, sort_keys=True),
                "printed_at": None,
            },
        )

    def _conversation(self, citizen_id: int, talk: Talk, worker: int) -> None:
        rng = self.rng
        when = _slot(rng, talk.day, forward=talk.status == "planned")
        by_akasse = talk.held_by == "a_kasse"
        self.pop.add(
            "conversation",
            {
                "citizen_id": citizen_id,
                "kind": talk.kind,
                "scheduled_at": when,
                "held_on": when.date() if talk.status == "held" else None,
                "status": talk.status,
                "channel": talk.channel,
                "held_by": talk.held_by,
                "with_a_kasse": talk.with_a_kasse and not by_akasse,
                "caseworker_id": None if by_akasse else worker,
                "location": None,
                "note": rng.choice([None, "Borgeren mødte op.", "Aftalt næste skridt."])
                if talk.status == "held"
                else None,
            },
        )

    def _offer(self, citizen_id: int, plan: OfferPlan) -> None:
        rng, as_of = self.rng, self.as_of
        if rng.random() < 0.06:
            status, actual = "cancelled", None
        elif plan.start > as_of:
            status, actual = "planned", None
        elif plan.planned_end >= as_of:
            status, actual = "active", None
        else:
            status, actual = "completed", plan.planned_end
        kind = plan.kind
        self.pop.add(
            "offer",
            {
                "citizen_id": citizen_id,
                "kind": kind,
                "company_id": rng.choice(self.companies) if kind in COMPANY_OFFERS else None,
                "title": rng.choice(JOBS) if kind in COMPANY_OFFERS else None,
                "offered_on": plan.offered_on,
                "start_date": plan.start,
                "planned_end": plan.planned_end,
                "actual_end": actual,
                "hours_per_week": rng.choice([10.0, 15.0, 20.0, 25.0, 37.0]),
                "status": status,
                "deleted_at": None,
            },
        )

    def _employment(self, citizen_id: int, group: str, past: History) -> None:
        """Outcomes: the job or education a spell ended in, fleksjob, and paid hours (småjob) at
        the rates a jobcenter sees (refugees and ressourceforløb citizens among them)."""
        rng, as_of = self.rng, self.as_of
        rows = [dict(o, company_id=None) for o in past.outcomes if o["start_date"] <= as_of]
        for row in rows:
            if row["kind"] == "ordinary_job":
                row["company_id"] = rng.choice(self.companies)
        current = past.current
        start = current["start_date"]
        if group == "fleksjob":
            job = {
                "kind": "flexjob",
                "company_id": rng.choice(self.companies),
                "start_date": start,
                "end_date": None,
                "hours_per_week": float(rng.randint(8, 25)),
                "hours_per_month": None,
                "completed": None,
            }
            rows.append(job)
            rows.extend(self._more_flexjob_hours(job))
        elif rng.random() < PAID_HOURS.get(group, 0.0):
            begin = min(as_of, start + timedelta(days=rng.randint(10, 240)))
            rows.append(
                {
                    "kind": "paid_hours",
                    "company_id": rng.choice(self.companies),
                    "start_date": begin,
                    "end_date": None
                    if rng.random() < 0.7
                    else min(as_of, begin + timedelta(days=rng.randint(30, 200))),
                    "hours_per_week": None,
                    "hours_per_month": float(rng.choice([8, 12, 16, 20, 25, 30, 40])),
                    "completed": None,
                }
            )
        for row in rows:
            self.pop.add("employment", {"citizen_id": citizen_id, **row})

    def _more_flexjob_hours(self, job: dict[str, Any]) -> list[dict[str, Any]]:
        """Some fleksjob citizens go up in hours in the same job after a while (the row ends the
        day before, a new one with more hours starts, as ``change_flexjob_hours`` records it)."""
        rng = self.goal_rng
        first_possible = job["start_date"] + timedelta(days=90)
        if rng.random() > 0.25 or first_possible >= self.as_of:
            return []
        change = first_possible + timedelta(days=rng.randint(0, (self.as_of - first_possible).days))
        job["end_date"] = change - timedelta(days=1)
        return [dict(job, start_date=change, end_date=None,
                     hours_per_week=job["hours_per_week"] + rng.choice([2.0, 4.0, 5.0, 8.0]))]  # fmt: skip

    # --- company side ----------------------------------------------------------------------
    def company_side(self) -> None:
        rng, as_of = self.rng, self.as_of
        for company_id in self.companies:
            for _ in range(rng.randint(0, 6)):
                self.pop.add(
                    "company_contact",
                    {
                        "company_id": company_id,
                        "contacted_on": as_of - timedelta(days=rng.randint(0, 730)),
                        "kind": rng.choice(["visit", "call", "meeting", "email"]),
                        "caseworker_id": rng.choice(self.caseworkers),
                        "led_to_offer": rng.random() < 0.2,
                        "contact_person": f"{self.fake.first_name()} {self.fake.last_name()}",
                        "note": None,
                    },
                )
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                received = as_of - timedelta(days=rng.randint(0, 700))
                status = rng.choices(
                    ["open", "filled_ordinary", "filled_flexjob", "unfilled", "cancelled"],
                    weights=[3, 4, 1, 1, 1],
                )[0]
                if status == "open" and (as_of - received).days > 90:
                    status = rng.choice(["filled_ordinary", "unfilled"])  # old orders are closed
                self.pop.add(
                    "recruitment_order",
                    {
                        "company_id": company_id,
                        "received_on": received,
                        "title": rng.choice(JOBS),
                        "positions": rng.choice([1, 1, 2, 3]),
                        "status": status,
                        "closed_on": None
                        if status == "open"
                        else min(as_of, received + timedelta(days=rng.randint(7, 60))),
                    },
                )


#: Citizens generated between two drains of the stream (rows of ~2 000 citizens: ~30 MB).
STREAM_BATCH = 2_000


def stream(
    citizens: int,
    seed: int,
    as_of: date,
    rules: RuleBook | None = None,
    limits: tuple[DurationLimit, ...] | None = None,
    *,
    batch: int = STREAM_BATCH,
) -> tuple[Population, Iterator[dict[str, list[dict[str, Any]]]]]:
    """The same jobcenter as ``generate``, row for row, made a batch of citizens at a time: the
    population (its counts grow as the batches are taken) and the batches of rows (organisation
    first, then the citizens, then the company side). Memory stays bounded whatever the size."""
    generator = Generator(seed, as_of, *_rules_and_limits(rules, limits))

    def batches() -> Iterator[dict[str, list[dict[str, Any]]]]:
        generator.caseworkers_and_companies(citizens)
        yield generator.pop.drain()
        for n in range(1, citizens + 1):
            generator.citizen()
            if n % batch == 0:
                yield generator.pop.drain()
        generator.company_side()
        yield generator.pop.drain()

    return generator.pop, batches()


def _rules_and_limits(
    rules: RuleBook | None, limits: tuple[DurationLimit, ...] | None
) -> tuple[RuleBook, tuple[DurationLimit, ...]]:
    if rules is None or limits is None:
        from app.casework.deadlines.deadline_rule_files import shipped_rules
        from app.casework.offers.rule_files import offer_duration_limits

        rules = rules or shipped_rules()
        limits = limits or offer_duration_limits()
    return rules, limits


def generate(
    citizens: int,
    seed: int,
    as_of: date,
    rules: RuleBook | None = None,
    limits: tuple[DurationLimit, ...] | None = None,
) -> Population:
    """The whole synthetic jobcenter for ``citizens`` citizens (conversations and offers follow
    ``rules``, the rules in force by default)."""
    if rules is None or limits is None:
        from app.casework.deadlines.deadline_rule_files import shipped_rules
        from app.casework.offers.rule_files import offer_duration_limits

        rules = rules or shipped_rules()
        limits = limits or offer_duration_limits()
    generator = Generator(seed, as_of, rules, limits)
    generator.caseworkers_and_companies(citizens)
    for _ in range(citizens):
        generator.citizen()
    generator.company_side()
    return generator.pop
