"""A conversation's outcome rule is judged once per distinct (booked, status, held day) of a
bundle: every row is still named with its own line, and the verdict is the rule's own."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.casework.bundle.reader import Problem, Row
from app.casework.bundle.validate import Checker, Existing
from app.domain.conversations import check_outcome
from app.domain.errors import MinPlanError

TODAY = date(2026, 11, 23)

_CONVERSATIONS = st.lists(
    st.fixed_dictionaries(
        {
            "cpr": st.just("0101901234"),
            "scheduled_at": st.sampled_from([None, datetime(2026, 3, 5, 9, 30)]),
            "held_on": st.sampled_from([None, date(2026, 3, 5), date(2027, 1, 1)]),
            "status": st.sampled_from([None, "planned", "held", "cancelled", "no_show"]),
        }
    ),
    max_size=30,
)


def _one_by_one(values: dict) -> MinPlanError | None:
    """The rule as a use case applies it to one conversation."""
    try:
        if values["scheduled_at"] is None and values["held_on"] is None:
            raise MinPlanError("Give scheduled_at or held_on")
        check_outcome(values["status"] or "planned", values["held_on"], TODAY)
    except MinPlanError as error:
        return error
    return None


@settings(max_examples=60, deadline=None)
@given(conversations=_CONVERSATIONS)
def test_each_conversation_gets_the_verdict_of_its_own_rule(conversations: list[dict]) -> None:
    problems: list[Problem] = []
    checker = Checker(Existing(citizens={"0101901234": 1}), problems, TODAY)
    for line, values in enumerate(conversations, start=2):
        checker.check("conversations.csv", Row("conversations.csv", line, dict(values)))
    expected = [
        (line, str(error.args[0]) if error.args else "")
        for line, values in enumerate(conversations, start=2)
        if (error := _one_by_one(values)) is not None
    ]
    assert [(p.line, str(p.error.args[0]) if p.error.args else "") for p in problems] == expected
