"""The measures the four municipal plans need (issue 18), each on a small hand-made dataset with
the answer worked out by hand in the test (SQLite and PostgreSQL): people in an offer beside
offers started, ordinary education started, disability and fleksjob, the long-term unemployed and
supported, time on support across spells, the share of the 16–66 population, småjob judged on the
year, local recruitment orders, more fleksjob hours in the same job, and company coverage."""

from __future__ import annotations

from datetime import date

from app.casework.admin import org_settings
from app.casework.benefits.employment import (
    change_flexjob_hours,
    end_employment,
    register_employment,
)
from app.casework.core.actor import Actor
from app.casework.offers.companies import create_company, log_contact, save_recruitment_order
from app.casework.offers.offers import register_offer
from app.domain.periods import parse_period
from app.reports.measure_catalog import run_measure
from app.store.engine import Database
from tests.test_measures import ADULT, born, spell


def offer(db, actor, who, kind, start, end, company=None):  # type: ignore[no-untyped-def]
    return register_offer(
        db,
        actor,
        who,
        {
            "kind": kind,
            "company_id": company,
            "offered_on": start,
            "start_date": start,
            "planned_end": end,
        },
        today=start,
    )


def work(db, actor, who, kind, start, end=None, **hours):  # type: ignore[no-untyped-def]
    row = register_employment(db, actor, who, {"kind": kind, "start_date": start, **hours}).id
    if end is not None:
        end_employment(
            db, actor, row, end, completed=hours.get("completed") if kind == "education" else None
        )
    return row


# --- people in an offer (a stock) beside offers started -------------------------------------------
def test_people_in_an_offer_are_a_stock_not_offers_started(any_db: Database, actor: Actor) -> None:
    a, b, c, d, e = (born(any_db, actor, ADULT) for _ in range(5))
    for who in (a, b, c, d):
        spell(any_db, actor, who, "dagpenge", date(2025, 1, 6))
    spell(any_db, actor, e, "kontanthjaelp_jobparat", date(2025, 1, 6))
    firm = create_company(any_db, actor, {"cvr": "29074836", "name": "Firma"}).id
    # a: private løntilskud from 13 January to the end of June
    offer(any_db, actor, a, "loentilskud_privat", date(2025, 1, 13), date(2025, 6, 30), firm)
    # b: praktik 3–28 February
    offer(any_db, actor, b, "virksomhedspraktik", date(2025, 2, 3), date(2025, 2, 28), firm)
    # c: mentor (not company-based) all spring
    offer(any_db, actor, c, "mentor", date(2025, 2, 3), date(2025, 5, 30))
    # e (kontanthjælp): private løntilskud in March
    offer(any_db, actor, e, "loentilskud_privat", date(2025, 3, 3), date(2025, 8, 29), firm)
    march = parse_period("2025-03")
    # started in March: e's løntilskud only; in an offer in March: a and e (b's ended in February)
    assert run_measure(any_db, "offers_started", march, kinds=["loentilskud_privat"]).value == 1
    in_march = run_measure(any_db, "persons_in_offer", march)
    assert (in_march.value, in_march.unit) == (2, "persons")
    dagpenge_private = run_measure(
        any_db, "persons_in_offer", march, kinds=["loentilskud_privat"], groups=["dagpenge"]
    )
    assert dagpenge_private.value == 1  # a; e is on kontanthjælp
    one_day = parse_period("2025-02-14..2025-02-14")
    assert run_measure(any_db, "persons_in_offer", one_day).value == 2  # a and b that day
    # the activation rate in persons: of the 4 on dagpenge in Q1, a and b were in a
    # company-based offer (c's mentor does not count) -> 50 %
    rate = run_measure(any_db, "in_offer_share", parse_period("2025-Q1"), groups=["dagpenge"])
    assert (rate.value, rate.persons, rate.numerator) == (50.0, 4, 2)
    # any kind of offer: c's mentor counts too -> 3 of 4
    assert (
        run_measure(
            any_db,
            "in_offer_share",
            parse_period("2025-Q1"),
            groups=["dagpenge"],
            kinds=["virksomhedspraktik", "loentilskud_privat", "mentor"],
        ).value
        == 75.0
    )


