"""Break the glass holds in the citizen list too: in "All citizens", another caseload's citizen
shows only name, birth date and caseworker in the overview until a reason is given; no address,
phone, plan or history, and nothing about them is read for the pane (issue 14, line 6)."""

from __future__ import annotations

import pytest
from qt_reads import wait_idle
from sqlmodel import select
from test_gui_main_window import TODAY, ctx  # noqa: F401 (the fixture)

from app.casework.citizens.overview import GlassNotBrokenError, citizen_overview
from app.store.engine import transaction
from app.store.models import AuditEvent, Citizen
from app.ui.casework.context import UiContext
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _carla(ctx: UiContext) -> int:  # noqa: F811
    with transaction(ctx.db) as s:
        carla = s.exec(select(Citizen).where(Citizen.first_name == "Carla")).one()
        carla.phone, carla.address, carla.email = "22334455", "Hemmeligvej 7", "carla@example.dk"
        s.add(carla)
        return carla.id  # type: ignore[return-value]


def _views(ctx: UiContext, citizen_id: int) -> int:  # noqa: F811
    with transaction(ctx.db) as s:
        return len(
            s.exec(
                select(AuditEvent).where(
                    AuditEvent.action == "view", AuditEvent.citizen_id == citizen_id
                )
            ).all()
        )


def test_the_use_case_refuses_the_full_overview_without_a_reason(ctx: UiContext) -> None:  # noqa: F811
    carla = _carla(ctx)
    with pytest.raises(GlassNotBrokenError) as refused:
        citizen_overview(ctx.db, ctx.actor, carla, today=TODAY)
    glimpse = refused.value.glimpse
    assert glimpse.name == "Carla Ibsen" and glimpse.caseworker == "Ole Pedersen (OP)"
    assert str(glimpse.birth_date) == "1999-12-24"
    # The glimpse names whose caseload the citizen is in, so it is logged itself (issue 15,
    # line 5): one view event, of the glimpse only.
    assert _views(ctx, carla) == 1
    with transaction(ctx.db) as s:
        (event,) = s.exec(
            select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.citizen_id == carla)
        ).all()
        assert '"glimpse"' in (event.details or "")


def test_the_list_shows_only_who_and_whose_until_a_reason_is_given(
    qtbot,
    ctx: UiContext,  # noqa: F811
) -> None:
    from app.casework.privacy.access_log import record_view

    carla = _carla(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.citizens
    page.scope.setCurrentIndex(1)  # "All citizens"
    wait_idle(qtbot, window.ctx.ops)
    page.select_citizen(carla)
    text = page.overview.toPlainText()
    assert "Carla Ibsen" in text and "Født 24. dec. 1999" in text and "Ole Pedersen" in text
    for secret in ("22334455", "Hemmeligvej", "carla@example.dk", "241299"):
        assert secret not in text, secret
    assert "begrundelse" in text  # how to see more
    # one's own citizen: the whole overview as before
    åse = next(i for i in page.model.ids if i != carla and page.select_citizen(i))
    assert "CPR" in page.overview.toPlainText()
    assert åse
    # a reason given today (opening the case): the list shows the whole overview too
    record_view(ctx.db, ctx.actor, carla, purpose="Vikarierer for Ole")
    page.select_citizen(carla)
    assert "22334455" in page.overview.toPlainText()
