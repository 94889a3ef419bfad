"""The Settings page driven as an administrator would: add a user by typing, change a role, see the
last administrator protected, deactivate; organisation settings checked next to the field;
deletion after the retention period; what a caseworker sees; the first start; access requests."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlmodel import select

from app.casework.admin import org_settings
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, Citizen
from app.ui.admin.first_user import FirstUserDialog
from app.ui.admin.settings_page import SettingsPage
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    with transaction(db) as s:
        anna = Caseworker(initials="AA", name="Anna Admin", team="IT", role="admin")
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        ole = Caseworker(initials="OP", name="Ole Pedersen", team="Team Job", role="caseworker")
        s.add_all([anna, karen, ole])
        s.flush()
        return {
            "anna": Actor(anna.id, "AA", "Anna Admin", "admin", "aa"),
            "karen": Actor(karen.id, "KL", "Karen Lund", "caseworker", "kl"),
        }


def settings_page(qtbot, db: Database, actor: Actor) -> SettingsPage:
    page = SettingsPage(UiContext(db, actor, lambda: date(2026, 11, 23)))
    qtbot.addWidget(page)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    return page


def settled(qtbot, page: SettingsPage) -> None:  # type: ignore[no-untyped-def]
    """Wait for the panels' background reads (the users, the citizens due for deletion)."""
    ops = page.users.ctx.ops
    qtbot.waitUntil(lambda: not ops.busy("users") and not ops.busy("retention"), timeout=10_000)


def row_texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Every row's cells (a ``RecordTable`` or a ``LazyTable``: both read by id)."""
    return [[table.text(i, c) for c in range(table.columnCount())] for i in table.ids()]


def test_an_admin_adds_a_user_by_typing_and_the_errors_show_next_to_the_fields(
    qtbot, db: Database, people
) -> None:
    page = settings_page(qtbot, db, people["anna"])
    users = page.users
    settled(qtbot, page)
    assert [r[0] for r in row_texts(users.table)] == ["AA", "KL", "OP"]
    qtbot.mouseClick(users.add_button, Qt.MouseButton.LeftButton)
    dialog = users.last_dialog
    qtbot.keyClicks(dialog.form.editor("initials"), "kl")
    qtbot.keyClicks(dialog.form.editor("name"), "Mads Jensen")
    qtbot.keyClicks(dialog.form.editor("email"), "mads@")
    qtbot.waitUntil(lambda: dialog.form.error_text("email") != "")
    assert "ikke en e-mailadresse" in dialog.form.error_text("email")
    dialog.form.editor("email").setText("mj@jobcenter.example")
    dialog.form.editor("role").set_value("teamlead")
    qtbot.keyClicks(dialog.form.editor("team"), "Team Syg")
    qtbot.keyClicks(dialog.form.editor("login"), "JC\\mj01")
    dialog.try_save()
    assert dialog.isVisible(), "KL is Karen's initials"
    assert "Karen Lund har allerede initialerne KL" in dialog.form.error_text("initials")
    dialog.form.editor("initials").setText("MJ")
    dialog.try_save()
    assert not dialog.isVisible()
    settled(qtbot, page)
    rows = row_texts(users.table)
    assert [
        "MJ",
        "Mads Jensen",
        "Team Syg",
        "Teamleder",
        "mj@jobcenter.example",
        "",
        "jc\\mj01",
        "0",
        "Aktiv",
    ] in rows
    assert users.selected().initials == "MJ"


