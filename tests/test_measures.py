"""Every indicator measure on a small hand-made dataset, with the answer worked out by hand in
the test (SQLite and PostgreSQL): full-time persons by the day, spells over the period's edges,
leap years, age bands, the 190-hour variant, the småjob band from the settings, and more."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.casework.admin import org_settings
from app.casework.benefits.employment import register_employment
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.casework.offers.companies import create_company, log_contact
from app.casework.offers.offers import register_offer
from app.domain.errors import ValidationError
from app.domain.goalplan import born_by
from app.domain.identifiers import age_on
from app.domain.periods import parse_period
from app.reports.measure_catalog import MEASURES, run_measure
from app.store.engine import Database

_serial = count(1000)


def born(db: Database, actor: Actor, birth: date, **flags) -> int:
    """A synthetic citizen born on ``birth`` (the CPR's 7th digit gives the century)."""
    century = "4" if birth.year >= 2000 else "1"
    cpr = f"{birth:%d%m%y}{century}{next(_serial) % 1000:03d}"
    return create_citizen(
        db,
        actor,
        {"cpr": cpr, "first_name": "Syntetisk", "last_name": f"Person{cpr[-3:]}", **flags},
        today=date(2026, 11, 23),
    ).id


def spell(db: Database, actor: Actor, who: int, group: str, start: date, end: date | None = None):  # type: ignore[no-untyped-def]
    return start_spell(
        db, actor, who, {"target_group": group, "start_date": start, "end_date": end}
    )


ADULT = date(1990, 1, 1)


# --- full-time persons ----------------------------------------------------------------------------
def test_26_of_52_weeks_is_half_a_full_time_person_in_a_leap_year(
    any_db: Database, actor: Actor
) -> None:
    # 52 weeks from 1 Jan 2024 (a leap year) end on 29 Dec 2024: 364 days.
    weeks_52 = parse_period("2024-01-01..2024-12-29")
    assert weeks_52.days == 364
    # 26 weeks = 182 days: 1 Jan – 30 Jun 2024 (31 + 29 + 31 + 30 + 31 + 30 = 182).
    a = born(any_db, actor, ADULT)
    spell(any_db, actor, a, "dagpenge", date(2024, 1, 1), date(2024, 6, 30))
    assert run_measure(any_db, "fte", weeks_52, groups=["dagpenge"]).value == 0.5
    # a second person on the other 26 weeks (1 Jul – 29 Dec = 31+31+30+31+30+29 = 182 days)
    b = born(any_db, actor, ADULT)
    spell(any_db, actor, b, "dagpenge", date(2024, 7, 1))  # ongoing, crosses the period's end
    result = run_measure(any_db, "fte", weeks_52, groups=["dagpenge"])
    assert (result.value, result.persons, result.unit) == (1.0, 2, "fte")


def test_spells_crossing_the_period_edges_count_only_their_days_inside(
    any_db: Database, actor: Actor
) -> None:
    a, b = born(any_db, actor, ADULT), born(any_db, actor, ADULT)
    # A: 1 Dec 2023 – 15 Mar 2024; B: 20 Feb 2024 – 31 May 2024
    spell(any_db, actor, a, "sygedagpenge", date(2023, 12, 1), date(2024, 3, 15))
    spell(any_db, actor, b, "sygedagpenge", date(2024, 2, 20), date(2024, 5, 31))
    february = parse_period("2024-02")  # 29 days in 2024
    # A all 29 days; B 20–29 Feb = 10 days  ->  (29 + 10) / 29 = 1.3448…
    assert run_measure(any_db, "fte", february).value == round(39 / 29, 2) == 1.34
    q1 = parse_period("2024-Q1")  # 91 days
    # A: 1 Jan – 15 Mar = 31 + 29 + 15 = 75; B: 20 Feb – 31 Mar = 10 + 31 = 41 -> 116 / 91
    assert run_measure(any_db, "fte", q1).value == round(116 / 91, 2)
    # 2023: only A, 1–31 Dec = 31 days of 365
    assert run_measure(any_db, "fte", parse_period("2023")).value == round(31 / 365, 2)
    assert run_measure(any_db, "persons", q1).value == 2
    assert run_measure(any_db, "persons", parse_period("2024-04")).value == 1


def test_an_age_band_counts_the_age_on_the_last_day_of_the_period(
    any_db: Database, actor: Actor
) -> None:
    young = born(any_db, actor, date(1995, 6, 30))  # 29 on 30 Jun 2025, 30 from 30 Jun 2025
    older = born(any_db, actor, date(1990, 1, 1))
    leapling = born(any_db, actor, date(2000, 2, 29))  # 18 on 1 Mar 2018 (common year)
    for who in (young, older, leapling):
        spell(any_db, actor, who, "kontanthjaelp_jobparat", date(2018, 1, 1))
    june_2025 = parse_period("2025-06")  # ends 30 Jun 2025: young has turned 30
    assert run_measure(any_db, "persons", june_2025, max_age=29).value == 1  # the leapling (25)
    assert run_measure(any_db, "persons", parse_period("2025-05"), max_age=29).value == 2
    assert run_measure(any_db, "persons", june_2025, min_age=30).value == 2
    feb_2018 = parse_period("2018-02")  # ends 28 Feb 2018: the leapling is still 17
    assert run_measure(any_db, "persons", feb_2018, min_age=18).value == 2
    assert run_measure(any_db, "persons", parse_period("2018-03"), min_age=18).value == 3
    assert run_measure(any_db, "fte", june_2025, min_age=18, max_age=29).value == 1.0


@given(
    st.dates(date(1950, 1, 1), date(2010, 12, 31)),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    st.integers(0, 80),
)
def test_born_by_agrees_with_age_on(birth: date, on: date, age: int) -> None:
    assert (birth <= born_by(on, age)) == (age_on(birth, on) >= age)


# --- offers -----------------------------------------------------------------------------------------
def _offer(db, actor, who, kind, start, company=None):  # type: ignore[no-untyped-def]
    return register_offer(
        db,
        actor,
        who,
        {
            "kind": kind,
            "company_id": company,
            "offered_on": start,
            "start_date": start,
            "planned_end": date(start.year, start.month, 28),
        },
        today=start,
    )


def test_offers_started_company_based_share_and_upskilling(any_db: Database, actor: Actor) -> None:
    a, b, c, d = (born(any_db, actor, ADULT) for _ in range(4))
    for who in (a, b, c, d):
        spell(any_db, actor, who, "kontanthjaelp_jobparat", date(2025, 1, 6))
    bakery = create_company(any_db, actor, {"cvr": "29074836", "name": "Bageriet"}).id
    _offer(any_db, actor, a, "virksomhedspraktik", date(2025, 2, 3), bakery)
    _offer(any_db, actor, a, "loentilskud_privat", date(2025, 3, 3), bakery)
    _offer(any_db, actor, b, "nytteindsats", date(2025, 2, 10))  # not company-based (domain §3)
    _offer(any_db, actor, c, "jobrettet_uddannelse", date(2025, 3, 17))
    _offer(any_db, actor, d, "mentor", date(2025, 4, 1))  # Q2
    q1 = parse_period("2025-Q1")
    started = run_measure(any_db, "offers_started", q1)
    assert (started.value, started.persons) == (4, 3)  # a twice, b, c
    assert run_measure(any_db, "offers_started", q1, kinds=["virksomhedspraktik"]).value == 1
    assert run_measure(any_db, "offers_started", q1, groups=["dagpenge"]).value == 0
    # 1 of the 4 persons in the group (a) started a company-based offer -> 25 %
    assert run_measure(any_db, "virksomhedsrettede_share", q1).value == 25.0
    assert run_measure(any_db, "upskilling_started", q1).value == 1  # c's job-targeted education
    assert run_measure(any_db, "offers_started", parse_period("2025-02")).value == 2


# --- work, paid hours, småjob, refugees -------------------------------------------------------------
def test_smajob_band_comes_from_the_organisation_settings(any_db: Database, actor: Actor) -> None:
    a, b, c = (born(any_db, actor, ADULT) for _ in range(3))
    register_employment(
        any_db,
        actor,
        a,
        {"kind": "paid_hours", "start_date": date(2025, 1, 1), "hours_per_month": 20},
    )
    register_employment(
        any_db,
        actor,
        b,
        {"kind": "paid_hours", "start_date": date(2025, 1, 1), "hours_per_month": 45},
    )
    # 12 hours a week = 12 × 52 / 12 = 52 hours a month: above the default band 1–49
    register_employment(
        any_db,
        actor,
        c,
        {"kind": "paid_hours", "start_date": date(2025, 1, 1), "hours_per_week": 12},
    )
    q1 = parse_period("2025-Q1")
    default = run_measure(any_db, "smajob_persons", q1)
    assert (default.value, default.params["band"]) == (2, [1.0, 49.0])
    org_settings.set_value(any_db, actor, "smajob_hours_min", 20)
    org_settings.set_value(any_db, actor, "smajob_hours_max", 40)
    narrow = run_measure(any_db, "smajob_persons", q1)
    assert (narrow.value, narrow.params["band"]) == (1, [20.0, 40.0])  # only a
    org_settings.set_value(any_db, actor, "smajob_hours_max", 60)
    assert run_measure(any_db, "smajob_persons", q1).value == 3
    assert run_measure(any_db, "persons_paid_hours", q1).value == 3


def test_refugee_self_support_any_hours_and_the_190_hour_variant(
    any_db: Database, actor: Actor
) -> None:
    flagged = {"refugee_or_reunified": True, "refugee_year": 2020}
    part, full, few, none_ = (born(any_db, actor, ADULT, **flagged) for _ in range(4))
    too_old = born(any_db, actor, date(1958, 1, 1), **flagged)  # 67 at the end of 2025
    unflagged = born(any_db, actor, ADULT)
    # The window of the 190-hour variant for Q3 2025: 1 Jul – 30 Sep (92 days).
    # part: 70 hours a month all along -> 3 × 70 = 210 hours  (≥ 190)
    register_employment(
        any_db,
        actor,
        part,
        {"kind": "paid_hours", "start_date": date(2025, 1, 1), "hours_per_month": 70},
    )
    # full: ordinary job, 15 hours a week from 1 Jul -> 92 × 15 / 7 = 197.1 hours (≥ 190)
    register_employment(
        any_db,
        actor,
        full,
        {"kind": "ordinary_job", "start_date": date(2025, 7, 1), "hours_per_week": 15},
    )
    # few: 10 hours a week from 1 Jul -> 131.4 hours (< 190), but some hours
    register_employment(
        any_db,
        actor,
        few,
        {"kind": "ordinary_job", "start_date": date(2025, 7, 1), "hours_per_week": 10},
    )
    for who in (too_old, unflagged):
        register_employment(
            any_db,
            actor,
            who,
            {"kind": "ordinary_job", "start_date": date(2025, 1, 1), "hours_per_week": 37},
        )
    q3 = parse_period("2025-Q3")
    anyhours = run_measure(any_db, "refugee_self_support_share", q3)
    # base: part, full, few, none_ (18–66, flagged) = 4; in work: part, full, few = 3 -> 75 %
    assert (anyhours.value, anyhours.persons) == (75.0, 4)
    assert anyhours.params == {"min_age": 18, "max_age": 66}
    # MM13 is a monthly status, the quarter the average of its months. 190 hours in the month
    # and the two before: July (May–Jul) part only (full has 31 × 15 / 7 = 66 hours); August
    # (Jun–Aug) part only (62 × 15 / 7 = 133); September (Jul–Sep) part and full (197): 4 / 12.
    hours190 = run_measure(any_db, "refugee_self_support_share", q3, min_hours=190)
    assert (hours190.value, hours190.numerator) == (33.3, 1)
    september = run_measure(
        any_db, "refugee_self_support_share", parse_period("2025-09"), min_hours=190
    )
    assert (september.value, september.persons, september.numerator) == (50.0, 4, 2)
    assert (
        run_measure(any_db, "refugee_self_support_share", q3, max_age=70).value == 80.0
    )  # too_old counted with a wider band: 4 of 5
    spell(any_db, actor, none_, "kontanthjaelp_jobparat", date(2025, 1, 1))
    spell(any_db, actor, part, "kontanthjaelp_jobparat", date(2025, 1, 1))
    jobparate = run_measure(
        any_db, "refugee_self_support_share", q3, groups=["kontanthjaelp_jobparat"]
    )
    assert (jobparate.value, jobparate.persons) == (50.0, 2)
    with pytest.raises(ValidationError):
        run_measure(any_db, "refugee_self_support_share", q3, min_hours=100)


def test_mean_days_on_support_and_ledighedsydelse_share_of_fleksjob(
    any_db: Database, actor: Actor
) -> None:
    a, b, c, d = (born(any_db, actor, ADULT) for _ in range(4))
    spell(any_db, actor, a, "ressourceforloeb", date(2025, 1, 1), date(2025, 1, 31))  # 31 days
    spell(any_db, actor, b, "ressourceforloeb", date(2024, 12, 1), date(2025, 1, 30))  # 61 days
    spell(any_db, actor, c, "ressourceforloeb", date(2024, 1, 1))  # ongoing: not counted
    spell(any_db, actor, d, "ressourceforloeb", date(2024, 1, 1), date(2024, 6, 30))  # before
    mean = run_measure(any_db, "mean_days_on_support", parse_period("2025-Q1"))
    assert (mean.value, mean.persons) == (46.0, 2)  # (31 + 61) / 2
    e, f, g = (born(any_db, actor, ADULT) for _ in range(3))
    spell(any_db, actor, e, "ledighedsydelse", date(2026, 1, 1))
    spell(any_db, actor, f, "fleksjob", date(2026, 1, 1))
    spell(any_db, actor, g, "fleksjob", date(2026, 1, 1))
    # full-time persons in Q1 2026: 1 on ledighedsydelse, 2 in fleksjob -> 1 / 3 = 33.3 %
    share = run_measure(any_db, "ledighedsydelse_share_of_flex", parse_period("2026-Q1"))
    assert (share.value, share.persons) == (33.3, 3)


def test_youth_dropout_is_a_start_cohort_followed_for_12_months(
    any_db: Database, actor: Actor
) -> None:
    """Of the young people who started an education in 2024, the 2025 figure is the share who
    dropped out within 12 months and had not returned (not in an education, none finished) at
    the 12-month day."""
    from app.casework.benefits.employment import end_employment

    def school(who: int, start: date, end: date | None = None, completed=None):  # type: ignore[no-untyped-def]
        row = register_employment(any_db, actor, who, {"kind": "education", "start_date": start}).id
        if end is not None:
            end_employment(any_db, actor, row, end, completed=completed)

    young = date(2000, 5, 1)
    gone, back, still, late, earlier = (born(any_db, actor, young) for _ in range(5))
    older = born(any_db, actor, date(1989, 1, 1))  # 35 when starting
    school(gone, date(2024, 2, 1), date(2024, 5, 31), False)  # dropped, never back: drop-out
    school(back, date(2024, 3, 1), date(2024, 6, 30), False)  # dropped ...
    school(back, date(2024, 9, 1))  # ... and back in an education within the 12 months
    school(still, date(2024, 8, 15))  # ongoing
    school(late, date(2024, 1, 8), date(2025, 3, 31), False)  # dropped after 14 months
    school(older, date(2024, 2, 1), date(2024, 4, 30), False)  # 30 or older: left out
    school(earlier, date(2023, 8, 1), date(2024, 2, 28), False)  # the 2023 cohort
    result = run_measure(any_db, "youth_education_dropout", parse_period("2025"))
    # starters of 2024 under 30: gone, back, still, late = 4; dropped out and not back: gone
    assert (result.value, result.persons, result.numerator) == (25.0, 4, 1)
    assert result.params["cohort"] == ["2024-01-01", "2024-12-31"]
    wider = run_measure(any_db, "youth_education_dropout", parse_period("2025"), max_age=40)
    assert (wider.value, wider.persons) == (40.0, 5)  # older too: 2 of 5
    assert run_measure(any_db, "youth_education_dropout", parse_period("2024")).value == 100.0
    spring = run_measure(any_db, "youth_education_dropout", parse_period("2025-Q1"))
    assert (spring.value, spring.persons) == (33.3, 3)  # started Jan–Mar 2024: gone, back, late


def test_company_contacts_and_the_size_limit(any_db: Database, actor: Actor) -> None:
    big = create_company(any_db, actor, {"cvr": "29074836", "name": "Stor", "employees": 40}).id
    mid = create_company(any_db, actor, {"cvr": "47887623", "name": "Mellem", "employees": 5}).id
    create_company(any_db, actor, {"cvr": "10403782", "name": "Lille", "employees": 2})
    log_contact(any_db, actor, big, {"kind": "visit", "contacted_on": date(2025, 2, 3)})
    log_contact(
        any_db,
        actor,
        big,
        {"kind": "call", "contacted_on": date(2025, 2, 10), "led_to_offer": True},
    )
    log_contact(any_db, actor, mid, {"kind": "call", "contacted_on": date(2025, 5, 1)})
    q1 = parse_period("2025-Q1")
    assert run_measure(any_db, "company_contacts_unique", q1).value == 1  # big, twice
    assert run_measure(any_db, "company_contacts_to_offer", q1).value == 1
    # companies with ≥ 3 employees: big and mid; contacted in Q1: big -> 50 %
    assert run_measure(any_db, "companies_contacted_share", q1).value == 50.0
    assert run_measure(any_db, "companies_contacted_share", q1, min_employees=10).value == 100.0
    year = run_measure(any_db, "companies_contacted_share", parse_period("2025"), min_employees=1)
    assert (year.value, year.persons) == (66.7, 3)


def test_offers_on_time_share_follows_ret_og_pligt(any_db: Database, actor: Actor) -> None:
    on_time, missing = born(any_db, actor, ADULT), born(any_db, actor, ADULT)
    for who in (on_time, missing):
        spell(any_db, actor, who, "dagpenge", date(2025, 1, 6))
    register_offer(
        any_db,
        actor,
        on_time,
        {
            "kind": "virksomhedspraktik",
            "offered_on": date(2025, 4, 1),
            "start_date": date(2025, 4, 7),
            "planned_end": date(2025, 5, 2),
        },
        today=date(2025, 4, 1),
    )
    # ret og pligt falls due 6 months in (6 Jul 2025): one offer started in time, one missing
    result = run_measure(any_db, "offers_on_time_share", parse_period("2025"))
    assert (result.value, result.persons) == (50.0, 2)


def test_a_parameter_the_measure_does_not_take_is_refused(db: Database) -> None:
    period = parse_period("2025")
    with pytest.raises(ValidationError) as error:
        run_measure(db, "recruitment_orders_matched_share", period, groups=["dagpenge"])
    assert "groups" in str(error.value)
    with pytest.raises(ValidationError):
        run_measure(db, "fte", period, groups=["no-such-group"])
    with pytest.raises(ValidationError):
        run_measure(db, "share_75_rule", period, groups=["sygedagpenge"])
    with pytest.raises(ValidationError):
        run_measure(db, "persons", period, min_age=40, max_age=30)


def test_every_measure_of_the_issue_exists_with_a_title_and_definition() -> None:
    listed = (
        "fte persons offers_started virksomhedsrettede_share persons_in_offer in_offer_share "
        "upskilling_started education_started job_or_education_started "
        "refugee_self_support_share persons_paid_hours paid_hours_share smajob_persons "
        "smajob_year_persons recruitment_orders_matched_share conversations_on_time_share "
        "offers_on_time_share assessments_on_time_share share_75_rule share_75_offers "
        "conversations_by_six_months_share offer_by_six_months_share "
        "flexjob_hours_increased_share ledighedsydelse_share_of_flex youth_education_dropout "
        "company_contacts_unique company_contacts_to_offer companies_contacted_share "
        "company_coverage_share mean_days_on_support support_duration long_term_on_support "
        "fte_population_share disability_employed"
    ).split()
    assert list(MEASURES) == listed
    for measure in MEASURES.values():
        assert measure.title and measure.definition and measure.unit


def test_conversations_on_time_share(any_db: Database, actor: Actor) -> None:
    from app.casework.conversations.conversations import book_conversation, record_outcome

    a = born(any_db, actor, ADULT)
    spell(any_db, actor, a, "kontanthjaelp_jobparat", date(2025, 1, 6))
    talk = book_conversation(any_db, actor, a, datetime(2025, 1, 8, 10, 0)).id
    record_outcome(any_db, actor, talk, "held", held_on=date(2025, 1, 8), today=date(2025, 1, 8))
    # due in 2025: the first conversation (met) and 4 within 6 months (1 held: missed) -> 50 %
    assert run_measure(any_db, "conversations_on_time_share", parse_period("2025")).value == 50.0


def test_deleted_citizens_are_left_out_of_every_figure(any_db: Database, actor: Actor) -> None:
    """A citizen deleted (registered by mistake, say) counts nowhere; restored, they count again."""
    from app.casework.citizens.citizens import delete_citizen, restore_citizen
    from app.casework.deadlines.deadline_rule_files import load_rule_sets
    from app.reports.measure_catalog import MEASURES

    period = parse_period("2025")
    people = [born(any_db, actor, ADULT) for _ in range(6)]
    for who in people:
        spell(any_db, actor, who, "sygedagpenge", date(2025, 1, 1), date(2025, 12, 31))
    counted = ("fte", "persons", "conversations_on_time_share")
    before = {name: run_measure(any_db, name, period) for name in counted}
    delete_citizen(any_db, actor, people[0], reason="Oprettet ved en fejl (test)")
    after = {name: run_measure(any_db, name, period) for name in counted}
    assert after["persons"].value == before["persons"].value - 1
    assert after["fte"].value == before["fte"].value - 1.0
    on_time = "conversations_on_time_share"
    assert before[on_time].persons == len(people)
    assert after[on_time].persons == len(people) - 1
    rules = load_rule_sets().book
    for name in MEASURES:  # every measure still runs with a deleted citizen about
        run_measure(any_db, name, period, rules=rules)
    restore_citizen(any_db, actor, people[0])
    assert run_measure(any_db, "persons", period).value == before["persons"].value
