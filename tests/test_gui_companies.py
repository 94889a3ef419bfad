"""The company page as a job consultant uses it: find, register, log contacts, follow orders."""

from __future__ import annotations

import time
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from app import i18n
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.casework.offers.companies import create_company
from app.casework.offers.offers import register_offer
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Company, CompanyContact, RecruitmentOrder
from app.ui.casework.context import UiContext
from app.ui.companies.page import CompaniesPage

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(db: Database) -> UiContext:
    with transaction(db) as s:
        worker = Caseworker(
            initials="OP", name="Ole Pedersen", team="Team Virksomhed", role="caseworker"
        )
        s.add(worker)
        s.flush()
        worker_id = worker.id
    me = Actor(worker_id, "OP", "Ole Pedersen", "caseworker", "ole")
    bakery = create_company(
        db, me, {"cvr": "29074836", "name": "Bageriet Solsikken ApS", "city": "Roskilde"}
    ).id
    create_company(db, me, {"cvr": "47887623", "name": "Nordhavn Lager og Logistik A/S"})
    åse = create_citizen(
        db, me, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    register_offer(
        db,
        me,
        åse,
        {
            "kind": "virksomhedspraktik",
            "company_id": bakery,
            "offered_on": date(2026, 11, 1),
            "start_date": date(2026, 11, 2),
            "planned_end": date(2026, 11, 29),
        },
        today=TODAY,
    )
    return UiContext(db, me, lambda: TODAY)


@pytest.fixture
def page(qtbot, ctx: UiContext) -> CompaniesPage:
    i18n.set_language("en")
    widget = CompaniesPage(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


def loaded(qtbot, page: CompaniesPage) -> None:  # type: ignore[no-untyped-def]
    """Wait for the selected company's details, read in the background."""
    qtbot.waitUntil(lambda: not page.ctx.ops.busy("company") and page.view is not None)


def test_type_ahead_and_the_citizens_placed_there(qtbot, page: CompaniesPage) -> None:
    assert page.list.rowCount() == 2
    qtbot.keyClicks(page.search, "bager")
    qtbot.waitUntil(lambda: page.list.rowCount() == 1)
    loaded(qtbot, page)
    assert page.heading.text() == "Bageriet Solsikken ApS"
    assert "CVR 29074836" in page.details.text()
    assert page.placed.rowCount() == 1
    placed = page.placed.ids()[0]
    assert page.placed.text(placed, 0) == "Åse Ørsted"
    with qtbot.waitSignal(page.open_citizen) as opened:
        page.placed.setFocus()
        page.placed.selectRow(0)
        qtbot.keyClick(page.placed, Qt.Key.Key_Return)
    assert opened.args == [placed]


def test_quick_arrow_moves_show_nothing_of_another_company(
    qtbot, page: CompaniesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The details come from the background: moving on before they come shows the company
    moved to (its name, nothing of the one before, nothing to change yet); only the selected
    company's details are shown when they come, and none once the list is emptied."""
    page.list.setFocus()
    page.list.selectRow(0)
    loaded(qtbot, page)
    assert page.heading.text() == "Bageriet Solsikken ApS" and page.placed.rowCount() == 1
    for key, name in (
        (Qt.Key.Key_Down, "Nordhavn Lager og Logistik A/S"),
        (Qt.Key.Key_Up, "Bageriet Solsikken ApS"),
        (Qt.Key.Key_Down, "Nordhavn Lager og Logistik A/S"),
    ):
        qtbot.keyClick(page.list, key)
        assert page.heading.text() == name
        assert page.details.text() == "" and page.placed.rowCount() == 0
        assert page.view is None and not page.edit_action.isEnabled()
    loaded(qtbot, page)
    assert page.heading.text() == "Nordhavn Lager og Logistik A/S"
    assert "CVR 47887623" in page.details.text() and page.placed.rowCount() == 0
    assert page.view is not None and page.view.id == page.company_id()
    from app.ui.companies import page as page_module

    read_placed = page_module.citizens_placed

    def slowly_placed(*args):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return read_placed(*args)

    monkeypatch.setattr(page_module, "citizens_placed", slowly_placed)
    qtbot.keyClick(page.list, Qt.Key.Key_Up)
    assert page.ctx.ops.busy("company")
    page.search.setText("findes ikke")
    page.refresh()  # the list is emptied while the bakery's details are on their way
    assert page.list.rowCount() == 0
    qtbot.waitUntil(lambda: not page.ctx.ops.busy("company"))
    assert page.heading.text() == "No company selected" and page.view is None
    assert page.placed.rowCount() == 0


def test_register_a_company_with_cvr_checked_as_you_type(
    qtbot, page: CompaniesPage, ctx: UiContext
) -> None:
    page.new_company()
    dialog = page.last_dialog
    qtbot.keyClicks(dialog.form.editor("cvr"), "12345678")
    qtbot.keyClicks(dialog.form.editor("name"), "Ågården ApS")
    qtbot.waitUntil(lambda: dialog.form.error_text("cvr") != "")
    dialog.try_save()
    assert dialog.isVisible()
    dialog.form.editor("cvr").setText("49825978")
    qtbot.keyClick(dialog.form.editor("local"), Qt.Key.Key_Space)  # in the kommune
    dialog.try_save()
    assert not dialog.isVisible()
    with transaction(ctx.db) as s:
        company = s.exec(select(Company).where(Company.cvr == "49825978")).one()
        assert (company.name, company.local) == ("Ågården ApS", True)
    loaded(qtbot, page)
    assert page.heading.text() == "Ågården ApS"
    assert page.details.text().endswith(" · local")


def test_log_a_contact_and_follow_an_order_to_its_outcome(
    qtbot, page: CompaniesPage, ctx: UiContext
) -> None:
    page.list.selectRow(0)
    company_id = page.company_id()
    loaded(qtbot, page)
    page.log_contact()
    dialog = page.last_dialog
    dialog.form.editor("kind").set_value("visit")
    qtbot.keyClicks(dialog.form.editor("contact_person"), "Bente Bager")
    dialog.form.editor("led_to_offer").setChecked(True)
    dialog.try_save()
    loaded(qtbot, page)
    assert page.contacts.rowCount() == 1
    with transaction(ctx.db) as s:
        contact = s.exec(select(CompanyContact)).one()
        assert (contact.company_id, contact.kind, contact.led_to_offer, contact.caseworker_id) == (
            company_id,
            "visit",
            True,
            ctx.actor.caseworker_id,
        )

    page.new_order()
    dialog = page.last_dialog
    qtbot.keyClicks(dialog.form.editor("title"), "Bagerlærling")
    dialog.try_save()
    loaded(qtbot, page)
    order_id = page.orders.ids()[0]
    page.edit_order(order_id)
    dialog = page.last_dialog
    dialog.form.editor("status").set_value("filled_ordinary")
    dialog.try_save()
    assert dialog.isVisible() and "closed" in dialog.form.error_text("closed_on")
    dialog.form.editor("closed_on").set_value(date(2026, 11, 23))
    dialog.try_save()
    assert not dialog.isVisible(), (
        dialog.banner.text(),
        dialog.form.problems(),
        [dialog.form.error_text(n) for n in ("status", "closed_on", "title")],
    )
    with transaction(ctx.db) as s:
        order = s.get(RecruitmentOrder, order_id)
        assert (order.status, order.closed_on) == ("filled_ordinary", date(2026, 11, 23))
    loaded(qtbot, page)
    assert page.orders.text(order_id, 3) == "Filled (ordinary job)" or page.orders.text(order_id, 3)
