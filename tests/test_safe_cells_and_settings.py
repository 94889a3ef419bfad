"""Formula-injection neutralising, and organisation settings (typed, defaults, admin-only, audited)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.casework.admin import org_settings
from app.casework.core.actor import Actor
from app.domain.errors import PermissionDeniedError, ValidationError
from app.reports.safe_cells import FORMULA_STARTS, neutralise
from app.store.engine import transaction
from app.store.models import AppSetting, AuditEvent


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formula_looking_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_keeps_its_content(text: str) -> None:
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe.removeprefix("'") == text or safe == text


@pytest.mark.parametrize("value", [-3, 2.5, None, True])
def test_numbers_and_other_values_are_left_alone(value: object) -> None:
    assert neutralise(value) is value


def test_settings_default_until_an_admin_changes_them(any_db, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    assert org_settings.get(any_db, "retention_years") == 5
    assert org_settings.set_value(any_db, actor, "retention_years", "7") == 7
    assert org_settings.get(any_db, "retention_years") == 7
    with transaction(any_db) as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "change_setting")
        ).scalar_one()
        assert json.loads(event.details) == {
            "key": "retention_years",
            "old": {"value": 5},
            "new": {"value": 7},
        }


def test_limits_types_and_roles_are_enforced(db, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as low:
        org_settings.set_value(db, actor, "suppression_threshold", 2)
    assert low.value.field == "suppression_threshold"
    with pytest.raises(ValidationError):
        org_settings.set_value(db, actor, "backup_on_exit", "maybe")
    with pytest.raises(ValidationError):
        org_settings.set_value(db, actor, "no_such_setting", 1)
    lead = Actor(caseworker_id=None, initials="TL", name="Lead", role="teamlead", os_user="tl")
    with pytest.raises(PermissionDeniedError):
        org_settings.set_value(db, lead, "retention_years", 3)
    assert org_settings.get_all(db)["suppression_threshold"] == 5


def test_a_malformed_stored_value_reads_as_the_default(db) -> None:  # type: ignore[no-untyped-def]
    with transaction(db) as session:
        session.add(AppSetting(key="backups_kept", value="not json"))
        session.add(AppSetting(key="suppression_threshold", value="1"))
    assert org_settings.get(db, "backups_kept") == 10
    assert org_settings.get(db, "suppression_threshold") == 5
    with transaction(db) as session:
        session.add(AppSetting(key="retention_years", value="7"))
    every = org_settings.get_all(db)  # one query for all: the same values as one by one
    assert every == {key: org_settings.get(db, key) for key in org_settings.SETTINGS}
    assert (every["backups_kept"], every["suppression_threshold"]) == (10, 5)
    assert every["retention_years"] == 7
