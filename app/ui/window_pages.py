"""The main window's pages other than the first, each made when first shown or asked for.

A mixin of ``MainWindow`` (``self`` is the window: its ``pages`` stack, context and slots). Each
page is a property: ``window.worklist`` is the Frister page, built at that moment if it was not
yet (``app.ui.page_stack``). Code that only wants to update a page if there is one asks
``pages.built(name)`` instead, or ``shown_citizen_page()`` / ``_citizens_built()``. A page's
module is imported when the page is made, so a start imports none of them (issue #19); once the
first screen is up, ``prepare_pages`` imports them in the background, so that opening a page
later only builds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QMainWindow

    from app.domain.errors import MinPlanError
    from app.ui.access_log.page import AccessLogPage
    from app.ui.admin.settings_page import SettingsPage
    from app.ui.casework.citizen_page import CitizenPage
    from app.ui.casework.context import UiContext
    from app.ui.citizens.page import CitizensPage
    from app.ui.companies.page import CompaniesPage
    from app.ui.indicators.page import IndicatorsPage
    from app.ui.page_stack import PageStack
    from app.ui.worklist.page import WorklistPage

    _Window = QMainWindow
else:
    _Window = object


#: The modules of the pages made on first use (``prepare_pages``).
PAGE_MODULES = (
    "app.ui.citizens.page",
    "app.ui.worklist.page",
    "app.ui.companies.page",
    "app.ui.indicators.page",
    "app.ui.admin.settings_page",
    "app.ui.access_log.page",
    "app.ui.casework.citizen_page",
)


def _import_page_modules() -> int:
    """Import the pages' modules (in a worker thread: no widget is made)."""
    import importlib

    for name in PAGE_MODULES:
        importlib.import_module(name)
    return len(PAGE_MODULES)


class WindowPages(_Window):
    """The pages by name, built on first use, with their signals wired to the window."""

    # What the window provides (for the type checker; ``MainWindow`` sets and defines them).
    ctx: UiContext
    pages: PageStack
    _may_see_access_log: bool

    if TYPE_CHECKING:

        def show_problem(self, error: MinPlanError) -> None: ...
        def refresh_all(self) -> None: ...
        def open_citizen(self, citizen_id: int) -> None: ...
        def back_to_list(self) -> None: ...
        def _citizen_context_menu(self, pos: QPoint) -> None: ...
        def _fill_case_menus(self, page: CitizenPage) -> None: ...

    def prepare_pages(self) -> None:
        """Import the other pages' modules in the background once the first screen is up: the
        first opening of a page then builds it without also importing its code (30–90 ms on
        the window's thread)."""
        self.ctx.ops.read("prepare-pages", _import_page_modules, lambda _count: None)

    @property
    def citizens(self) -> CitizensPage:
        return cast("CitizensPage", self.pages.page("citizens"))

    @property
    def worklist(self) -> WorklistPage:
        return cast("WorklistPage", self.pages.page("worklist"))

    @property
    def companies(self) -> CompaniesPage:
        return cast("CompaniesPage", self.pages.page("companies"))

    @property
    def indicators(self) -> IndicatorsPage:
        return cast("IndicatorsPage", self.pages.page("indicators"))

    @property
    def settings_page(self) -> SettingsPage:
        return cast("SettingsPage", self.pages.page("settings"))

    @property
    def access_log(self) -> AccessLogPage | None:
        """None for a caseworker, who has no access log page."""
        if not self._may_see_access_log:
            return None
        return cast("AccessLogPage", self.pages.page("access_log"))

    @property
    def citizen_page(self) -> CitizenPage:
        """One citizen's case (reached from the lists, not from the navigation)."""
        return cast("CitizenPage", self.pages.page("citizen"))

    def shown_citizen_page(self) -> CitizenPage | None:
        """The citizen page if it is the page in front (nothing is built)."""
        built = cast("CitizenPage | None", self.pages.built("citizen"))
        return built if built is not None and self.pages.currentWidget() is built else None

    def _citizens_built(self) -> CitizensPage | None:
        """The citizen list if it has been shown (so there is something to refresh)."""
        return cast("CitizensPage | None", self.pages.built("citizens"))

    # --- making each page ------------------------------------------------------------------
    def _make_citizens(self) -> QWidget:
        from app.ui.citizens.page import CitizensPage

        page = CitizensPage(self.ctx, self)
        page.citizen_activated.connect(self.open_citizen)
        page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        page.table.customContextMenuRequested.connect(self._citizen_context_menu)
        return page

    def _make_worklist(self) -> QWidget:
        from app.ui.worklist.page import WorklistPage

        page = WorklistPage(self.ctx, self)
        page.open_citizen.connect(self.open_citizen)
        return page

    def _make_companies(self) -> QWidget:
        from app.ui.companies.page import CompaniesPage

        page = CompaniesPage(self.ctx, self)
        page.open_citizen.connect(self.open_citizen)
        return page

    def _make_indicators(self) -> QWidget:
        from app.ui.indicators.page import IndicatorsPage

        page = IndicatorsPage(self.ctx, self)
        return page

    def _make_settings(self) -> QWidget:
        from app.ui.admin.settings_page import SettingsPage

        page = SettingsPage(self.ctx, self)
        page.citizens_erased.connect(self.refresh_all)
        return page

    def _make_access_log(self) -> QWidget:
        from app.ui.access_log.page import AccessLogPage

        page = AccessLogPage(self.ctx, self)
        return page

    def _make_citizen_page(self) -> QWidget:
        from app.ui.casework.citizen_page import CitizenPage

        page = CitizenPage(self.ctx, self)
        page.back.connect(self.back_to_list)
        self._fill_case_menus(page)
        return page
