"""The deadlines as the law counts them: LAB § 9 periods, rule sets by due date, and the individual
corrections of the legal review of 2 Dec 2026 — each against dates worked out by hand.

Every expected date below is written out with the arithmetic behind it (shared/domain.md §4):
"months A to B" is S + A months … S + B months − 1 day; a break of k days moves later dates by k.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.casework.deadlines.deadline_rule_files import shipped_rules
from app.domain.deadlines import (
    CitizenFacts,
    ConversationFacts,
    OfferFacts,
    RuleBook,
    SpellFacts,
    compute,
    period_summaries,
    visible_on,
)

RULES = shipped_rules()
BORN = date(1980, 5, 1)  # 44–47 years old in these tests


def deadlines(spells, as_of, talks=(), offers=(), *, born=BORN, rules=RULES) -> list:
    return compute(CitizenFacts(born, list(spells), list(talks), list(offers)), rules, as_of)


def by_rule(spells, as_of, talks=(), offers=(), **kw) -> dict:
    found = deadlines(spells, as_of, talks, offers, **kw)
    result: dict = {}
    for d in found:
        result.setdefault(d.rule_id, []).append(d)
    return result


def one(found: dict, rule_id: str):
    assert rule_id in found, f"{rule_id} missing; found {sorted(found)}"
    assert len(found[rule_id]) == 1, found[rule_id]
    return found[rule_id][0]


def held(day: date, by: str = "jobcenter", kind: str = "jobsamtale", channel="in_person", **kw):
    return ConversationFacts(day, "held", by, kind, channel, **kw)


def spell(group: str, start: date, end: date | None = None, **kw) -> SpellFacts:
    return SpellFacts(group, start, end, **kw)


# === § 9 periods: kontanthjælp and uddannelseshjælp =================================================
def test_kontanthjaelp_counts_from_the_first_request_which_may_lie_before_the_benefit() -> None:
    found = by_rule(
        [spell("kontanthjaelp_jobparat", date(2025, 2, 10), first_request_on=date(2025, 2, 1))],
        date(2025, 3, 1),
        talks=[held(date(2025, 2, 5))],  # before the benefit's first day: it counts
    )
    first = one(found, "kontanthjaelp_first_week")
    assert (first.period_start, first.due, first.status) == (
        date(2025, 2, 1),
        date(2025, 2, 8),  # 1 Feb + 7 days
        "met",
    )
    four = one(found, "four_in_six_months")
    assert (four.window_start, four.due, four.done) == (
        date(2025, 2, 1),
        date(2025, 7, 31),  # 1 Feb + 6 months − 1 day
        1,
    )
    assert one(found, "ret_og_pligt").due == date(2025, 8, 1)  # 1 Feb + 6 months


def test_without_a_first_request_the_spells_first_day_is_used() -> None:
    found = by_rule([spell("kontanthjaelp_jobparat", date(2025, 2, 10))], date(2025, 3, 1))
    first = one(found, "kontanthjaelp_first_week")
    assert (first.period_start, first.due) == (date(2025, 2, 10), date(2025, 2, 17))
    assert "anchor" not in first.details


def test_jobparat_to_aktivitetsparat_is_the_same_benefit_and_continues_the_period() -> None:
    spells = [
        spell("kontanthjaelp_jobparat", date(2025, 1, 6), date(2025, 3, 31)),
        spell("kontanthjaelp_aktivitetsparat", date(2025, 4, 1)),
    ]
    talks = [
        held(date(2025, 1, 8)),
        held(date(2025, 2, 8)),
        held(date(2025, 4, 3)),
        held(date(2025, 5, 3)),
    ]
    found = by_rule(spells, date(2025, 8, 1), talks)
    assert len(found["kontanthjaelp_first_week"]) == 1, "no new first conversation"
    four = one(found, "four_in_six_months")
    assert (four.period_start, four.due, four.status, four.met_on) == (
        date(2025, 1, 6),
        date(2025, 7, 5),  # 6 Jan + 6 months − 1 day: one period across the change
        "met",
        date(2025, 5, 3),  # conversations in both spells count
    )
    assert four.target_group == "kontanthjaelp_aktivitetsparat", "the group on the due date"
    assert one(found, "ret_og_pligt").due == date(2025, 7, 6)


def test_uddannelseshjaelp_to_kontanthjaelp_starts_a_new_period_at_the_move() -> None:
    spells = [
        spell("uddannelseshjaelp_uddannelsesparat", date(2024, 6, 3), date(2025, 1, 31)),
        spell("kontanthjaelp_jobparat", date(2025, 2, 1), first_request_on=date(2024, 5, 27)),
    ]
    found = by_rule(spells, date(2025, 3, 1))
    fours = sorted(found["four_in_six_months"], key=lambda d: d.due)
    assert [(d.period_start, d.due) for d in fours] == [
        (date(2024, 6, 3), date(2024, 12, 2)),  # the uddannelseshjælp period
        (date(2025, 2, 1), date(2025, 7, 31)),  # the kontanthjælp period, from the move
    ]
    firsts = found["kontanthjaelp_first_week"]
    assert [d.due for d in firsts] == [date(2024, 6, 10)], "a move is no new request"
    assert fours[1].details["anchor"] == "transition"


def test_a_change_to_another_benefit_starts_a_new_period() -> None:
    spells = [
        spell("kontanthjaelp_aktivitetsparat", date(2025, 1, 6), date(2025, 3, 31)),
        spell("ressourceforloeb", date(2025, 4, 1)),
    ]
    found = by_rule(spells, date(2025, 6, 1))
    four = [d for d in found["four_in_six_months"] if d.target_group == "ressourceforloeb"]
    assert [(d.period_start, d.due) for d in four] == [(date(2025, 4, 1), date(2025, 9, 30))]


def test_kontanthjaelp_after_a_gap_is_a_new_period_from_its_new_request() -> None:
    spells = [
        spell("kontanthjaelp_jobparat", date(2024, 1, 8), date(2024, 2, 29)),
        spell("kontanthjaelp_jobparat", date(2024, 5, 6), first_request_on=date(2024, 5, 1)),
    ]
    found = by_rule(spells, date(2024, 6, 1))
    assert [d.due for d in found["kontanthjaelp_first_week"]] == [
        date(2024, 1, 15),
        date(2024, 5, 8),
    ]


def test_revalidering_never_restarts_on_a_change_of_benefit() -> None:
    spells = [
        spell("revalidering", date(2025, 1, 6), date(2025, 2, 28)),
        spell("revalidering", date(2025, 3, 1)),  # a new spell, e.g. another benefit paid
    ]
    found = by_rule(spells, date(2025, 4, 1))
    assert [(d.period_start, d.due) for d in found["four_in_six_months"]] == [
        (date(2025, 1, 6), date(2025, 7, 5))
    ]


# === § 9 periods: dagpenge, sammenlagt ledighed =====================================================
DAGPENGE_BREAK = [
    spell("dagpenge", date(2025, 1, 6), date(2025, 2, 28)),  # 54 days counted: day 0 … 53
    # a job from 1 to 31 March: 31 days of break
    spell("dagpenge", date(2025, 4, 1)),  # the count goes on at day 54
]


def test_a_break_pauses_the_dagpenge_count_and_moves_later_due_dates() -> None:
    found = by_rule(DAGPENGE_BREAK, date(2025, 4, 15))
    first = one(found, "dagpenge_first_akasse")
    assert first.due == date(2025, 1, 20), "6 Jan + 2 weeks, before the break: not moved"
    akasse = one(found, "dagpenge_akasse_months_0_3")
    assert akasse.due == date(2025, 5, 6), "6 Jan + 3 months − 1 day = 5 Apr, + 31 days"
    jobcenter = one(found, "dagpenge_jobcenter_months_3_6")
    assert (jobcenter.window_start, jobcenter.due) == (
        date(2025, 5, 7),  # 6 Apr + 31
        date(2025, 8, 5),  # 5 Jul + 31
    )
    assert one(found, "ret_og_pligt").due == date(2025, 8, 6)  # 6 Jul + 31
    assert one(found, "dagpenge_16_months").window_start == date(2026, 2, 6)  # 6 Jan 2026 + 31
    assert first.details["counted"] == "accumulated"


def test_a_conversation_during_the_break_does_not_count() -> None:
    talks = [held(date(2025, 3, 10), "a_kasse"), held(date(2025, 4, 10), "a_kasse")]
    akasse = one(by_rule(DAGPENGE_BREAK, date(2025, 4, 15), talks), "dagpenge_akasse_months_0_3")
    assert akasse.done == 1


def test_dagpenge_due_after_the_last_day_on_dagpenge_waits_for_the_return() -> None:
    found = by_rule(DAGPENGE_BREAK[:1], date(2025, 3, 15))
    assert "dagpenge_first_akasse" in found
    assert "dagpenge_akasse_months_0_3" not in found, "not generated while the citizen is in a job"


def test_a_new_dagpengeperiode_starts_the_count_from_zero() -> None:
    first = spell("dagpenge", date(2024, 3, 4), date(2024, 6, 30))
    again = spell("dagpenge", date(2025, 9, 1))
    continued = by_rule([first, again], date(2025, 9, 5))
    # The same dagpengeperiode: 4 Mar … 30 Jun 2024 is day 0 … 118; 1 Sep 2025 is day 119. Sixteen
    # months (4 Jul 2025) is day 487: 1 Sep 2025 + 368 days.
    assert continued["dagpenge_16_months"][0].due == date(2026, 9, 4)
    renewed = by_rule(
        [first, again._replace(new_dagpengeperiode_on=date(2025, 9, 1))], date(2025, 9, 5)
    )
    starts = sorted(d.period_start for d in renewed["dagpenge_first_akasse"])
    assert starts == [date(2024, 3, 4), date(2025, 9, 1)]
    assert max(d.due for d in renewed["dagpenge_first_akasse"]) == date(2025, 9, 15)


def test_five_years_without_dagpenge_starts_the_count_from_zero() -> None:
    spells = [
        spell("dagpenge", date(2019, 1, 7), date(2019, 6, 30)),
        spell("dagpenge", date(2025, 1, 6)),
    ]
    found = by_rule(spells, date(2025, 1, 10))
    assert [d.due for d in found["dagpenge_first_akasse"]] == [date(2025, 1, 20)]


def test_a_known_amount_of_accumulated_unemployment_sets_the_clock() -> None:
    # The a-kasse reports 962 hours (26 weeks at 37 hours = 182 days) on 1 Sep 2025: day 0 of the
    # count is 1 Sep − 182 days = 3 Mar 2025.
    known = spell("dagpenge", date(2025, 9, 1), ledighed_hours=962, ledighed_on=date(2025, 9, 1))
    found = by_rule([known], date(2025, 9, 10))
    jobcenter = one(found, "dagpenge_jobcenter_months_3_6")
    assert (jobcenter.period_start, jobcenter.due) == (date(2025, 3, 3), date(2025, 9, 2))
    assert "dagpenge_first_akasse" not in found, "due before the jobcenter had the case"
    assert one(found, "ret_og_pligt").due == date(2025, 9, 3)
    assert jobcenter.details["anchor"] == "statement"
    part_time = by_rule(
        [known._replace(part_time_insured=True, ledighed_hours=780)], date(2025, 9, 10)
    )
    # 780 hours at 30 a week = 26 weeks: the same day 0.
    assert one(part_time, "ret_og_pligt").due == date(2025, 9, 3)


def test_the_covid_freeze_does_not_count_towards_ledighed() -> None:
    # 6 Jan … 29 Feb 2020 = day 0 … 54; 1 Mar … 31 Aug 2020 frozen; 1 Sep … 31 Dec 2020 = day 55 …
    # 176; 1 Jan … 30 Jun 2021 frozen; 1 Jul 2021 = day 177.
    found = by_rule([spell("dagpenge", date(2020, 1, 6))], date(2021, 8, 1))
    four = one(found, "dagpenge_jobcenter_4_in_6")
    assert four.due == date(2021, 7, 5), "5 Jul 2020 is day 181 = 1 Jul 2021 + 4 days"


# === sygedagpenge ====================================================================================
def test_sygedagpenge_count_from_the_first_day_of_absence() -> None:
    found = by_rule(
        [
            spell(
                "sygedagpenge",
                date(2026, 9, 1),
                absence_start_on=date(2026, 8, 3),
                sick_category="2",
            )
        ],
        date(2026, 9, 2),
    )
    first = one(found, "sygedagpenge_first_week_8")
    assert (first.period_start, first.due, first.status) == (
        date(2026, 8, 3),
        date(2026, 9, 27),  # 3 Aug + 7·8 − 1 days
        "open",
    )
    assert one(found, "sygedagpenge_four_in_six").due == date(2027, 2, 2)
    assert "category_unknown" not in first.details


def test_an_unknown_first_day_of_absence_uses_the_spell_and_says_so() -> None:
    found = by_rule([spell("sygedagpenge", date(2026, 9, 1))], date(2026, 9, 2))
    first = one(found, "sygedagpenge_first_week_8")
    assert first.period_start == date(2026, 9, 1)
    assert first.details["anchor"] == "absence_unknown"
    assert first.details["category_unknown"] is True


@pytest.mark.parametrize(
    ("category", "rules"),
    [
        ("1", set()),
        ("2", {"sygedagpenge_first_week_8", "sygedagpenge_four_in_six"}),
        ("13f", {"sygedagpenge_first_week_8"}),
        (None, {"sygedagpenge_first_week_8", "sygedagpenge_four_in_six"}),
    ],
)
def test_four_follow_ups_only_for_kategori_2_cases(category, rules) -> None:
    found = by_rule(
        [spell("sygedagpenge", date(2025, 3, 3), sick_category=category)], date(2025, 3, 4)
    )
    assert set(found) - {"agreed_contact"} == rules


def test_the_first_sygedagpenge_follow_up_must_be_in_person() -> None:
    found = by_rule(
        [spell("sygedagpenge", date(2025, 1, 6), sick_category="2")],
        date(2025, 3, 10),
        talks=[held(date(2025, 2, 20), kind="opfoelgning", channel="phone")],
    )
    assert one(found, "sygedagpenge_first_week_8").status == "overdue"


# === the individual corrections ======================================================================
def test_no_first_akasse_conversation_for_those_visiteret_to_the_jobcenter() -> None:
    found = by_rule(
        [spell("dagpenge", date(2025, 1, 6), visited_to_jobcenter=True)], date(2025, 1, 10)
    )
    assert "dagpenge_first_akasse" not in found
    assert "dagpenge_akasse_months_0_3" not in found
    assert one(found, "dagpenge_visited_6_in_6").required == 6


def test_the_jobcenters_three_dagpenge_conversations_fall_in_months_3_to_6() -> None:
    talks = [
        held(date(2025, 2, 1)),
        held(date(2025, 4, 10)),
        held(date(2025, 5, 10)),
        held(date(2025, 6, 10)),
    ]
    found = by_rule([spell("dagpenge", date(2025, 1, 6))], date(2025, 7, 10), talks)
    jobcenter = one(found, "dagpenge_jobcenter_months_3_6")
    assert (jobcenter.window_start, jobcenter.due) == (date(2025, 4, 6), date(2025, 7, 5))
    assert (jobcenter.done, jobcenter.status, jobcenter.met_on) == (3, "met", date(2025, 6, 10))


def test_the_16_month_conversation_is_the_jobcenters_with_the_a_kasse_taking_part() -> None:
    start = date(2025, 1, 6)
    with_akasse = by_rule(
        [spell("dagpenge", start)], date(2026, 5, 10), [held(date(2026, 4, 1), with_a_kasse=True)]
    )
    d = one(with_akasse, "dagpenge_16_months")
    assert (d.held_by, d.window_start, d.due, d.status) == (
        "jobcenter",
        date(2026, 1, 6),
        date(2026, 5, 6),
        "met",
    )
    assert d.details["with_a_kasse"] is True
    declined = one(
        by_rule([spell("dagpenge", start)], date(2026, 5, 10), [held(date(2026, 4, 1))]),
        "dagpenge_16_months",
    )
    assert declined.status == "met" and declined.details["with_a_kasse"] is False
    akasse_only = one(
        by_rule([spell("dagpenge", start)], date(2026, 5, 10), [held(date(2026, 4, 1), "a_kasse")]),
        "dagpenge_16_months",
    )
    assert akasse_only.status == "overdue"


@pytest.mark.parametrize(
    ("kind", "weeks", "counts"),
    [
        ("virksomhedspraktik", 4, True),
        ("virksomhedspraktik", 1, False),  # shorter than 2 continuous weeks (stk. 2)
        ("nytteindsats", 8, True),  # kapitel 13
        ("ordinaer_uddannelse", 20, True),  # kapitel 14
        ("oevrig_vejledning_opkvalificering", 8, False),  # § 91 (stk. 6)
        ("jobrettet_uddannelse", 6, False),  # kapitel 9
        ("voksenlaerling", 52, False),
        ("mentor", 26, False),
    ],
)
def test_ret_og_pligt_counts_only_offers_under_kapitel_11_to_14(kind, weeks, counts) -> None:
    start = date(2025, 1, 6)
    offer = OfferFacts(kind, date(2025, 3, 3), date(2025, 3, 3) + timedelta(weeks=weeks, days=-1))
    found = by_rule([spell("kontanthjaelp_jobparat", start)], date(2025, 8, 1), offers=[offer])
    assert (one(found, "ret_og_pligt").status == "met") is counts


def test_a_loentilskud_given_in_time_may_start_three_weeks_late() -> None:
    late = OfferFacts(
        "loentilskud_privat", date(2025, 7, 25), date(2025, 12, 31), date(2025, 6, 20)
    )
    found = by_rule(
        [spell("kontanthjaelp_jobparat", date(2025, 1, 6))], date(2025, 8, 1), offers=[late]
    )
    assert one(found, "ret_og_pligt").status == "met"  # due 6 Jul; start by 27 Jul


def test_an_exemption_at_the_deadline_moves_ret_og_pligt_to_a_month_after_it_ends() -> None:
    exempt = spell(
        "kontanthjaelp_jobparat",
        date(2025, 1, 6),
        offer_exempt_from=date(2025, 6, 1),
        offer_exempt_to=date(2025, 8, 31),
    )
    d = one(by_rule([exempt], date(2025, 9, 25)), "ret_og_pligt")
    assert (d.due, d.status) == (date(2025, 10, 1), "due_soon")  # 1 Sep + 1 month
    assert d.details["exempt_until"] == date(2025, 8, 31)
    earlier = exempt._replace(offer_exempt_from=date(2025, 3, 1), offer_exempt_to=date(2025, 4, 30))
    assert one(by_rule([earlier], date(2025, 9, 15)), "ret_og_pligt").due == date(2025, 7, 6)


def test_the_2026_offer_rule_covers_uddannelsesparat_and_counts_oevo() -> None:
    start = date(2026, 7, 6)
    oevo = OfferFacts("oevrig_vejledning_opkvalificering", date(2026, 9, 1), date(2026, 10, 30))
    found = by_rule(
        [spell("uddannelseshjaelp_uddannelsesparat", start)], date(2027, 2, 1), offers=[oevo]
    )
    d = one(found, "ret_og_pligt")
    assert (d.rule_set, d.due, d.status) == ("LAB 2026", date(2027, 1, 6), "met")
    rule = next(
        r for rs in RULES.sets if rs.name == "LAB 2026" for r in rs.rules if r.id == "ret_og_pligt"
    )
    assert rule.rule_75 == {
        "dagpenge",
        "kontanthjaelp_jobparat",
        "uddannelseshjaelp_uddannelsesparat",
    }


def test_integration_programme_participants_get_integrationslovens_follow_up() -> None:
    found = by_rule([spell("integration", date(2025, 3, 3))], date(2025, 3, 4))
    d = one(found, "integration_four_in_six")
    assert (d.required, d.due, d.source) == (4, date(2025, 9, 2), "Integrationsloven § 20 stk. 1")
    assert "four_in_six_months" not in found


# === which rule set ==================================================================================
def test_a_period_crossing_1_july_2026_follows_the_new_rules_for_what_falls_due_after() -> None:
    start = date(2026, 3, 2)
    oevo = OfferFacts("oevrig_vejledning_opkvalificering", date(2026, 5, 4), date(2026, 7, 31))
    found = by_rule([spell("kontanthjaelp_jobparat", start)], date(2026, 9, 10), offers=[oevo])
    assert one(found, "kontanthjaelp_first_week").rule_set == "LAB"  # due 9 Mar 2026
    four = one(found, "four_in_six_months")
    assert (four.rule_set, four.due) == ("LAB 2026", date(2026, 9, 1))
    offer = one(found, "ret_og_pligt")
    assert (offer.rule_set, offer.due, offer.status) == ("LAB 2026", date(2026, 9, 2), "met")


def test_the_dagpenge_count_crossing_the_reform_takes_each_rule_from_its_due_date() -> None:
    found = by_rule([spell("dagpenge", date(2026, 5, 4))], date(2026, 5, 10))
    assert one(found, "dagpenge_first_akasse").rule_set == "LAB"  # 18 May 2026
    akasse = one(found, "dagpenge_akasse_months_0_3")
    assert (akasse.rule_set, akasse.required, akasse.due) == ("LAB 2026", 2, date(2026, 8, 3))
    assert one(found, "dagpenge_jobcenter_months_3_6").required == 2


def test_the_transition_is_an_option_of_the_rule_set_file() -> None:
    lab, lab2026 = RULES.sets
    by_start = dataclasses.replace(
        lab2026, transition=dataclasses.replace(lab2026.transition, applies_by="period_start")
    )
    rules = RuleBook((lab, by_start), RULES.periods)
    found = by_rule(
        [spell("kontanthjaelp_jobparat", date(2026, 3, 2))], date(2026, 9, 10), rules=rules
    )
    assert one(found, "four_in_six_months").rule_set == "LAB"


def test_dagpenge_periods_that_began_before_2024_keep_the_rules_of_their_time() -> None:
    found = by_rule([spell("dagpenge", date(2023, 11, 6))], date(2024, 6, 1))
    assert one(found, "dagpenge_jobcenter_4_in_6").due == date(2024, 5, 5)
    assert one(found, "dagpenge_joint_months_3_6").window_start == date(2024, 2, 6)
    assert "dagpenge_akasse_months_0_3" not in found and "dagpenge_first_akasse" not in found


def test_the_lab_rules_apply_to_periods_that_began_before_2024() -> None:
    found = by_rule([spell("kontanthjaelp_aktivitetsparat", date(2021, 3, 1))], date(2026, 12, 2))
    assert one(found, "four_in_six_months").due == date(2021, 8, 31)
    afklaring = found["afklaring_two_years"]
    # 2-year marks on 1 Mar 2023 and 1 Mar 2025 fell before § 36 a was in force (1 Jul 2025).
    assert [(d.due, d.status) for d in afklaring] == [(date(2027, 3, 1), "open")]


def test_periodic_afklaring_always_shows_its_next_occurrence_on_the_overview() -> None:
    spells = [spell("kontanthjaelp_aktivitetsparat", date(2024, 3, 1))]
    talks = [held(date(2026, 1, 20), kind="afklaring")]
    found = by_rule(spells, date(2026, 4, 1), talks)
    assert [(d.due, d.status) for d in found["afklaring_two_years"]] == [
        (date(2026, 3, 1), "met"),
        (date(2028, 3, 1), "open"),  # 23 months ahead: shown, however far
    ]
    ahead = found["afklaring_two_years"][1]
    assert not visible_on(
        ahead.kind, ahead.period_start, ahead.window_start, ahead.due, date(2026, 4, 1)
    ), "a worklist shows it only from 400 days before"


# === STAR's follow-up: periods at 6 months ===========================================================
def test_period_summaries_count_conversations_and_offers_by_six_months() -> None:
    facts = CitizenFacts(
        BORN,
        [spell("kontanthjaelp_jobparat", date(2025, 1, 6))],
        [held(date(2025, 2, 1)), held(date(2025, 3, 1), "a_kasse"), held(date(2025, 8, 1))],
        [OfferFacts("virksomhedspraktik", date(2025, 5, 5), date(2025, 6, 1))],
    )
    (summary,) = period_summaries(facts, RULES)
    assert (summary.six_months_on, summary.conversations_by_six, summary.first_offer_on) == (
        date(2025, 7, 6),
        2,
        date(2025, 5, 5),
    )


# === properties ======================================================================================
@settings(max_examples=120, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 6, 30)),
    before=st.integers(0, 300),
    k=st.integers(1, 200),
)
def test_a_break_of_k_days_moves_every_later_due_date_by_exactly_k_days(start, before, k) -> None:
    """One dagpenge period, unbroken, against the same period with a break of k days after
    ``before`` days: what falls due before the break is unchanged, the rest moves by k."""
    as_of = date(2027, 1, 1)
    unbroken = {d.rule_id: d.due for d in deadlines([spell("dagpenge", start)], as_of)}
    last = start + timedelta(days=before)
    broken_spells = [
        spell("dagpenge", start, last),
        spell("dagpenge", last + timedelta(days=k + 1)),
    ]
    broken = {d.rule_id: d.due for d in deadlines(broken_spells, as_of)}
    assert broken.keys() == unbroken.keys()
    for rule_id, due in unbroken.items():
        expected = due if due <= last else due + timedelta(days=k)
        assert broken[rule_id] == expected, rule_id


@settings(max_examples=120, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 6, 30)),
    lengths=st.lists(st.integers(1, 200), min_size=1, max_size=5),
    first_group=st.sampled_from(["kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat"]),
)
def test_a_jobparat_aktivitetsparat_change_never_creates_a_new_first_conversation(
    start, lengths, first_group
) -> None:
    groups = ["kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat"]
    turn = groups.index(first_group)
    spells, day = [], start
    for n, length in enumerate(lengths):
        end = day + timedelta(days=length - 1)
        spells.append(spell(groups[(turn + n) % 2], day, end if n < len(lengths) - 1 else None))
        day = end + timedelta(days=1)
    as_of = date(2030, 1, 1)
    found = deadlines(spells, as_of)
    single = deadlines([spell(first_group, start)], as_of)
    firsts = [d for d in found if d.rule_id == "kontanthjaelp_first_week"]
    assert [d.due for d in firsts] == [
        d.due for d in single if d.rule_id == "kontanthjaelp_first_week"
    ]
    for rule_id in ("four_in_six_months",):
        assert [d.due for d in found if d.rule_id == rule_id] == [
            d.due for d in single if d.rule_id == rule_id
        ]


def test_only_a_date_ahead_is_called_a_projection() -> None:
    from app import i18n
    from app.wording.deadline_text import notes

    i18n.set_language("en")
    found = by_rule(DAGPENGE_BREAK, date(2025, 5, 10))
    overdue = one(found, "dagpenge_first_akasse")
    ahead = one(found, "dagpenge_jobcenter_months_3_6")
    assert overdue.status == "overdue" and ahead.status == "open"
    assert not any("projection" in n for n in notes(overdue))
    assert any("projection" in n for n in notes(ahead))