def test_paid_hours_count_as_company_based_where_a_plan_says_so(
    any_db: Database, actor: Actor
) -> None:
    young = date(2001, 3, 1)
    a, b, c, d = (born(any_db, actor, young) for _ in range(4))
    for who in (a, b, c, d):
        spell(any_db, actor, who, "uddannelseshjaelp_uddannelsesparat", date(2025, 1, 6))
    offer(any_db, actor, a, "virksomhedspraktik", date(2025, 2, 3), date(2025, 2, 28))
    work(any_db, actor, b, "paid_hours", date(2025, 3, 1), hours_per_month=20)
    work(any_db, actor, c, "ordinary_job", date(2024, 6, 1), date(2024, 12, 31))  # before
    q1 = parse_period("2025-Q1")
    started = run_measure(any_db, "virksomhedsrettede_share", q1)
    assert (started.value, started.numerator) == (25.0, 1)  # a
    gentofte = run_measure(any_db, "virksomhedsrettede_share", q1, counts_too=1)
    assert (gentofte.value, gentofte.numerator) == (50.0, 2)  # a and b's paid hours
    stock = run_measure(any_db, "in_offer_share", q1, counts_too=1)
    assert stock.value == 50.0
    # d leaves for an ordinary job in March: counted where any work counts (Albertslund)
    work(any_db, actor, d, "ordinary_job", date(2025, 3, 17))
    assert run_measure(any_db, "in_offer_share", q1, counts_too=1).value == 50.0
    assert run_measure(any_db, "in_offer_share", q1, counts_too=2).value == 75.0


# --- education and upskilling started -----------------------------------------------------------
def test_ordinary_education_started_by_the_unemployed(any_db: Database, actor: Actor) -> None:
    a, b, c, d, e = (born(any_db, actor, ADULT) for _ in range(5))
    # a leaves dagpenge on 31 July and starts an education on 1 August: from the benefit
    spell(any_db, actor, a, "dagpenge", date(2025, 1, 6), date(2025, 7, 31))
    work(any_db, actor, a, "education", date(2025, 8, 1))
    # b starts an education a month after leaving kontanthjælp: not from the benefit
    spell(any_db, actor, b, "kontanthjaelp_jobparat", date(2025, 1, 6), date(2025, 6, 30))
    work(any_db, actor, b, "education", date(2025, 8, 1))
    # c gets ordinary education as an offer while on uddannelseshjælp
    spell(any_db, actor, c, "uddannelseshjaelp_uddannelsesparat", date(2025, 1, 6))
    offer(any_db, actor, c, "ordinaer_uddannelse", date(2025, 8, 11), date(2026, 6, 30))
    # d on sygedagpenge starts an education: not one of the groups
    spell(any_db, actor, d, "sygedagpenge", date(2025, 1, 6), date(2025, 8, 10))
    work(any_db, actor, d, "education", date(2025, 8, 11))
    # e on kontanthjælp starts a 6-week job-targeted course (upskilling, not ordinary education)
    spell(any_db, actor, e, "kontanthjaelp_jobparat", date(2025, 1, 6))
    offer(any_db, actor, e, "jobrettet_uddannelse", date(2025, 8, 18), date(2025, 9, 26))
    q3 = parse_period("2025-Q3")
    education = run_measure(any_db, "education_started", q3)
    assert (education.value, education.unit) == (2, "persons")  # a and c
    assert run_measure(any_db, "education_started", q3, groups=["dagpenge"]).value == 1
    upskilling = run_measure(any_db, "upskilling_started", q3)
    assert upskilling.value == 3  # a, c and e (MM17 counts persons)
    assert run_measure(any_db, "upskilling_started", parse_period("2025-Q2")).value == 0
    # more in job or education (Glostrup): a and d from their benefits; b not from one
    into = run_measure(any_db, "job_or_education_started", q3)
    assert into.value == 2
    f = born(any_db, actor, ADULT)
    spell(any_db, actor, f, "kontanthjaelp_aktivitetsparat", date(2024, 1, 1), date(2025, 9, 14))
    work(any_db, actor, f, "ordinary_job", date(2025, 9, 15), hours_per_week=30)
    assert run_measure(any_db, "job_or_education_started", q3).value == 3