def test_roles_change_but_the_last_admin_stays_and_deactivation_asks_first(
    qtbot, db: Database, people, monkeypatch
) -> None:
    page = settings_page(qtbot, db, people["anna"])
    users = page.users
    problems: list = []
    page.users.ctx.ops.problem.connect(problems.append)
    settled(qtbot, page)
    users.table.select_id(people["anna"].caseworker_id)
    monkeypatch.setattr(prompts, "choose", lambda parent, title, label, items, current=0: 0)
    qtbot.mouseClick(users.role_button, Qt.MouseButton.LeftButton)
    from app import i18n

    assert problems, "Anna is the last administrator: she cannot become a caseworker"
    assert "sidste aktive administrator" in i18n.translate_error(problems[-1])
    assert row_texts(users.table)[0][3] == "Administrator"
    users.table.select_id(people["karen"].caseworker_id)
    monkeypatch.setattr(
        prompts,
        "choose",
        lambda parent, title, label, items, current=0: items.index("Administrator"),
    )
    qtbot.mouseClick(users.role_button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert row_texts(users.table)[1][3] == "Administrator"

    asked: list[str] = []
    monkeypatch.setattr(prompts, "confirm", lambda parent, title, text: asked.append(text) or True)
    users.table.select_id(people["karen"].caseworker_id)
    assert users.active_button.text() == "&Deaktivér"
    qtbot.mouseClick(users.active_button, Qt.MouseButton.LeftButton)
    assert asked and "Karen Lund" in asked[0]
    settled(qtbot, page)
    karen = next(r for r in row_texts(users.table) if r[0] == "KL")
    assert karen[-1] == "Deaktiveret"
    # a deactivated user's row is drawn in the quieter colour, the others in the usual one
    row_of = users.table.ids().index
    karen_row, anna_row = (
        row_of(people["karen"].caseworker_id),
        row_of(people["anna"].caseworker_id),
    )
    model, foreground = users.table.model(), Qt.ItemDataRole.ForegroundRole
    quiet = model.index(karen_row, 1).data(foreground)
    assert quiet is not None and quiet != model.index(anna_row, 1).data(foreground)
    assert users.table.is_muted(people["karen"].caseworker_id)
    assert not users.table.is_muted(people["anna"].caseworker_id)
    with transaction(db) as s:
        actions = [
            e.action
            for e in s.exec(select(AuditEvent).where(AuditEvent.entity == "caseworker")).all()
        ]
    # (on a team server the fixture's own plain inserts are logged too, by the server: db_insert)
    assert [a for a in actions if not a.startswith("db_")] == ["change_role", "deactivate_user"]


def test_the_users_arrive_from_the_background_and_the_selection_stays_where_it_was_put(
    qtbot, db: Database, people, monkeypatch
) -> None:
    """Each caseload is counted over every citizen, so the list is read in the background: the
    buttons follow the role before it comes, a user chosen while a new list is on its way stays
    chosen, and a user named by the caller (one just saved) is selected when it comes."""
    from app.ui.admin import users_panel

    read_users = users_panel.list_users

    def slowly_read(*args):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        return read_users(*args)

    monkeypatch.setattr(users_panel, "list_users", slowly_read)
    page = settings_page(qtbot, db, people["anna"])
    users = page.users
    assert users.ctx.ops.busy("users") and users.table.rowCount() == 0
    assert users.add_button.isEnabled() and not users.edit_button.isEnabled()
    settled(qtbot, page)
    karen, anna = people["karen"].caseworker_id, people["anna"].caseworker_id
    users.table.select_id(karen)
    assert users.edit_button.isEnabled() and users.active_button.text() == "&Deaktivér"
    users.refresh()
    assert users.ctx.ops.busy("users")
    users.table.select_id(anna)  # chosen while the new list is on its way
    settled(qtbot, page)
    assert users.selected().initials == "AA" and users.role_button.isEnabled()
    users.refresh(select=karen)
    settled(qtbot, page)
    assert users.selected().initials == "KL" and users.edit_button.isEnabled()


def test_a_caseworker_sees_the_settings_but_cannot_change_them(qtbot, db: Database, people) -> None:
    page = settings_page(qtbot, db, people["karen"])
    assert not page.users.add_button.isEnabled(), "not even before the list has arrived"
    settled(qtbot, page)
    assert not page.users.add_button.isEnabled()
    assert not page.users.role_button.isEnabled()
    assert "Administratorer: Anna Admin (AA)" in page.users.notice.text()
    assert not page.organisation.save_button.isEnabled()
    assert not page.organisation.form.isEnabled()
    assert not page.retention.list_button.isEnabled()


def test_organisation_settings_are_checked_next_to_the_field_and_saved(
    qtbot, db: Database, people
) -> None:
    page = settings_page(qtbot, db, people["anna"])
    page.tabs.setCurrentWidget(page.organisation)
    form = page.organisation.form
    threshold = form.editor("suppression_threshold")
    threshold.selectAll()
    qtbot.keyClicks(threshold, "2")
    qtbot.waitUntil(lambda: form.error_text("suppression_threshold") != "")
    assert form.error_text("suppression_threshold") == "Mindst 3"
    assert not page.organisation.save()
    threshold.setText("4")
    years = form.editor("retention_years")
    years.selectAll()
    qtbot.keyClicks(years, "7")
    low = form.editor("smajob_hours_min")
    low.setText("60")
    qtbot.waitUntil(lambda: form.error_text("smajob_hours_min") != "")
    assert "kan ikke være større" in form.error_text("smajob_hours_min")
    low.setText("2,5")
    qtbot.mouseClick(page.organisation.save_button, Qt.MouseButton.LeftButton)
    assert page.organisation.status.text() == "Indstillingerne er gemt"
    values = org_settings.get_all(db)
    assert (
        values["suppression_threshold"],
        values["retention_years"],
        values["smajob_hours_min"],
    ) == (4, 7, 2.5)


def test_the_figures_the_goal_plans_need_from_outside_are_typed_in_the_settings(
    qtbot, db: Database, people
) -> None:
    page = settings_page(qtbot, db, people["anna"])
    page.tabs.setCurrentWidget(page.organisation)
    form = page.organisation.form
    population = form.editor("population_16_66")
    qtbot.keyClicks(population, "2024 48210")
    qtbot.waitUntil(lambda: form.error_text("population_16_66") != "")
    assert form.error_text("population_16_66").startswith("Skriv hvert år som år: tal")
    population.setText("2024: 48.210; 2025: 48650")
    codes = form.editor("local_postal_codes")
    codes.setText("2730, 27500")
    qtbot.waitUntil(lambda: form.error_text("local_postal_codes") != "")
    assert form.error_text("local_postal_codes") == "'27500' er ikke et postnummer"
    codes.setText("2730, 2750")
    form.editor("companies_above_size").setText("412")
    qtbot.mouseClick(page.organisation.save_button, Qt.MouseButton.LeftButton)
    assert page.organisation.status.text() == "Indstillingerne er gemt"
    values = org_settings.get_all(db)
    assert values["population_16_66"] == {2024: 48210, 2025: 48650}
    assert values["local_postal_codes"] == ["2730", "2750"]
    assert (values["companies_above_size"], values["company_size_threshold"]) == (412, 3)
    page.organisation.refresh()
    assert population.text() == "2024: 48210; 2025: 48650"


def test_citizens_due_for_deletion_are_listed_then_deleted_for_good(
    qtbot, db: Database, people, monkeypatch
) -> None:
    from tests.test_retention import full_case

    åse = full_case(db, people["anna"], "150390-1234", "Åse")
    kept = create_citizen(
        db, people["anna"], {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Ny"}
    ).id
    page = settings_page(qtbot, db, people["anna"])
    panel = page.retention
    page.tabs.setCurrentWidget(panel)
    assert not panel.delete_button.isEnabled()
    qtbot.mouseClick(panel.list_button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert row_texts(panel.table)[0][:3] == ["Åse Gammel", "15.03.1990", "31.08.2016"]
    assert "journalnotater: 2" in row_texts(panel.table)[0][3]
    assert "1 borger skal slettes" in panel.summary.text()
    asked: list[str] = []
    monkeypatch.setattr(prompts, "confirm", lambda parent, title, text: asked.append(text) or False)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert "kan ikke fortrydes" in asked[0]
    with transaction(db) as s:
        assert s.get(Citizen, åse) is not None, "nothing happens without the confirmation"
    monkeypatch.setattr(prompts, "confirm", lambda parent, title, text: True)
    with qtbot.waitSignal(page.citizens_erased):
        qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert "1 borger blev slettet endeligt" in panel.result.text()
    assert panel.table.rowCount() == 0 and not panel.delete_button.isEnabled()
    with transaction(db) as s:
        assert s.get(Citizen, åse) is None and s.get(Citizen, kept) is not None


def test_the_first_start_asks_for_initials_and_name(qtbot, db: Database, monkeypatch) -> None:
    from app.ui import application

    dialog = FirstUserDialog("karen", "KAREN", "karen")
    qtbot.addWidget(dialog)
    dialog.open()
    assert "Du (karen) bliver den første bruger og administrator" in dialog.intro.text()
    dialog.form.editor("initials").setText("K L")
    dialog.try_save()
    assert dialog.isVisible() and dialog.form.error_text("initials")
    dialog.form.editor("initials").setText("kl")
    dialog.form.editor("name").setText("Karen Lund")
    dialog.try_save()
    assert dialog.result_value == ("KL", "Karen Lund")

    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "karen")

    def answer(self) -> int:  # the user types her initials and name and presses Start
        self.result_value = ("KL", "Karen Lund")
        return 1

    monkeypatch.setattr(FirstUserDialog, "exec", answer)
    monkeypatch.setattr(application, "_nobody_to_ask", lambda: False)  # as on a real screen
    me = application.sign_in(db)
    assert (me.initials, me.name, me.role) == ("KL", "Karen Lund", "admin")
    assert application.sign_in(db) == me, "the next start finds her by her login"


def test_a_stranger_cannot_sign_in(qtbot, db: Database, people, monkeypatch) -> None:
    from app.domain.errors import PermissionDeniedError
    from app.ui import application

    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "stranger")
    with pytest.raises(PermissionDeniedError):
        application.sign_in(db)


def test_the_settings_page_is_in_the_navigation_and_the_access_request_in_the_menu(
    qtbot, db: Database, people, tmp_path: Path
) -> None:
    karen = people["karen"]
    åse = create_citizen(
        db, karen, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}
    ).id
    win = MainWindow(UiContext(db, karen, lambda: date(2026, 11, 23)))
    qtbot.addWidget(win)
    titles = [win.nav.item(i).text() for i in range(win.nav.count())]
    assert titles[-1] == "Indstillinger"
    win.nav.setCurrentRow(titles.index("Indstillinger"))
    assert win.pages.currentWidget() is win.settings_page
    win.open_citizen(åse)
    assert win.access_request_action.isEnabled()
    win.save_access_request(tmp_path / "aktindsigt.pdf")
    assert "udleveringen er logget" in win.statusBar().currentMessage()
    reader = PdfReader(io.BytesIO((tmp_path / "aktindsigt.pdf").read_bytes()))
    assert "Alt, hvad vi har registreret om dig" in reader.pages[0].extract_text()


