"""Suppression that protects shares too (issue 18, 3): a share whose numerator or complement is a
handful of persons is hidden, and so is 0 % or 100 % of fewer than twice the threshold; the
property holds for the figure and for its comparison, and nothing can be worked back from the
figure, its comparison and the totals shown beside them."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from app.casework.goals.goal_evaluation import evaluate_plan
from app.domain.anonymise import SuppressedTable, recoverable_cells, suppress_series, suppress_share
from app.domain.goalplan import GoalPlan, Indicator, Target
from app.domain.periods import parse_period
from app.reports.measure_catalog import run_measure
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Citizen, Employment

AS_OF = date(2026, 11, 23)


def test_hand_cases() -> None:
    assert not suppress_share(0, 0, 5)  # no one: nothing to hide
    assert suppress_share(2, 4, 5)  # fewer persons than the threshold
    assert suppress_share(4, 20, 5)  # 4 in the numerator
    assert suppress_share(16, 20, 5)  # 4 in the complement
    assert not suppress_share(5, 20, 5) and not suppress_share(15, 20, 5)
    assert suppress_share(0, 9, 5) and suppress_share(9, 9, 5)  # 0 % and 100 % of 9 < 10
    assert not suppress_share(0, 10, 5) and not suppress_share(10, 10, 5)
    assert suppress_share(5, 9, 5)  # its complement is 4
    assert not suppress_share(5, 10, 5)


@given(st.integers(0, 60), st.integers(0, 60), st.integers(3, 8))
def test_a_shown_share_never_singles_out_a_handful_of_people(
    numerator: int, extra: int, threshold: int
) -> None:
    """Whoever knows the group's size (a count shown elsewhere) works out the numerator and its
    complement from a shown share: neither may be 1 … threshold − 1 persons, and a 0 % or 100 %
    share (true of every one of the group) is never shown of fewer than twice the threshold."""
    persons = numerator + extra
    if suppress_share(numerator, persons, threshold):
        return
    share = round(100 * numerator / persons, 1) if persons else None
    if share is None:
        return
    worked_out = round(share * persons / 100)
    assert worked_out == numerator  # the adversary's arithmetic is exact ...
    for group in (worked_out, persons - worked_out):
        assert group == 0 or group >= threshold  # ... and finds no small group
    if share in (0.0, 100.0):
        assert persons >= 2 * threshold


def test_a_share_of_6_with_one_left_over_is_hidden_in_the_plan(db: Database, actor) -> None:  # type: ignore[no-untyped-def]
    _people(db, [(True, True, True, True)] * 5 + [(True, False, True, False)])
    evaluation = evaluate_plan(db, _plan(), parse_period("2026-Q1"), as_of=AS_OF)
    share = next(r for r in evaluation.results if r.indicator.id == "share")
    # 5 of 6 flagged citizens in work: the complement is one person
    assert share.suppressed and share.value is None and share.status == "suppressed"
    raw = run_measure(db, "refugee_self_support_share", parse_period("2026-Q1"))
    assert (raw.value, raw.persons, raw.numerator) == (83.3, 6, 5)


# --- the property over whole evaluations: figure, comparison, months ---------------------------------
def _plan() -> GoalPlan:
    return GoalPlan(
        "property",
        "Property",
        "",
        "monthly",
        (
            Indicator(
                "count",
                "Persons",
                "persons",
                {"groups": ["kontanthjaelp_jobparat"]},
                Target(direction="up", compare="last-year"),
            ),  # fmt: skip
            Indicator(
                "share",
                "Refugees in work",
                "refugee_self_support_share",
                {},
                Target(direction="up", compare="last-year"),
            ),  # fmt: skip
            Indicator(
                "hours",
                "Paid hours share",
                "paid_hours_share",
                {"groups": ["kontanthjaelp_jobparat"]},
                Target(minimum=50),
            ),  # fmt: skip
            Indicator("fte", "Full-time persons", "fte", {"groups": ["kontanthjaelp_jobparat"]}),
        ),
    )


def _people(db: Database, people: list[tuple[bool, bool, bool, bool]]) -> None:
    """Synthetic citizens written directly: (on benefit in 2025, in work in 2025, on benefit in
    2026, in work in 2026) each; all flagged as refugees, aged 40."""
    with transaction(db) as session:
        session.execute(delete(Employment))
        session.execute(delete(BenefitSpell))
        session.execute(delete(Citizen))
        for n, (on25, work25, on26, work26) in enumerate(people):
            citizen = session.execute(
                insert(Citizen).values(
                    cpr=f"0101860{n:03d}",
                    birth_date=date(1986, 1, 1),
                    first_name="Syntetisk",
                    last_name=f"P{n}",
                    refugee_or_reunified=True,
                    refugee_year=2020,
                    version=1,
                )
            ).inserted_primary_key[0]
            for year, on, working in ((2025, on25, work25), (2026, on26, work26)):
                if on:
                    session.execute(
                        insert(BenefitSpell).values(
                            citizen_id=citizen,
                            target_group="kontanthjaelp_jobparat",
                            start_date=date(year, 1, 1),
                            end_date=date(year, 6, 30),
                            version=1,
                        )
                    )
                if working:
                    session.execute(
                        insert(Employment).values(
                            citizen_id=citizen,
                            kind="paid_hours",
                            start_date=date(year, 1, 15 + n % 10),
                            end_date=date(year, 3, 31),
                            hours_per_month=20,
                            version=1,
                        )
                    )


def _shown_safely(result, threshold: int) -> None:  # type: ignore[no-untyped-def]
    """A figure that is shown reveals no small group (checked from the raw counts behind it)."""
    if result.value is None:
        return
    assert not 0 < result.persons < threshold
    if result.unit == "share" and result.numerator is not None:
        for group in (result.numerator, result.persons - result.numerator):
            assert group == 0 or group >= threshold
        if result.numerator in (0, result.persons):
            assert result.persons >= 2 * threshold
    if result.unit in ("persons", "count"):
        assert result.value == 0 or result.value >= threshold


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), max_size=16))
def test_nothing_can_be_worked_back_from_figure_comparison_and_months(
    db: Database, people: list[tuple[bool, bool, bool, bool]]
) -> None:
    _people(db, people)
    period = parse_period("2026-Q1")
    evaluation = evaluate_plan(db, _plan(), period, as_of=AS_OF)
    limit = evaluation.threshold
    for r in evaluation.results:
        indicator = r.indicator
        raw = run_measure(db, indicator.measure, period, **indicator.params)
        if not r.suppressed:
            _shown_safely(raw, limit)
        if r.comparison_label:
            before = run_measure(db, indicator.measure, period.last_year(), **indicator.params)
            if not r.comparison_suppressed:
                _shown_safely(before, limit)
            if r.comparison_suppressed and indicator.target and indicator.target.direction:
                # which side of the hidden comparison the figure lies would show in the status
                assert r.status == "suppressed"
        points = evaluation.series[indicator.id]
        for point, month in zip(points, period.months(), strict=True):
            if not point.suppressed and point.value is not None:
                _shown_safely(run_measure(db, indicator.measure, month, **indicator.params), limit)
        if not r.suppressed and indicator.measure in ("fte", "refugee_self_support_share"):
            # the months add up (or pool) to the period's figure shown beside them: no single
            # hidden month may be left for subtraction to find
            hidden = {i for i, point in enumerate(points) if point.suppressed}
            table = SuppressedTable(
                (tuple(1 for _ in points),), frozenset((0, i) for i in hidden), limit
            )
            assert recoverable_cells(table, column_totals=False) == set()
            assert suppress_series([1.0] * len(points), hidden) == hidden