# --- ministermål 4: disability and fleksjob ------------------------------------------------------
def test_persons_with_a_disability_in_work_and_ledighedsydelse_among_the_fleksjob_visiterede(
    any_db: Database, actor: Actor
) -> None:
    flagged = {"disability": True}
    a, b, c = (born(any_db, actor, ADULT, **flagged) for _ in range(3))
    unflagged = born(any_db, actor, ADULT)
    work(any_db, actor, a, "flexjob", date(2025, 1, 1), hours_per_week=12)
    work(any_db, actor, b, "paid_hours", date(2025, 5, 1), hours_per_month=30)
    work(any_db, actor, c, "ordinary_job", date(2024, 1, 1), date(2024, 12, 31))  # before 2025
    work(any_db, actor, unflagged, "ordinary_job", date(2025, 1, 1))
    assert run_measure(any_db, "disability_employed", parse_period("2025")).value == 2  # a, b
    assert run_measure(any_db, "disability_employed", parse_period("2025-Q1")).value == 1
    assert run_measure(any_db, "disability_employed", parse_period("2024")).value == 1  # c
    # 2 on ledighedsydelse and 8 in fleksjob all quarter: 2 / 10 = 20 %, numerator 2 persons
    for _ in range(2):
        spell(any_db, actor, born(any_db, actor, ADULT), "ledighedsydelse", date(2025, 1, 1))
    for _ in range(8):
        spell(any_db, actor, born(any_db, actor, ADULT), "fleksjob", date(2025, 1, 1))
    share = run_measure(any_db, "ledighedsydelse_share_of_flex", parse_period("2025-Q1"))
    assert (share.value, share.persons, share.numerator) == (20.0, 10, 2)


# --- long-term unemployed and supported -----------------------------------------------------------
def test_long_term_unemployed_and_long_term_supported(any_db: Database, actor: Actor) -> None:
    # The 52 weeks up to 31 Dec 2025 are 1 Jan – 31 Dec 2025 (364 days: from 2 Jan); 80 % of
    # 364 days is 291.2, so at least 292 days are needed.
    day = parse_period("2025-12-01..2025-12-31")  # its last day, 31 Dec 2025, is the one asked
    window_start = date(2025, 1, 2)
    a, b, c, d, e = (born(any_db, actor, ADULT) for _ in range(5))
    spell(any_db, actor, a, "dagpenge", date(2024, 6, 1))  # all year: long-term
    # b: dagpenge 2 Jan – 30 Apr (119 days), kontanthjælp jobparat from 1 Jun (214 days): 333
    spell(any_db, actor, b, "dagpenge", window_start, date(2025, 4, 30))
    spell(any_db, actor, b, "kontanthjaelp_jobparat", date(2025, 6, 1))
    # c: from 15 Mar (292 days to 31 Dec): exactly enough
    spell(any_db, actor, c, "dagpenge", date(2025, 3, 15))
    # d: from 16 Mar (291 days): just short
    spell(any_db, actor, d, "dagpenge", date(2025, 3, 16))
    # e: all year, but left for a job on 20 Dec: not ledig on the day
    spell(any_db, actor, e, "dagpenge", date(2024, 1, 1), date(2025, 12, 19))
    result = run_measure(any_db, "long_term_on_support", day)
    assert (result.value, result.params["days_needed"]) == (3, 292)  # a, b, c
    # long-term supported: every benefit — f on sygedagpenge then ressourceforløb all year
    f = born(any_db, actor, ADULT)
    spell(any_db, actor, f, "sygedagpenge", date(2024, 9, 1), date(2025, 5, 31))
    spell(any_db, actor, f, "ressourceforloeb", date(2025, 6, 1))
    supported = run_measure(
        any_db,
        "long_term_on_support",
        day,
        groups=[
            "dagpenge",
            "kontanthjaelp_jobparat",
            "sygedagpenge",
            "ressourceforloeb",
        ],
    )
    assert supported.value == 4  # a, b, c and f
    # with a shorter window of 26 weeks (3 Jul – 31 Dec, 182 days, 146 needed) d counts too
    assert run_measure(any_db, "long_term_on_support", day, window_weeks=26).value == 4


