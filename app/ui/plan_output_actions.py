"""The main window's ways of putting a plan and a citizen's papers out of the program: print
preview, PDF, the batch print, the access-log extract and the access request, calendar files.

A mixin of ``MainWindow`` (``self`` is the window: its context, citizen page, status bar and
``show_problem``), kept apart so that the window's own file stays about pages and menus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
)

from app import i18n
from app.domain.result import Area, Saved
from app.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMainWindow

    from app.domain.errors import MinPlanError
    from app.ui.casework.citizen_page import CitizenPage
    from app.ui.casework.context import UiContext
    from app.ui.citizens.page import CitizensPage

    _Window = QMainWindow
else:
    _Window = object


class PlanOutputActions(_Window):
    """Printing and saving a citizen's papers (each records the disclosure it makes)."""

    # What the window provides (for the type checker; ``MainWindow`` sets and defines them).
    ctx: UiContext
    #: The last dialog opened here (tests reach it through the window).
    last_dialog: QDialog

    if TYPE_CHECKING:

        @property
        def citizen_page(self) -> CitizenPage: ...
        @property
        def citizens(self) -> CitizensPage: ...

        def show_problem(self, error: MinPlanError) -> None: ...
        def after_save(self, saved: Saved) -> None: ...

    def print_plan(self, *, large: bool = False, language: str | None = None) -> None:
        from app.ui.printing import PlanPrinter

        citizen_id = self.citizen_page.citizen_id
        if citizen_id is None:
            return
        if not self._print_despite_overdue_steps(citizen_id):
            return
        dialog = self.ctx.ops.now(
            lambda: PlanPrinter(self.ctx, self).preview(citizen_id, large=large, language=language)
        )
        if dialog is None:
            return
        self.last_dialog = dialog
        dialog.printed.connect(lambda number: self._plan_printed(citizen_id, number))

    def _plan_printed(self, citizen_id: int, number: int) -> None:
        self.statusBar().showMessage(
            _("Plan version {number} printed and recorded").format(number=number), 8000
        )
        if self.citizen_page.citizen_id == citizen_id:
            self.after_save(Saved(citizen_id, 0, citizen_id, frozenset({Area.HISTORY})))

    def _print_despite_overdue_steps(self, citizen_id: int) -> bool:
        """Say which steps are past their date and not reached before the plan goes on paper."""
        from app.casework.deadlines.today import overdue_milestones_of

        late = self.ctx.ops.now(
            lambda: overdue_milestones_of(self.ctx.db, citizen_id, self.ctx.today())
        )
        if late is None:
            return False
        if not late:
            return True
        steps = "\n".join(
            "• " + _("{title} (due {date})").format(title=t, date=i18n.format_short_date(d))
            for t, d in late
        )
        answer = QMessageBox.question(
            self,
            _("Steps past their date"),
            _(
                "These steps are past their date and not reached:\n{steps}\n\nUpdate them on the"
                " Min Plan tab first (reached, a new date or dropped), or print anyway?"
            ).format(steps=steps),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_plan_pdf(self) -> None:
        from app.ui.printing import PlanPrinter

        citizen_id = self.citizen_page.citizen_id
        if citizen_id is None:
            return
        try:
            path = self.ctx.ops.now(lambda: PlanPrinter(self.ctx, self).save_as(citizen_id))
        except OSError as error:
            QMessageBox.warning(self, _("Min Plan"), str(error))
            return
        if path is not None:
            self.statusBar().showMessage(_("Saved {path}").format(path=path), 8000)

    def access_log_extract(self) -> None:
        from app.ui.access_log.extract_dialog import ExtractDialog

        citizen_id = self.citizen_page.citizen_id
        if citizen_id is None:
            return
        dialog = ExtractDialog(self.ctx, citizen_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not one hidden copy per use
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(
                _("Saved {path}").format(path=dialog.result_value), 8000
            )
        )
        dialog.open()
        self.last_dialog = dialog

    def save_access_request(self, path=None) -> None:
        from app.ui.casework.access_request import save_access_request

        citizen_id = self.citizen_page.citizen_id
        if citizen_id is None:
            return
        done = self.ctx.ops.now(lambda: save_access_request(self.ctx, self, citizen_id, path))
        if done is not None:
            self.statusBar().showMessage(
                i18n.ngettext(
                    "Saved {path} ({pages} page); the disclosure is logged",
                    "Saved {path} ({pages} pages); the disclosure is logged",
                    done.pages,
                ).format(path=done.path, pages=done.pages),
                10_000,
            )
            self.after_save(Saved(citizen_id, 0, citizen_id, frozenset({Area.HISTORY})))

    def batch_print(self) -> None:
        from app.ui.printing import BatchPrintDialog

        dialog = BatchPrintDialog(self.ctx, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not one hidden copy per use
        dialog.open()
        self.last_dialog = dialog

    def batch_print_selected(self) -> None:
        from app.ui.printing import BatchPrintDialog

        ids = self.citizens.selected_citizen_ids()
        if not ids:
            self.statusBar().showMessage(_("Select citizens in the list first"), 5000)
            return
        dialog = BatchPrintDialog(self.ctx, ids, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_dialog = dialog

    def export_calendar(self) -> None:
        from app.ui.worklist.calendar_dialog import CalendarDialog

        dialog = CalendarDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # not one hidden copy per use
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(
                i18n.ngettext(
                    "{n} conversation written to the calendar file",
                    "{n} conversations written to the calendar file",
                    dialog.result_value or 0,
                ).format(n=dialog.result_value or 0),
                8000,
            )
        )
        dialog.open()
        self.last_dialog = dialog
