"""The main window: navigation column, pages, menus with a keyboard path for every action, status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QWidget,
)

from app import i18n
from app.domain.codes import ROLES
from app.domain.errors import MinPlanError
from app.domain.result import Area, Saved
from app.i18n import _, ngettext
from app.ui import window_fit
from app.ui.access_log import may_see_access_log
from app.ui.case_menus import CaseMenus
from app.ui.casework.context import UiContext
from app.ui.crash import show_problem
from app.ui.operations import Change
from app.ui.page_stack import PageStack
from app.ui.plan_output_actions import PlanOutputActions
from app.ui.settings import Settings
from app.ui.today.page import TodayPage
from app.ui.window_pages import WindowPages

if TYPE_CHECKING:
    from app.ui.background_backup import BackgroundBackup
    from app.ui.background_check import BackgroundIntegrityCheck
    from app.ui.casework.citizen_page import CitizenPage
    from app.ui.gui_thread_gc import GuiThreadCollector
    from app.ui.orm_loader import InputGate, StartAfterPaint

log = logging.getLogger(__name__)


class MainWindow(WindowPages, CaseMenus, PlanOutputActions, QMainWindow):
    """Owns the pages and routes "what changed" after each action to the views that show it."""

    # Set by ``app.ui.application`` once the window is made (declared for the type checker).
    #: The note about the last session's native crash, if there was one.
    crash_notice: QMessageBox
    background_check: BackgroundIntegrityCheck | None
    background_backup: BackgroundBackup | None
    collector: GuiThreadCollector
    #: Holds input back while the ORM loads behind the window (``app.ui.orm_loader``).
    input_gate: InputGate
    start_after_paint: StartAfterPaint

    def __init__(
        self, ctx: UiContext, *, demo: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.demo = demo
        self.settings = Settings.load()
        title = _("Min Plan")
        self.setWindowTitle(title + (" — " + _("DEMO (synthetic data)") if demo else ""))

        self.nav = QListWidget(self)
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setAccessibleDescription(
            _("The pages of Min Plan; Ctrl+1, Ctrl+2 and so on go straight to each of them.")
        )
        self.nav.setIconSize(QSize(16, 16))
        self.nav.setMaximumWidth(200)
        self.nav.setMinimumWidth(150)
        # Only the first page is built now; each other page when first shown or asked for
        # (``PageStack``): a start does what the first screen needs (issue #19).
        self.pages = PageStack(self)
        self.today_page = TodayPage(ctx, self)  # "I dag": the first page a caseworker sees
        self.today_page.open_citizen.connect(self.open_citizen)
        self._add_page(_("Today"), "today", self.today_page)
        self._add_page(_("My citizens"), "citizens", self._make_citizens)
        ctx.ops.problem.connect(self.show_problem)
        ctx.ops.changed.connect(self._changed)
        self._add_page(_("Deadlines"), "worklist", self._make_worklist)
        self._add_page(_("Companies"), "companies", self._make_companies)
        self._add_page(_("Goals and indicators"), "indicators", self._make_indicators)
        self._add_page(_("Settings"), "settings", self._make_settings)
        self._may_see_access_log = may_see_access_log(ctx)
        if self._may_see_access_log:  # team leads and administrators (the use case checks too)
            self._add_page(_("Access log"), "access_log", self._make_access_log)
        self.pages.add_later("citizen", self._make_citizen_page)  # from the lists, not the nav
        self.nav.currentRowChanged.connect(self._navigate)
        self.nav.setCurrentRow(0)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.nav)
        split.addWidget(window_fit.scrolling(self.pages, self))
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([170, 1100])
        self.setCentralWidget(split)
        self._build_menus()
        self._build_status_bar()
        window_fit.restore(self)  # inside the screen, as last left on this screen

    # --- layout ----------------------------------------------------------------------------
    def _add_page(self, title: str, name: str, page: QWidget | Callable[[], QWidget]) -> None:
        QListWidgetItem(title, self.nav)
        if isinstance(page, QWidget):
            self.pages.add(name, page)
        else:
            self.pages.add_later(name, page)

    def _navigate(self, row: int) -> None:
        target = self.pages.widget(row)
        leaving = self.shown_citizen_page()
        if leaving is not None and target is not leaving and not leaving.may_leave():
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self.pages.index_of("citizens"))
            self.nav.blockSignals(False)
            return
        self.pages.setCurrentIndex(row)
        self._update_citizen_menu()

    def _action(
        self,
        text: str,
        slot,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        # not ``connect(slot)``: ``triggered`` passes ``checked``, which a slot with an optional
        # argument takes for it (the access request got False as its file name and crashed)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self.new_citizen_action = self._action(
            _("&New citizen…"),
            self.new_citizen,
            "Ctrl+N",
            tip=_("Register a citizen (CPR number, name, contact)"),
        )
        file_menu.addAction(self.new_citizen_action)
        self.calendar_action = self._action(
            _("Export &calendar (.ics)…"),
            self.export_calendar,
            tip=_("Booked conversations as a calendar file for Outlook"),
        )
        file_menu.addAction(self.calendar_action)
        self.batch_print_action = self._action(
            _("Print plans for citizens on &paper…"),
            self.batch_print,
            tip=_("The plans of everyone exempt from digital post, as PDF files"),
        )
        file_menu.addAction(self.batch_print_action)
        self.batch_selected_action = self._action(
            _("Print plans for the &selected citizens…"),
            self.batch_print_selected,
            tip=_("Select several citizens in the list with Shift or Ctrl"),
        )
        file_menu.addAction(self.batch_selected_action)
        file_menu.addSeparator()
        self.print_list_action = self._action(
            _("Print the &list…"),
            lambda: self._list_output("print"),
            "Ctrl+Shift+P",
            tip=_("The list in front of you (Today, Deadlines, the citizens) on paper; logged"),
        )
        self.export_list_action = self._action(
            _("Export the list as a sprea&dsheet…"),
            lambda: self._list_output("export"),
            "Ctrl+Shift+X",
            tip=_("The list in front of you as XLSX or CSV; logged"),
        )
        file_menu.addActions([self.print_list_action, self.export_list_action])
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Quit"), self.close, QKeySequence.StandardKey.Quit))

        edit_menu = bar.addMenu(_("&Edit"))
        self.edit_citizen_action = self._action(_("&Edit citizen…"), self.edit_citizen, "Ctrl+E")
        edit_menu.addAction(self.edit_citizen_action)

        self._build_case_menus(bar)
        self._update_citizen_menu()
        self.restore_action = self._action(_("Deleted &citizens…"), self.restore_citizen)
        edit_menu.addAction(self.restore_action)

        view_menu = bar.addMenu(_("&View"))
        self.search_action = self._action(
            _("&Search citizens"), self.focus_search, QKeySequence.StandardKey.Find
        )
        view_menu.addAction(self.search_action)
        view_menu.addAction(
            self._action(_("&Refresh"), self.refresh_all, QKeySequence.StandardKey.Refresh)
        )
        view_menu.addSeparator()
        for row in range(self.nav.count()):
            view_menu.addAction(
                self._action(
                    self.nav.item(row).text(),
                    lambda _c=False, r=row: self.nav.setCurrentRow(r),
                    f"Ctrl+{row + 1}",
                )
            )
        language_menu = view_menu.addMenu(_("&Language"))
        group = QActionGroup(self)
        for code, name in (("da", "Dansk"), ("en", "English")):
            action = QAction(name, self, checkable=True)
            action.setChecked(i18n.current_language() == code)
            action.triggered.connect(lambda _c=False, c=code: self.choose_language(c))
            group.addAction(action)
            language_menu.addAction(action)

        help_menu = bar.addMenu(_("&Help"))
        self.help_action = self._action(
            _("&Help for this page"),
            self.show_help,
            QKeySequence.StandardKey.HelpContents,
            tip=_("The manual, open at the section for the page in front of you"),
        )
        help_menu.addAction(self.help_action)
        help_menu.addAction(self._action(_("&About Min Plan"), self.about))

    def current_list(self):
        """The list on the page in front (Today, Deadlines, the citizens), or None."""
        from app.ui.citizens.list_source import citizen_list_source

        page = self.pages.currentWidget()
        if page is self._citizens_built():
            return citizen_list_source(self.citizens)
        if page in (self.today_page, self.pages.built("worklist")):
            return page.list_source()
        return None

    def _list_output(self, what: str) -> None:
        from app.ui.list_output import export_list, print_list

        source = self.current_list()
        if source is None:
            self.statusBar().showMessage(
                _("Open Today, Deadlines or the citizen list to print or export it"), 6000
            )
            return
        if what == "print":
            self.ctx.ops.write(lambda: print_list(self.ctx, self, source))
            return
        path = self.ctx.ops.write(lambda: export_list(self.ctx, self, source))
        if path is not None:
            self.statusBar().showMessage(_("Saved {path}").format(path=path), 8000)

    def citizen_context_menu(self, citizen_id: int) -> QMenu:
        """Right-click (or the menu key) on a citizen in the list: the common actions on them."""
        from app.ui.casework.conversations_tab import ConversationsTab

        def on_page(then):
            def run() -> None:
                self.open_citizen(citizen_id)
                if self.citizen_page.citizen_id == citizen_id:
                    then()

            return run

        def book() -> None:
            tab = self.citizen_page.tab(ConversationsTab)
            self.citizen_page.show_tab(tab)
            tab.book()

        menu = QMenu(self)
        menu.setAccessibleName(_("Citizen"))
        for text, slot in (
            (_("&Open"), lambda: self.open_citizen(citizen_id)),
            (_("&Edit citizen…"), self.edit_citizen),
            (_("&Book a conversation…"), on_page(book)),
            (_("&Print the plan…"), on_page(self.print_plan)),
            (_("&Hand over to another caseworker…"), on_page(self.hand_over)),
            (_("&Delete citizen…"), on_page(self.delete_citizen)),
        ):
            menu.addAction(text).triggered.connect(lambda _c=False, f=slot: f())
        return menu

    def _citizen_context_menu(self, pos) -> None:
        table = self.citizens.table
        index = table.indexAt(pos)
        if index.isValid():
            table.selectRow(index.row())
        citizen_id = self.citizens.selected_citizen_id()
        if citizen_id is None:
            return
        if not index.isValid():  # from the keyboard: beside the selected row
            current = table.currentIndex()
            pos = table.visualRect(current).center() if current.isValid() else pos
        self.context_menu = self.citizen_context_menu(citizen_id)
        self.context_menu.popup(table.viewport().mapToGlobal(pos))

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.database_label = QLabel(
            _("Database: {name}").format(name=self.ctx.db.description), self
        )
        self.database_label.setToolTip(self.ctx.db.description)
        actor = self.ctx.actor
        role = i18n.label(ROLES, actor.role)
        self.user_label = QLabel(
            _("User: {user} · {role}").format(user=actor.display, role=role), self
        )
        # A normal (not permanent) widget: a message such as "Saved …" takes its place for a while.
        # As a permanent widget with stretch it left messages no room, so none was ever seen.
        status.addWidget(self.database_label, 1)
        from app.ui.database_status import encryption_badge, network_badge

        self.encryption_label = encryption_badge(self.ctx.db, self)
        self.network_label = network_badge(self.ctx.db, self)
        for badge in (self.network_label, self.encryption_label):
            if badge is not None:
                status.addPermanentWidget(badge)
        status.addPermanentWidget(self.user_label)
        if self.demo:
            badge = QLabel(_("DEMO: synthetic data"), self)
            badge.setStyleSheet(
                "background:#fff3cd; color:#664d03; padding:1px 6px; border-radius:3px;"
            )
            status.addPermanentWidget(badge)

    # --- actions ---------------------------------------------------------------------------
    def focus_search(self) -> None:
        shown = self.shown_citizen_page()
        if shown is not None and not shown.may_leave():
            return
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(self.pages.index_of("citizens"))
        self.nav.blockSignals(False)
        self.pages.setCurrentWidget(self.citizens)
        self._update_citizen_menu()
        self.citizens.focus_search()

    def open_citizen(self, citizen_id: int) -> None:
        """Show the citizen's page (the list keeps its search and selection for the way back)."""
        showing = self.shown_citizen_page() is not None
        if not (showing and self.citizen_page.citizen_id == citizen_id):
            if not self.citizen_page.open(citizen_id):
                return
        if not showing:
            self._back_to = self.pages.currentWidget()  # Alt+Left returns there
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(self.pages.index_of("citizens"))
        self.nav.blockSignals(False)
        self.pages.setCurrentWidget(self.citizen_page)
        self._update_citizen_menu()
        self.citizen_page.tabs.currentWidget().setFocus()

    def back_to_list(self) -> None:
        shown = self.shown_citizen_page()
        if shown is None or not shown.may_leave():
            return
        if getattr(self, "_back_to", None) is self.today_page:
            self.nav.setCurrentRow(self.pages.indexOf(self.today_page))
            self.today_page.focus_list()
            return
        self.pages.setCurrentWidget(self.citizens)
        self._update_citizen_menu()
        if self.citizen_page.citizen_id is not None:
            self.citizens.select_citizen(self.citizen_page.citizen_id)
        self.citizens.table.setFocus()

    def hand_over(self) -> None:
        from app.ui.casework import citizen_actions as actions

        if self.citizen_page.citizen_id is None:
            return
        citizen_id = self.citizen_page.citizen_id
        saved = self.ctx.ops.now(lambda: actions.hand_over_citizen(self.ctx, self, citizen_id))
        if saved is not None:
            self.refresh_all()
            if not self._may_still_read(citizen_id):  # handed over out of one's own caseload
                self.citizen_page.citizen_id = None
                self.pages.setCurrentWidget(self.citizens)
                self._update_citizen_menu()
                self.statusBar().showMessage(
                    _("The citizen was handed over and is no longer in your caseload"), 8000
                )
                return
            self.after_save(saved)

    def _may_still_read(self, citizen_id: int) -> bool:
        from app.casework.privacy.access_log import record_view
        from app.domain.errors import PermissionDeniedError

        try:
            record_view(self.ctx.db, self.ctx.actor, citizen_id)
        except PermissionDeniedError:
            return False
        return True

    def delete_citizen(self) -> None:
        from app.ui.casework import citizen_actions as actions

        citizen_id = self.citizen_page.citizen_id
        if citizen_id is None:
            return
        saved = self.ctx.ops.now(lambda: actions.delete_citizen_asking(self.ctx, self, citizen_id))
        if saved is not None:
            self.citizen_page.citizen_id = None
            self.refresh_all()
            self.pages.setCurrentWidget(self.citizens)
            self._update_citizen_menu()
            self.statusBar().showMessage(
                _("The citizen was deleted; restore from Edit → Deleted citizens"), 8000
            )

    def restore_citizen(self) -> None:
        from app.ui.casework import citizen_actions as actions

        saved = self.ctx.ops.now(lambda: actions.restore_citizen_asking(self.ctx, self))
        if saved is not None:
            self.refresh_all()
            self.open_citizen(saved.id)

    def refresh_all(self) -> None:
        """Read the citizen list again (one not shown yet reads when it is first shown)."""
        shown = self._citizens_built()
        if shown is not None:
            shown.refresh(requery=True)

    def new_citizen(self) -> None:
        from app.ui.casework.citizen_dialog import CitizenDialog

        dialog = CitizenDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.result_value is not None:
            result = dialog.result_value
            citizen_id = result[1] if isinstance(result, tuple) else result
            self.refresh_all()
            if not self.citizens.select_citizen(citizen_id):
                self.citizens.scope.setCurrentIndex(1)
                self.citizens.select_citizen(citizen_id)

    def edit_citizen(self) -> None:
        from app.ui.casework.citizen_dialog import CitizenDialog

        shown = self.shown_citizen_page()
        citizen_id = shown.citizen_id if shown is not None else self._selected_in_list()
        if citizen_id is None:
            self.statusBar().showMessage(_("Select a citizen first"), 4000)
            return
        from app.casework.citizens.citizens import master_data

        db, actor = self.ctx.db, self.ctx.actor
        citizen = self.ctx.ops.now(lambda: master_data(db, actor, citizen_id))
        if citizen is None:  # refused: the reason is shown
            return
        dialog = CitizenDialog(self.ctx, citizen=citizen, parent=self)
        if dialog.exec():
            saved = Saved(citizen_id, 0, citizen_id, frozenset({Area.CITIZEN, Area.CITIZEN_LIST}))
            self.after_save(saved)

    def _selected_in_list(self) -> int | None:
        shown = self._citizens_built()
        return shown.selected_citizen_id() if shown is not None else None

    def after_save(self, saved: Saved) -> None:
        """A page or dialog saved something: tell every page what changed."""
        self.ctx.ops.announce(Change.of(saved))

    def _changed(self, change: Change) -> None:
        """Refresh only the views that show what changed."""
        # A page not built yet has nothing to refresh: it reads when first shown.
        citizens, companies = self._citizens_built(), self.pages.built("companies")
        if citizens is not None and change.touches(Area.CITIZEN_LIST, Area.CITIZEN):
            citizens.refresh({change.citizen_id} if change.citizen_id else None)
        if companies is not None and change.touches(Area.COMPANIES):
            companies.refresh()  # type: ignore[attr-defined]  # built() gives it as a QWidget
        if self.today_page.loaded:
            self.today_page.loaded = False  # read again when next shown
            if self.pages.currentWidget() is self.today_page:
                self.today_page.refresh()

    def day_summary(self) -> str:
        """ "I dag: 3 samtaler, 2 frister overskredet" for the user's own caseload (the same day
        as the Today page shows, from its use case)."""
        from app.casework.deadlines.today import day_overview

        if self.ctx.actor.caseworker_id is None:
            return ""
        today = self.ctx.today()
        day = self.today_page.day if self.today_page.loaded else None  # read at start already
        if day is None or day.today != today:
            day = day_overview(self.ctx.db, self.ctx.actor, today)
        talks, overdue = len(day.today_conversations), day.overdue_count
        return _("Today: {talks}, {overdue}").format(
            talks=ngettext("{n} conversation", "{n} conversations", talks).format(n=talks),
            overdue=ngettext("{n} deadline overdue", "{n} deadlines overdue", overdue).format(
                n=overdue
            ),
        )

    def show_startup_notices(self) -> None:
        """Once at start: a new database's recovery key (never for the demo), then a warning if
        the file is on a network drive."""
        db = self.ctx.db
        recovery = db.new_recovery_key.take() if db.new_recovery_key is not None else None
        if recovery and not self.demo and db.encryption is not None:
            from app.store.cipher import short_id
            from app.ui.recovery_key_dialog import RecoveryKeyDialog

            self.recovery_dialog = RecoveryKeyDialog(
                recovery,
                database_id=short_id(db.encryption.database_id or ""),
                path=str(db.path),
                key_store=db.encryption.key_store or "",
                parent=self,
            )
            self.recovery_dialog.finished.connect(self._warn_network_drive)
            self.recovery_dialog.open()
        else:
            self._warn_network_drive()

    def _warn_network_drive(self) -> None:
        db = self.ctx.db
        if not db.network_fs:
            return
        from app.casework.privacy.database_keys import network_warning

        self.network_box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Database on a network drive"),
            network_warning(db),
            QMessageBox.StandardButton.Ok,
            self,
        )
        self.network_box.open()

    def show_day_summary(self) -> None:
        """Once at start: in the status bar and, where the desktop has one, as a notification."""
        self.ctx.ops.read("day-summary", self.day_summary, self._day_summary, background=False)

    def _day_summary(self, text: str) -> None:
        if not text:
            return
        self.statusBar().showMessage(text, 30_000)
        from PySide6.QtWidgets import QSystemTrayIcon

        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.show()
            self.tray.showMessage(
                _("Min Plan"), text, QSystemTrayIcon.MessageIcon.Information, 8000
            )

    def show_help(self) -> None:
        """F1: the help window at the section for the page (or the citizen's tab) in front."""
        from app.ui.help.topics import section_for
        from app.ui.help.window import HelpWindow

        page = self.pages.currentWidget()
        if page is self.shown_citizen_page():
            page = self.citizen_page.tabs.currentWidget()
        if getattr(self, "help_window", None) is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_topic(*section_for(type(page).__name__))

    def choose_language(self, code: str) -> None:
        self.settings.language = code
        self.settings.save()
        QMessageBox.information(
            self, _("Language"), _("The new language is used from the next start of Min Plan.")
        )

    def about(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("minplan")
        except PackageNotFoundError:
            number = "dev"
        QMessageBox.about(
            self,
            _("About Min Plan"),
            _(
                "Min Plan {version}\n\nThe citizen's individual plan, the mandatory conversations and the "
                "offers, kept by the jobcenter.\n\nDatabase: {database}"
            ).format(version=number, database=self.ctx.db.description),
        )

    def show_problem(self, error: MinPlanError) -> None:
        show_problem(self, error)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        shown = cast("CitizenPage | None", self.pages.built("citizen"))  # never built: no edits
        if shown is not None and not shown.may_leave():
            event.ignore()
            return
        window_fit.remember(self)
        super().closeEvent(event)
