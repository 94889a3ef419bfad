"""One citizen's case: a header line and the tabs Overblik, Min Plan, Tilbud, Samtaler, Forløb,
Journal and Historik. The page routes each tab's ``saved`` to the tabs that show the changed area.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.casework.citizens.overview import citizen_overview
from app.casework.core.result import Area, Saved
from app.casework.privacy.access_log import record_view
from app.domain.errors import PermissionDeniedError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.casework.tab import CitizenTab
from app.ui.citizens.overview_panel import OverviewPanel
from app.ui.elided_label import ElidedLabel
from app.ui.form import confirm_discard
from app.ui.operations import Change

log = logging.getLogger(__name__)

#: Which areas each kind of change touches that the overview shows.
OVERVIEW_AREAS = frozenset(
    {
        Area.CITIZEN,
        Area.PLAN,
        Area.MILESTONES,
        Area.OFFERS,
        Area.CONVERSATIONS,
        Area.SPELLS,
        Area.EMPLOYMENT,
    }
)


_Tab = TypeVar("_Tab", bound=CitizenTab)


class OverviewTab(CitizenTab):
    AREAS = OVERVIEW_AREAS

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.panel = OverviewPanel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)

    def title(self) -> str:
        return _("&Overview")

    def load(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        self.panel.show_overview(
            citizen_overview(self.ctx.db, self.ctx.actor, citizen_id, today=self.ctx.today())
        )


def default_tabs(ctx: UiContext) -> list[CitizenTab]:
    """The tabs in their fixed order (design.md §5)."""
    from app.ui.casework.conversations_tab import ConversationsTab
    from app.ui.casework.history_tab import HistoryTab
    from app.ui.casework.journal_tab import JournalTab
    from app.ui.casework.offers_tab import OffersTab
    from app.ui.casework.plan_tab import PlanTab
    from app.ui.casework.spells_tab import SpellsTab

    return [
        OverviewTab(ctx),
        PlanTab(ctx),
        OffersTab(ctx),
        ConversationsTab(ctx),
        SpellsTab(ctx),
        JournalTab(ctx),
        HistoryTab(ctx),
    ]


class CitizenPage(QWidget):
    """One citizen's case in tabs; reloads what a change touches (``ctx.ops.changed``); ``back``
    returns to the list."""

    back = Signal()

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, tabs: list[CitizenTab] | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.citizen_id: int | None = None
        self.heading = ElidedLabel("", self)  # a 200-character name must not widen the window
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subheading = ElidedLabel("", self)
        back = QPushButton(_("← Back to the list"), self)
        back.setToolTip(_("Back to the citizen list (Alt+Left)"))
        back.clicked.connect(self.back)
        self.back_button = back
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tab_list = tabs if tabs is not None else default_tabs(ctx)
        for tab in self.tab_list:
            tab.setParent(self)
            self.tabs.addTab(tab, tab.title())
        # The tabs' actions live on the page too, so their shortcuts work whichever tab is showing.
        self.addActions(self.actions_for_menu())
        ctx.ops.changed.connect(self._changed)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        top.addLayout(titles, 1)
        top.addWidget(back)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def actions_for_menu(self) -> list[QAction]:
        found: list[QAction] = []
        for tab in self.tab_list:
            found.extend(tab.actions())
        return found

    def tab(self, cls: type[_Tab]) -> _Tab:
        return next(t for t in self.tab_list if isinstance(t, cls))

    def show_tab(self, tab: CitizenTab) -> None:
        self.tabs.setCurrentWidget(tab)

    def open(self, citizen_id: int) -> bool:
        """Show a citizen (after asking about unsaved edits of the one shown); False if refused."""
        if not self.may_leave():
            return False
        db, actor = self.ctx.db, self.ctx.actor

        def look() -> PermissionDeniedError | bool:
            try:
                record_view(db, actor, citizen_id)
            except PermissionDeniedError as refusal:  # the user may give a reason (below)
                return refusal
            return True

        looked = self.ctx.ops.now(look)  # any other refusal is shown in the window's one place
        if looked is None:
            return False
        if isinstance(looked, PermissionDeniedError):
            from app import i18n
            from app.ui.casework import prompts

            reason = prompts.ask_text(
                self,
                _("Another caseworker's citizen"),
                i18n.translate_error(looked) + "\n" + _("Reason (logged):"),
            )
            if not (reason or "").strip():
                return False

            def give_reason() -> bool:
                record_view(db, actor, citizen_id, purpose=reason)
                return True

            if self.ctx.ops.now(give_reason) is None:
                return False
        self.citizen_id = citizen_id
        return self.ctx.ops.now(lambda: self._load(citizen_id)) is not None

    def _load(self, citizen_id: int) -> bool:
        self._load_heading()
        for tab in self.tab_list:
            tab.load(citizen_id)
        return True

    def _load_heading(self) -> None:
        from app import i18n
        from app.domain.codes import TARGET_GROUPS

        view = citizen_overview(
            self.ctx.db,
            self.ctx.actor,
            self.citizen_id,  # type: ignore[arg-type]  # only with a citizen shown
            today=self.ctx.today(),
        )
        self.heading.setText(view.name)
        benefit = (
            _("{benefit} since {date}").format(
                benefit=i18n.label(TARGET_GROUPS, view.current_spell.target_group),
                date=i18n.format_date(view.current_spell.start),
            )
            if view.current_spell
            else _("No benefit today")
        )
        self.subheading.setText(f"{view.cpr[:6]}-{view.cpr[6:]} · {benefit}")

    def may_leave(self) -> bool:
        """Ask before unsaved edits in any tab are thrown away; True = go ahead."""
        dirty = [t for t in self.tab_list if t.has_unsaved_changes()]
        if not dirty:
            return True
        self.tabs.setCurrentWidget(dirty[0])
        if not confirm_discard(self):
            return False
        for tab in dirty:
            tab.discard_changes()
        return True

    def notify_saved(self, saved: Saved) -> None:
        """Tell every page what changed (this one reloads the tabs that show it)."""
        self.ctx.ops.announce(Change.of(saved))

    def _changed(self, change: Change) -> None:
        """Reload the heading and the tabs that show what changed for the citizen shown."""
        if self.citizen_id is None or change.citizen_id not in (None, self.citizen_id):
            return
        self.ctx.ops.now(lambda: self._reload(change))  # a refusal is shown in one place

    def _reload(self, change: Change) -> None:
        if change.touches(Area.CITIZEN, Area.SPELLS):
            self._load_heading()
        for tab in self.tab_list:
            if not tab.AREAS.isdisjoint(change.areas) and tab.citizen_id is not None:
                tab.load(tab.citizen_id)
