"""The deadline engine against hand-computed dates (domain.md §4), and properties that must hold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.casework.deadlines.deadline_rule_files import shipped_rules
from app.domain.count_periods import periods_of
from app.domain.deadlines import (
    CitizenFacts,
    ConversationFacts,
    OfferFacts,
    SpellFacts,
    compute,
    period_summaries,
    requirements,
    status_of,
)

RULES = shipped_rules()
BORN = date(1980, 5, 1)


def run(
    group: str,
    start: date,
    as_of: date,
    *,
    end: date | None = None,
    talks=(),
    offers=(),
    born: date = BORN,
    **spell,
) -> dict:
    facts = CitizenFacts(born, [SpellFacts(group, start, end, **spell)], list(talks), list(offers))
    return {d.rule_id: d for d in compute(facts, RULES, as_of)}


def held(
    day: date, by: str = "jobcenter", kind: str = "jobsamtale", channel: str = "in_person"
) -> ConversationFacts:
    return ConversationFacts(day, "held", by, kind, channel)


# --- the date arithmetic --------------------------------------------------------------------------
def test_kontanthjaelp_first_week_and_four_in_six_months() -> None:
    found = run(
        "kontanthjaelp_aktivitetsparat",
        date(2026, 3, 3),
        date(2026, 8, 1),
        talks=[held(date(2026, 3, 9)), held(date(2026, 5, 1))],
    )
    first = found["kontanthjaelp_first_week"]
    assert (first.due, first.status, first.met_on) == (date(2026, 3, 10), "met", date(2026, 3, 9))
    count = found["four_in_six_months"]
    assert (count.window_start, count.due, count.required, count.done, count.status) == (
        date(2026, 3, 3),
        date(2026, 9, 2),
        4,
        2,
        "open",
    )
    assert count.next_by == date(2026, 8, 26)
    assert found["ret_og_pligt"].due == date(2026, 9, 3)


def test_sygedagpenge_end_of_week_8_in_person_only() -> None:
    start = date(2026, 1, 5)
    found = run(
        "sygedagpenge",
        start,
        date(2026, 3, 10),
        talks=[held(date(2026, 2, 20), kind="opfoelgning", channel="phone")],
    )
    first = found["sygedagpenge_first_week_8"]
    assert first.due == start + timedelta(days=55) == date(2026, 3, 1)
    assert first.status == "overdue", (
        "a phone conversation does not meet the in-person first follow-up"
    )


def test_tidlig_opfoelgning_two_weeks_after_the_request() -> None:
    found = run(
        "sygedagpenge",
        date(2026, 1, 5),
        date(2026, 1, 20),
        early_followup_requested_on=date(2026, 1, 12),
    )
    assert found["sygedagpenge_early_followup"].due == date(2026, 1, 26)
    assert found["sygedagpenge_early_followup"].status == "due_soon"
    assert "sygedagpenge_early_followup" not in run(
        "sygedagpenge", date(2026, 1, 5), date(2026, 1, 20)
    )


@pytest.mark.parametrize(
    ("start", "window_end"),
    [
        (
            date(2027, 8, 31),
            date(2028, 2, 28),
        ),  # 31 Aug + 6 months = 29 Feb 2028 (leap year), minus one day
        (date(2026, 8, 31), date(2027, 2, 27)),  # 31 Aug + 6 months = 28 Feb 2027, minus one day
        (date(2027, 12, 31), date(2028, 6, 29)),
        (date(2028, 2, 29), date(2028, 8, 28)),
    ],
)
def test_month_ends_and_leap_years(start: date, window_end: date) -> None:
    assert run("ressourceforloeb", start, start)["four_in_six_months"].due == window_end


def test_a_kasse_conversations_count_only_where_the_rule_says() -> None:
    talks = [
        held(date(2025, 1, 10), "a_kasse"),
        held(date(2025, 2, 10), "a_kasse"),
        held(date(2025, 3, 10), "a_kasse"),
    ]
    found = run("dagpenge", date(2025, 1, 6), date(2025, 7, 10), talks=talks)
    assert found["dagpenge_akasse_months_0_3"].status == "met"
    assert found["dagpenge_jobcenter_months_3_6"].done == 0
    assert found["dagpenge_first_akasse"].status == "met"


def test_visited_dagpenge_get_six_jobcenter_conversations_instead() -> None:
    found = run("dagpenge", date(2026, 1, 5), date(2026, 2, 1), visited_to_jobcenter=True)
    assert found["dagpenge_visited_6_in_6"].required == 6
    assert "dagpenge_akasse_months_0_3" not in found


def test_cancelled_and_no_show_conversations_do_not_count() -> None:
    talks = [
        ConversationFacts(date(2026, 3, 5), "cancelled"),
        ConversationFacts(date(2026, 3, 6), "no_show"),
        ConversationFacts(date(2026, 3, 7), "planned"),
    ]
    found = run("kontanthjaelp_jobparat", date(2026, 3, 3), date(2026, 3, 20), talks=talks)
    assert found["kontanthjaelp_first_week"].status == "overdue"


def test_a_late_conversation_meets_late() -> None:
    found = run(
        "kontanthjaelp_jobparat",
        date(2026, 3, 3),
        date(2026, 4, 1),
        talks=[held(date(2026, 3, 20))],
    )
    first = found["kontanthjaelp_first_week"]
    assert (first.status, first.met_on) == ("met_late", date(2026, 3, 20))


def test_a_spell_that_ends_early_generates_no_later_requirement() -> None:
    found = run("kontanthjaelp_jobparat", date(2026, 3, 3), date(2026, 8, 1), end=date(2026, 4, 30))
    assert "kontanthjaelp_first_week" in found
    assert "four_in_six_months" not in found and "ret_og_pligt" not in found


def test_ret_og_pligt_with_the_loentilskud_grace_and_oevo_only_from_july_2026() -> None:
    start = date(2025, 1, 6)
    late_wage_subsidy = OfferFacts(
        "loentilskud_privat", date(2025, 7, 20), date(2025, 12, 31), offered_on=date(2025, 6, 20)
    )
    found = run("kontanthjaelp_jobparat", start, date(2025, 8, 1), offers=[late_wage_subsidy])
    assert found["ret_og_pligt"].due == date(2025, 7, 6)
    assert found["ret_og_pligt"].status == "met", (
        "a løntilskud offered in time may start up to 3 weeks late"
    )
    oevo = OfferFacts("oevrig_vejledning_opkvalificering", date(2025, 3, 3), date(2025, 4, 30))
    assert (
        run("kontanthjaelp_jobparat", start, date(2025, 8, 1), offers=[oevo])["ret_og_pligt"].status
        == "overdue"
    )
    later = run(
        "kontanthjaelp_jobparat",
        date(2026, 7, 6),
        date(2027, 2, 1),
        offers=[
            OfferFacts("oevrig_vejledning_opkvalificering", date(2026, 9, 1), date(2026, 10, 30))
        ],
    )
    assert later["ret_og_pligt"].status == "met"


def test_afklaring_after_two_continuous_years_for_thirty_plus_and_every_two_years() -> None:
    spells = [
        SpellFacts("kontanthjaelp_jobparat", date(2023, 9, 1), date(2024, 2, 29)),
        SpellFacts("kontanthjaelp_aktivitetsparat", date(2024, 3, 1)),
    ]
    found = compute(
        CitizenFacts(BORN, spells, [held(date(2025, 8, 20), kind="afklaring")]),
        RULES,
        date(2027, 9, 1),
    )
    afklaring = [d for d in found if d.rule_id == "afklaring_two_years"]
    assert [d.due for d in afklaring] == [date(2025, 9, 1), date(2027, 9, 1), date(2029, 9, 1)]
    assert [d.status for d in afklaring] == ["met", "due_soon", "open"]
    young = compute(CitizenFacts(date(2000, 1, 1), spells), RULES, date(2027, 9, 1))
    assert not [d for d in young if d.rule_id == "afklaring_two_years"]


def test_agreed_contact_after_six_months() -> None:
    found = run(
        "ledighedsydelse",
        date(2025, 1, 6),
        date(2026, 1, 10),
        agreed_contact_days=60,
        talks=[held(date(2025, 12, 1))],
    )
    agreed = found["agreed_contact"]
    assert (agreed.window_start, agreed.due, agreed.status) == (
        date(2025, 12, 1),
        date(2026, 1, 30),
        "open",
    )
    assert "agreed_contact" not in run("ledighedsydelse", date(2025, 1, 6), date(2026, 1, 10))


def test_the_explanation_names_rule_numbers_and_source() -> None:
    from app import i18n
    from app.wording.deadline_text import explain

    i18n.set_language("en")
    count = run(
        "kontanthjaelp_aktivitetsparat",
        date(2026, 3, 3),
        date(2026, 8, 1),
        talks=[held(date(2026, 3, 9)), held(date(2026, 5, 1))],
    )["four_in_six_months"]
    assert explain(count) == (
        "4 conversations (jobcenter) from 3 Mar 2026 to 2 Sept 2026 on Kontanthjælp, aktivitetsparat"
        " — LAB § 31 stk. 3 (som ændret ved lov nr. 1750/2025); 2 held, 2 to go by 2 Sept 2026"
    )


# --- properties ------------------------------------------------------------------------------------
GROUPS = [
    "dagpenge",
    "kontanthjaelp_jobparat",
    "kontanthjaelp_aktivitetsparat",
    "sygedagpenge",
    "ressourceforloeb",
    "ledighedsydelse",
    "uddannelseshjaelp_aktivitetsparat",
]
RANK = {"met": 0, "met_late": 1, "open": 1, "due_soon": 2, "overdue": 3}
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    group=st.sampled_from(GROUPS),
    start=days,
    as_of_days=st.integers(0, 700),
    talk_days=st.lists(st.integers(0, 400), max_size=8),
    extra=st.integers(0, 400),
    by=st.sampled_from(["jobcenter", "a_kasse"]),
)
def test_one_more_held_conversation_never_makes_a_requirement_worse(
    group, start, as_of_days, talk_days, extra, by
) -> None:
    as_of = start + timedelta(days=as_of_days)
    talks = [
        held(start + timedelta(days=d), by) for d in talk_days if start + timedelta(days=d) <= as_of
    ]
    before = {
        (d.rule_id, d.due): d
        for d in compute(CitizenFacts(BORN, [SpellFacts(group, start)], talks), RULES, as_of)
    }
    if start + timedelta(days=extra) <= as_of:
        talks = [*talks, held(start + timedelta(days=extra), by)]
    after = {
        (d.rule_id, d.due): d
        for d in compute(CitizenFacts(BORN, [SpellFacts(group, start)], talks), RULES, as_of)
    }
    assert before.keys() == after.keys()
    for key, old in before.items():
        new = after[key]
        assert new.done >= old.done
        assert RANK[new.status] <= RANK[old.status] or (
            old.status == "met_late" and new.status == "met_late"
        )


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 8), max_value=date(2026, 5, 1)),
    shift_days=st.integers(1, 40),
    talk_days=st.lists(st.integers(0, 60), max_size=4),
)
def test_shifting_all_dates_shifts_day_and_week_deadlines(start, shift_days, talk_days) -> None:
    """The first-conversation rules use days and weeks only: moving everything moves them."""
    as_of = start + timedelta(days=70)

    def firsts(offset: int) -> dict:
        talks = [held(start + timedelta(days=d + offset), kind="opfoelgning") for d in talk_days]
        facts = CitizenFacts(
            BORN, [SpellFacts("sygedagpenge", start + timedelta(days=offset))], talks
        )
        return {
            d.rule_id: d
            for d in compute(facts, RULES, as_of + timedelta(days=offset))
            if d.kind == "first_by"
        }

    base, moved = firsts(0), firsts(shift_days)
    assert base.keys() == moved.keys()
    for rule_id, deadline in base.items():
        assert moved[rule_id].due == deadline.due + timedelta(days=shift_days)
        assert moved[rule_id].status == deadline.status


@settings(max_examples=100, deadline=None)
@given(
    group=st.sampled_from(GROUPS),
    start=days,
    as_of_days=st.integers(0, 900),
    talk_days=st.lists(st.integers(0, 500), max_size=6),
)
def test_statuses_agree_with_the_as_of_date(group, start, as_of_days, talk_days) -> None:
    as_of = start + timedelta(days=as_of_days)
    talks = [held(start + timedelta(days=d)) for d in talk_days]
    for d in compute(CitizenFacts(BORN, [SpellFacts(group, start)], talks), RULES, as_of):
        assert d.window_start <= d.due
        assert d.status == status_of(d.due, d.met_on, as_of)
        assert 0 <= d.done <= d.required


@settings(max_examples=100, deadline=None)
@given(
    spells=st.lists(
        st.tuples(st.sampled_from(GROUPS), st.integers(0, 60), st.integers(1, 500)),
        min_size=1,
        max_size=3,
    ),
    start=days,
    talk_days=st.lists(st.integers(0, 900), max_size=8),
    offer_days=st.lists(st.integers(0, 900), max_size=3),
)
def test_periods_the_caller_found_give_what_the_engine_finds_alone(
    spells, start, talk_days, offer_days
) -> None:
    """A bulk refresh finds a citizen's periods once for their requirements and summaries."""
    facts_spells, day = [], start
    for group, gap, length in spells:  # one after another, with or without a break between
        day += timedelta(days=gap)
        facts_spells.append(SpellFacts(group, day, day + timedelta(days=length - 1)))
        day += timedelta(days=length)
    facts = CitizenFacts(
        BORN,
        facts_spells,
        [held(start + timedelta(days=d)) for d in talk_days],
        [OfferFacts("virksomhedspraktik", start + timedelta(days=d)) for d in offer_days],
    )
    horizon = start + timedelta(days=1500)
    periods = periods_of(facts.spells, RULES.periods)
    assert requirements(facts, RULES, horizon, periods) == requirements(facts, RULES, horizon)
    assert period_summaries(facts, RULES, periods) == period_summaries(facts, RULES)