def test_total_time_on_support_across_spells_for_the_rehabilitating_effort(
    any_db: Database, actor: Actor
) -> None:
    a, b, c = (born(any_db, actor, ADULT) for _ in range(3))
    # a: sygedagpenge 1 Jan – 31 Mar 2024 (91 days), jobafklaring 1 Apr – 30 Sep 2024 (183),
    # ressourceforløb 1 Oct 2024 – 31 Mar 2025 (182): the ressourceforløb ends in Q1 2025 after
    # 91 + 183 + 182 = 456 days on support
    spell(any_db, actor, a, "sygedagpenge", date(2024, 1, 1), date(2024, 3, 31))
    spell(any_db, actor, a, "jobafklaring", date(2024, 4, 1), date(2024, 9, 30))
    spell(any_db, actor, a, "ressourceforloeb", date(2024, 10, 1), date(2025, 3, 31))
    # b: kontanthjælp until 31 Dec 2024, a 20-day break, then ressourceforløb 21 Jan – 20 Feb
    # 2025 (31 days): the run goes on across the break: 366 (2024) + 31 = 397
    spell(any_db, actor, b, "kontanthjaelp_aktivitetsparat", date(2024, 1, 1), date(2024, 12, 31))
    spell(any_db, actor, b, "ressourceforloeb", date(2025, 1, 21), date(2025, 2, 20))
    # c: kontanthjælp ended 31 Oct 2024, two months off, jobafklaring 1 Jan – 28 Feb 2025: the
    # break is over 28 days, so only the 59 days of jobafklaring count
    spell(any_db, actor, c, "kontanthjaelp_aktivitetsparat", date(2023, 1, 1), date(2024, 10, 31))
    spell(any_db, actor, c, "jobafklaring", date(2025, 1, 1), date(2025, 2, 28))
    result = run_measure(any_db, "support_duration", parse_period("2025-Q1"))
    assert (result.value, result.persons, result.unit) == (
        round((456 + 397 + 59) / 3, 1),
        3,
        "days",
    )
    # the per-spell mean the plan does not mean: (182 + 31 + 59) / 3
    per_spell = run_measure(
        any_db,
        "mean_days_on_support",
        parse_period("2025-Q1"),
        groups=["ressourceforloeb", "jobafklaring"],
    )
    assert per_spell.value == round((182 + 31 + 59) / 3, 1)


# --- the share of the 16–66 population ------------------------------------------------------------
def test_on_support_as_a_share_of_the_population_from_the_settings(
    any_db: Database, actor: Actor
) -> None:
    year = parse_period("2025")
    for _ in range(3):
        spell(any_db, actor, born(any_db, actor, ADULT), "dagpenge", date(2024, 1, 1))
    half = born(any_db, actor, ADULT)  # 1 Jan – 2 Jul 2025: 183 of 365 days
    spell(any_db, actor, half, "sygedagpenge", date(2025, 1, 1), date(2025, 7, 2))
    spell(any_db, actor, born(any_db, actor, ADULT), "selvforsoergende", date(2024, 1, 1))
    retired = born(any_db, actor, date(1957, 6, 1))  # 68 in 2025: outside 16–66
    spell(any_db, actor, retired, "foertidspension", date(2020, 1, 1))
    unknown = run_measure(any_db, "fte_population_share", year)
    assert unknown.value is None and unknown.params["population"] is None
    org_settings.set_value(any_db, actor, "population_16_66", "2024: 1000; 2025: 400")
    result = run_measure(any_db, "fte_population_share", year)
    # (3 + 183/365) full-time persons of 400 = 0.875... %; selvforsørgende never on support
    assert result.value == round(100 * (3 + 183 / 365) / 400, 2)
    assert (result.persons, result.numerator) == (400, 4)
    # a period over two years weighs each year's population by its days in the period
    span = parse_period("2024-07-01..2025-06-30")
    weighted = (1000 * 184 + 400 * 181) / 365
    assert run_measure(any_db, "fte_population_share", span).params["population"] == round(weighted)
    assert run_measure(any_db, "fte_population_share", parse_period("2026")).value is None


