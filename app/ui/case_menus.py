"""The citizen's menus in the main window: Citizen, Plan, Conversations, Offers and Benefit.

A mixin of ``MainWindow`` (``self`` is the window). The menus and the window's own actions in
them (back, access request, printing, hand over, delete) are made with the window; the tabs'
actions (a journal note, a new offer …) belong to the citizen page, which is built when a citizen
is first opened (``app.ui.window_pages``), so they are put into their menus then
(``_fill_case_menus``). Opening a case menu before that builds the page, so the menu shows
the same entries (disabled off the citizen page) either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar

from app.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from app.ui.casework.citizen_page import CitizenPage

    _Window = QMainWindow
else:
    _Window = object


class CaseMenus(_Window):
    """The case menus, enabled while a citizen is open."""

    if TYPE_CHECKING:  # what the window provides (``MainWindow`` and its other mixins)

        @property
        def citizen_page(self) -> CitizenPage: ...
        def shown_citizen_page(self) -> CitizenPage | None: ...
        def _action(
            self,
            text: str,
            slot: Callable[..., object],
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            *,
            tip: str | None = None,
        ) -> QAction: ...
        def back_to_list(self) -> None: ...
        def hand_over(self) -> None: ...
        def delete_citizen(self) -> None: ...
        def print_plan(self, *, large: bool = False, language: str | None = None) -> None: ...
        def save_plan_pdf(self) -> None: ...
        def access_log_extract(self) -> None: ...
        def save_access_request(self, path: object = None) -> None: ...

    def _build_case_menus(self, bar: QMenuBar) -> None:
        """The citizen's actions in a few short menus (enabled while a citizen is open):
        Citizen (the case as a whole), Plan (the plan and its printout), Conversations, Offers
        and Benefit (each tab's own actions, added by ``_fill_case_menus``)."""
        self.citizen_menu = bar.addMenu(_("&Citizen"))
        self.plan_menu = bar.addMenu(_("&Plan"))
        self.conversations_menu = bar.addMenu(_("Conversa&tions"))
        self.offers_menu = bar.addMenu(_("Offe&rs"))
        self.benefit_menu = bar.addMenu(_("Benef&it"))
        self.case_menus = [
            self.citizen_menu,
            self.plan_menu,
            self.conversations_menu,
            self.offers_menu,
            self.benefit_menu,
        ]
        for menu in self.case_menus:  # the tabs' entries, if the citizen page is not built yet
            menu.aboutToShow.connect(lambda: self.citizen_page)
        self.back_action = self._action(_("&Back to the list"), self.back_to_list, "Alt+Left")
        self.citizen_menu.addAction(self.back_action)
        self.citizen_menu.addSeparator()
        self._journal_place = self.citizen_menu.addSeparator()  # the journal's actions go above
        self.access_request_action = self._action(
            _("&Access request: everything held as PDF…"),
            self.save_access_request,
            tip=_("A PDF of everything Min Plan holds on the citizen (GDPR art. 15); logged"),
        )
        self.extract_action = self._action(
            _("Access-log &extract for the citizen…"),
            self.access_log_extract,
            tip=_("When the jobcenter used the citizen's information, and why (right of access)"),
        )
        self.citizen_menu.addActions([self.access_request_action, self.extract_action])
        self.citizen_menu.addSeparator()
        self.hand_over_action = self._action(_("&Hand over to another caseworker…"), self.hand_over)
        self.delete_action = self._action(_("&Delete citizen…"), self.delete_citizen)
        self.citizen_menu.addActions([self.hand_over_action, self.delete_action])

        self._plan_place = self.plan_menu.addSeparator()  # the plan tab's actions go above
        self.print_action = self._action(
            _("&Print the plan…"),
            lambda: self.print_plan(),
            "Ctrl+P",
            tip=_("Print preview of the citizen's plan in the citizen's preferred language"),
        )
        self.print_large_action = self._action(
            _("Print the plan in &large print…"), lambda: self.print_plan(large=True)
        )
        self.print_danish_action = self._action(
            _("Print the plan in Da&nish…"),
            lambda: self.print_plan(language="da"),
            tip=_("The Danish plan, whatever the citizen's preferred language"),
        )
        self.print_other_action = self._action(
            _("Print the plan in En&glish…"),
            lambda: self.print_plan(language="en"),
            tip=_("The English plan, for a citizen who reads English"),
        )
        self.save_pdf_action = self._action(
            _("Save the plan as PD&F…"), self.save_plan_pdf, "Ctrl+Shift+S"
        )
        self.plan_menu.addActions(
            [
                self.print_action,
                self.print_large_action,
                self.print_danish_action,
                self.print_other_action,
                self.save_pdf_action,
            ]
        )
        self._update_citizen_menu()

    def _fill_case_menus(self, page: CitizenPage) -> None:
        """Put the citizen page's tab actions into their menus (once, when the page is made)."""
        from app.ui.casework.conversations_tab import ConversationsTab
        from app.ui.casework.journal_tab import JournalTab
        from app.ui.casework.offers_tab import OffersTab
        from app.ui.casework.plan_tab import PlanTab
        from app.ui.casework.spells_tab import SpellsTab

        placed: set[int] = set()

        def tab_actions(cls: type) -> list[QAction]:
            found = [t for t in page.tab_list if isinstance(t, cls)]
            actions = found[0].actions() if found else []
            placed.update(id(a) for a in actions)
            return actions

        self.citizen_menu.insertActions(self._journal_place, tab_actions(JournalTab))
        self.plan_menu.insertActions(self._plan_place, tab_actions(PlanTab))
        self.conversations_menu.addActions(tab_actions(ConversationsTab))
        self.offers_menu.addActions(tab_actions(OffersTab))
        self.benefit_menu.addActions(tab_actions(SpellsTab))
        rest = [a for a in page.actions_for_menu() if id(a) not in placed]
        if rest:  # a tab without a menu of its own
            self.citizen_menu.addSeparator()
            self.citizen_menu.addActions(rest)
        self._update_citizen_menu()

    def _update_citizen_menu(self) -> None:
        if not hasattr(self, "citizen_menu"):
            return
        on_page = self.shown_citizen_page() is not None
        for menu in self.case_menus:
            for action in menu.actions():
                action.setEnabled(on_page)
            if menu is not self.citizen_menu:  # the tabs' menus show with the citizen (and their
                menu.menuAction().setVisible(on_page)  # Alt+letters are free on other pages)