@pytest.mark.sqlite_only  # the backups of a database file
def test_the_rotation_of_automatic_backups_is_shown_with_its_size(
    qtbot, db: Database, people
) -> None:
    from app.casework.privacy.backups import automatic_backup

    page = settings_page(qtbot, db, people["anna"])
    assert "ingen endnu" in page.organisation.backups.text()
    assert automatic_backup(db) is not None
    page.organisation.refresh()
    shown = page.organisation.backups.text()
    assert shown.startswith("Automatiske sikkerhedskopier: 1 (højst 1 gemmes)"), shown
    assert "MB" in shown and "backups" in shown


def test_the_checkpoint_folder_is_typed_in_the_settings(
    qtbot, db: Database, people, tmp_path
) -> None:
    from app.casework.privacy import audit_checkpoints

    page = settings_page(qtbot, db, people["anna"])
    page.tabs.setCurrentWidget(page.organisation)
    form = page.organisation.form
    folder = form.editor("checkpoint_folder")
    assert "kontrolpunkter" in folder.accessibleName()
    qtbot.keyClicks(folder, str(tmp_path / "it-share"))
    qtbot.mouseClick(page.organisation.save_button, Qt.MouseButton.LeftButton)
    assert page.organisation.status.text() == "Indstillingerne er gemt"
    assert audit_checkpoints.folder_for(db) == tmp_path / "it-share"
    page.resize(1000, 900)
    page.grab().save(str(tmp_path / "settings.png"))


def test_the_settings_fit_beside_the_navigation_on_a_laptop_at_150_percent(
    qtbot, db: Database, people
) -> None:
    """1366 pixels at 150 % leave 910 logical pixels, about 200 of them for the navigation: the
    Organisation form's long labels made the page 845 wide, so it scrolled sideways; its rows
    now put a field under its label where both do not fit side by side."""
    page = settings_page(qtbot, db, people["anna"])
    settled(qtbot, page)
    assert page.minimumSizeHint().width() <= 1366 / 1.5 - 200