# --- småjob judged on the year (Herlev) -----------------------------------------------------------
def test_smajob_is_judged_on_the_year_so_far(any_db: Database, actor: Actor) -> None:
    a, b, c, d, e = (born(any_db, actor, date(1999, 1, 1)) for _ in range(5))
    spell(any_db, actor, a, "kontanthjaelp_aktivitetsparat", date(2023, 1, 1))
    spell(any_db, actor, b, "uddannelseshjaelp_aktivitetsparat", date(2023, 1, 1))  # under 30
    spell(any_db, actor, c, "ressourceforloeb", date(2023, 1, 1))
    spell(any_db, actor, d, "kontanthjaelp_jobparat", date(2023, 1, 1))  # not aktivitetsparat
    spell(any_db, actor, e, "ressourceforloeb", date(2023, 1, 1), date(2024, 3, 31))
    # a: småjob February–April 2024; b: from October 2024; c: 60 hours a month (above the
    # default band of 1–49); d: småjob but jobparat; e: småjob after leaving ressourceforløb
    work(any_db, actor, a, "paid_hours", date(2024, 2, 1), date(2024, 4, 30), hours_per_month=20)
    work(any_db, actor, b, "paid_hours", date(2024, 10, 1), hours_per_month=12)
    work(any_db, actor, c, "paid_hours", date(2024, 1, 1), hours_per_month=60)
    work(any_db, actor, d, "paid_hours", date(2024, 1, 1), hours_per_month=20)
    work(any_db, actor, e, "paid_hours", date(2024, 5, 1), hours_per_month=20)
    assert run_measure(any_db, "smajob_year_persons", parse_period("2024")).value == 2  # a, b
    # a month's figure is the year so far: June counts a (February–April), not b (October)
    june = run_measure(any_db, "smajob_year_persons", parse_period("2024-06"))
    assert (june.value, june.params["from"]) == (1, "2024-01-01")
    assert run_measure(any_db, "smajob_year_persons", parse_period("2024-01")).value == 0
    # the monthly count Herlev does not mean: in June itself nobody of the groups had småjob
    # (a's ended in April, b's starts in October, c's 60 hours are outside the band)
    june_only = run_measure(
        any_db,
        "smajob_persons",
        parse_period("2024-06"),
        groups=["kontanthjaelp_aktivitetsparat", "ressourceforloeb"],
    )
    assert june_only.value == 0
    org_settings.set_value(any_db, actor, "smajob_hours_max", 80)
    assert run_measure(any_db, "smajob_year_persons", parse_period("2024")).value == 3  # c too


# --- recruitment orders from local companies --------------------------------------------------------
def test_recruitment_orders_from_local_companies_with_open_and_cancelled_left_out(
    any_db: Database, actor: Actor
) -> None:
    local = create_company(
        any_db, actor, {"cvr": "29074836", "name": "Lokal", "postal_code": "2730", "local": True}
    ).id
    by_code = create_company(
        any_db, actor, {"cvr": "47887623", "name": "Nabo", "postal_code": "2750"}
    ).id
    away = create_company(
        any_db, actor, {"cvr": "10403782", "name": "Langt væk", "postal_code": "8000"}
    ).id

    def order(company: int, received: date, status: str, closed: date | None = None) -> None:
        save_recruitment_order(
            any_db,
            actor,
            company,
            {"received_on": received, "title": "Stilling", "status": status, "closed_on": closed},
        )

    order(local, date(2025, 2, 3), "filled_ordinary", date(2025, 3, 1))
    order(local, date(2025, 2, 10), "unfilled", date(2025, 4, 1))
    order(local, date(2025, 3, 3), "cancelled", date(2025, 3, 20))  # left out
    order(local, date(2025, 3, 10), "open")  # left out
    order(by_code, date(2025, 1, 20), "filled_flexjob", date(2025, 2, 20))
    order(away, date(2025, 1, 13), "filled_ordinary", date(2025, 2, 1))
    order(away, date(2025, 1, 14), "unfilled", date(2025, 2, 1))
    q1 = parse_period("2025-Q1")
    every = run_measure(any_db, "recruitment_orders_matched_share", q1)
    assert (every.value, every.persons) == (60.0, 5)  # 3 filled of 5 decided
    only_flag = run_measure(any_db, "recruitment_orders_matched_share", q1, local_only=1)
    assert (only_flag.value, only_flag.persons) == (50.0, 2)  # the one marked local
    org_settings.set_value(any_db, actor, "local_postal_codes", "2730, 2750")
    by_codes = run_measure(any_db, "recruitment_orders_matched_share", q1, local_only=1)
    assert (by_codes.value, by_codes.persons) == (66.7, 3)  # Nabo's postal code counts too


# --- fleksjob hours within the same job -------------------------------------------------------------
def test_more_fleksjob_hours_means_within_the_same_job(any_db: Database, actor: Actor) -> None:
    one = create_company(any_db, actor, {"cvr": "29074836", "name": "Et"}).id
    two = create_company(any_db, actor, {"cvr": "47887623", "name": "To"}).id
    a, b, c, d = (born(any_db, actor, ADULT) for _ in range(4))
    # a: 10 → 15 hours in the same job from 1 March
    job = work(any_db, actor, a, "flexjob", date(2025, 1, 1), hours_per_week=10, company_id=one)
    change_flexjob_hours(any_db, actor, job, 15, date(2025, 3, 1))
    # b: a new fleksjob at another employer with more hours: a new job, not more hours
    work(any_db, actor, b, "flexjob", date(2024, 1, 1), date(2025, 1, 31), hours_per_week=10,
         company_id=one)  # fmt: skip
    work(any_db, actor, b, "flexjob", date(2025, 2, 1), hours_per_week=20, company_id=two)
    # c: fewer hours in the same job
    job = work(any_db, actor, c, "flexjob", date(2025, 1, 1), hours_per_week=20, company_id=two)
    change_flexjob_hours(any_db, actor, job, 12, date(2025, 2, 1))
    # d: in fleksjob, no change
    work(any_db, actor, d, "flexjob", date(2024, 6, 1), hours_per_week=16, company_id=two)
    q1 = parse_period("2025-Q1")
    result = run_measure(any_db, "flexjob_hours_increased_share", q1)
    assert (result.value, result.persons, result.numerator) == (25.0, 4, 1)  # a of a, b, c, d
    assert run_measure(any_db, "flexjob_hours_increased_share", parse_period("2025-Q2")).value == 0


# --- company coverage against the kommune's companies -----------------------------------------------
def test_company_coverage_counts_against_the_kommunes_companies_above_the_size(
    any_db: Database, actor: Actor
) -> None:
    sizes = {"29074836": 40, "47887623": 3, "10403782": 2, "26244110": 12}
    ids = {
        cvr: create_company(
            any_db, actor, {"cvr": cvr, "name": cvr, "employees": n, "local": cvr != "26244110"}
        ).id
        for cvr, n in sizes.items()
    }
    for cvr in sizes:  # every company contacted in Q1
        log_contact(any_db, actor, ids[cvr], {"kind": "visit", "contacted_on": date(2025, 2, 3)})
    q1 = parse_period("2025-Q1")
    assert run_measure(any_db, "company_coverage_share", q1).value is None  # the number unknown
    # the kommune has 20 companies with more than two employees (3 or more)
    org_settings.set_value(any_db, actor, "companies_above_size", 20)
    coverage = run_measure(any_db, "company_coverage_share", q1)
    # reached: 29074836 and 47887623 (local, 3+); 10403782 is too small, 26244110 not local
    assert (coverage.value, coverage.persons) == (10.0, 20)
    assert coverage.params == {"min_employees": 3, "companies": 20}
    # the measure the plan does not mean: all registered companies with 3+ employees
    assert run_measure(any_db, "companies_contacted_share", q1).value == 100.0
    org_settings.set_values(
        any_db, actor, {"company_size_threshold": 10, "companies_above_size": 4}
    )
    assert run_measure(any_db, "company_coverage_share", q1).value == 25.0  # only 29074836
