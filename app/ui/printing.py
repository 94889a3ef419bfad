"""Print preview, printing and saving a citizen's plan as PDF, one or in a batch off the GUI thread.

The PDF made by ``app.reports`` is the one document: the preview and the printer draw its pages
(rendered with PDFium), so what the citizen gets on paper is exactly the saved PDF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import pypdfium2
from PySide6.QtCore import QObject, QRectF, Qt, QThread, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPainter,
    QShowEvent,
)
from PySide6.QtPrintSupport import (
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.casework.plan.plan_printing import (
    BatchResult,
    batch_plans,
    file_name,
    plan_pdf,
    record_printed,
    require_may_print,
    save_plan_pdf,
)
from app.domain.dates import local_today
from app.domain.errors import MinPlanError
from app.i18n import _
from app.ui.casework.context import UiContext

log = logging.getLogger(__name__)


def page_images(content: bytes, dpi: int = 150) -> list[QImage]:
    """Each PDF page as an image, for preview and printing."""
    document = pypdfium2.PdfDocument(content)
    images = []
    try:
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / 72, rev_byteorder=True)
            width, height = bitmap.width, bitmap.height
            image = QImage(
                bytes(bitmap.buffer),
                width,
                height,
                bitmap.stride,
                QImage.Format.Format_RGB888
                if bitmap.n_channels == 3
                else QImage.Format.Format_RGBA8888,
            )
            images.append(image.copy())
    finally:
        document.close()
    return images


def paint_pages(printer: QPrinter, images: Sequence[QImage]) -> bool:
    """Draw the page images on ``printer``; False when the printer could not be painted on."""
    painter = QPainter()
    if not painter.begin(printer):
        log.warning("the printer could not be opened for painting")
        return False
    try:
        for number, image in enumerate(images):
            if number and not printer.newPage():
                return False
            area = QRectF(painter.viewport())
            size = image.size().scaled(area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, size.width(), size.height()), image)
    finally:
        painter.end()
    return printer.printerState() not in (
        QPrinter.PrinterState.Error,
        QPrinter.PrinterState.Aborted,
    )


class PlanPreviewDialog(QPrintPreviewDialog):
    """The print preview of one plan. Qt's preview paints with its printer whenever it repaints,
    so the printer must live exactly as long as the dialog: the dialog makes and owns it (a
    printer made in a function and handed over was collected while the preview still painted
    with it, which crashed the program; one kept in a Python attribute is freed before the C++
    dialog's own destructor runs, which crashed it on close).

    ``printed`` carries the plan version number once the plan really went to the printer (the
    preview accepts itself only after the print dialog was accepted and the pages painted);
    opening and closing the preview records nothing."""

    printed = Signal(int)

    #: Enough for sharp print of the 150-dpi page images (the default is the screen's).
    RESOLUTION = 600

    def __init__(
        self,
        images: Sequence[QImage],
        on_printed: Callable[[], int | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.images, self.on_printed = list(images), on_printed
        printer = self.printer()
        printer.setResolution(self.RESOLUTION)
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        self.last_paint_ok = False
        self.printed_version: int | None = None
        self.setWindowTitle(_("Min Plan: print preview"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.paintRequested.connect(self._paint)
        self.accepted.connect(self._after_print)
        self.preview = self.findChild(QPrintPreviewWidget)
        self._fit_screen(parent)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        """Fit width, through the toolbar's own action so that its button shows the mode (Qt
        itself opens a preview at "fit page", which makes the text small)."""
        super().showEvent(event)
        fit_width = self.findChild(QAction, "fitWidthAction")
        if fit_width is not None and not fit_width.isChecked():
            fit_width.trigger()
        elif self.preview is not None:
            self.preview.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)

    def _fit_screen(self, parent: QWidget | None) -> None:
        """Readable at once: as tall as the screen allows, wide enough for a page at fit width."""
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        # a page at about 100 % (A4 is 794 px wide at 96 dpi) with room for the scroll bar,
        # never wider or taller than the screen
        self.resize(min(880, area.width() - 40), max(300, area.height() - 80))

    def _paint(self, printer: QPrinter) -> None:
        self.last_paint_ok = paint_pages(printer, self.images)

    def _after_print(self) -> None:
        if not self.last_paint_ok:
            return
        version = self.on_printed()  # a refusal is shown in the window's one place
        if version is None:
            return
        self.printed_version = version
        self.printed.emit(version)


class PlanPrinter:
    """The plan actions for the citizen page: preview and print (Ctrl+P), save as PDF (Ctrl+Shift+S)."""

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        self.ctx, self.parent = ctx, parent

    def _pdf(self, citizen_id: int, *, large: bool = False, language: str | None = None) -> bytes:
        require_may_print(self.ctx.db, self.ctx.actor, citizen_id)
        return plan_pdf(
            self.ctx.db,
            self.ctx.actor,
            citizen_id,
            large_print=large,
            language=language,
            record=False,
            today=self.ctx.today(),
        )

    def _recorder(self, citizen_id: int) -> Callable[[], int | None]:
        # Not a closure over ``self``: the dialog keeps it, and a dialog that holds the last
        # reference to its own parent widget is deleted twice (once by the parent).
        db, actor, ops = self.ctx.db, self.ctx.actor, self.ctx.ops
        return lambda: ops.now(lambda: record_printed(db, actor, citizen_id))

    def preview(
        self, citizen_id: int, *, large: bool = False, language: str | None = None
    ) -> PlanPreviewDialog:
        """A print preview; printing from it goes to the system's print dialog. Recorded as
        printed (audit event and printed plan version) only after the pages went to a printer."""
        images = page_images(self._pdf(citizen_id, large=large, language=language))
        dialog = PlanPreviewDialog(images, self._recorder(citizen_id), self.parent)
        dialog.open()
        return dialog

    def print_directly(self, citizen_id: int) -> int | None:
        """The system's print dialog, then the plan; the plan version printed, or None."""
        images = page_images(self._pdf(citizen_id))
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.parent)
        if dialog.exec() == QDialog.DialogCode.Accepted and paint_pages(printer, images):
            return self._recorder(citizen_id)()
        return None

    def save_as(self, citizen_id: int, path: Path | None = None) -> Path | None:
        if path is None:
            suggested = str(Path.home() / file_name(self.ctx.db, self.ctx.actor, citizen_id))
            chosen, _filter = QFileDialog.getSaveFileName(
                self.parent, _("Save the plan as PDF"), suggested, _("PDF (*.pdf)")
            )
            if not chosen:
                return None
            path = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
        return save_plan_pdf(self.ctx.db, self.ctx.actor, citizen_id, path, today=self.ctx.today())


class _BatchWorker(QObject):
    """Runs in a worker thread: its own database sessions, plain ids in, file paths out."""

    progressed = Signal(int, int)
    finished = Signal(object)

    def __init__(self, ctx: UiContext, citizen_ids: list[int], folder: Path, large: bool) -> None:
        super().__init__()
        self.ctx, self.citizen_ids, self.folder, self.large = ctx, citizen_ids, folder, large
        self.cancelled = False

    def run(self) -> None:
        def progress(done: int, total: int) -> bool:
            self.progressed.emit(done, total)
            return not self.cancelled

        try:
            result: BatchResult | MinPlanError | OSError = batch_plans(
                self.ctx.db,
                self.ctx.actor,
                self.citizen_ids,
                self.folder,
                progress=progress,
                large_print=self.large,
                today=self.ctx.today(),
            )
        except (MinPlanError, OSError) as error:  # its own thread: handed to its progress dialog
            result = error
        self.finished.emit(result)


class BatchPrintDialog(QDialog):
    """Plans for a selection, or for everyone exempt from digital post, into a folder — with
    progress and a cancel button; the window stays usable meanwhile."""

    def __init__(
        self, ctx: UiContext, citizen_ids: Sequence[int] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from app.casework.plan.plan_printing import paper_citizens

        self.ctx = ctx
        self.setWindowTitle(_("Print plans"))
        self.ids = (
            list(citizen_ids) if citizen_ids is not None else paper_citizens(ctx.db, ctx.actor)
        )
        self.result_value = None
        form = QFormLayout()
        self.scope = QLabel(
            _("{n} citizens").format(n=len(self.ids))
            if citizen_ids is not None
            else _("{n} citizens exempt from digital post").format(n=len(self.ids)),
            self,
        )
        form.addRow(_("Plans for:"), self.scope)
        self.folder = QLineEdit(str(Path.home() / f"min-plan-{local_today().isoformat()}"), self)
        browse = QPushButton(_("&Browse…"), self)
        browse.clicked.connect(self._browse)
        form.addRow(_("&Folder:"), self.folder)
        form.addRow("", browse)
        self.large = QCheckBox(_("&Large print"), self)
        form.addRow("", self.large)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, max(1, len(self.ids)))
        self.status = QLabel(self)
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(
            _("&Start"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            _("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.thread: QThread | None = None  # type: ignore[assignment]  # shadows QObject.thread(), which nothing here calls
        self.worker: _BatchWorker | None = None
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Folder for the plans"), self.folder.text()
        )
        if chosen:
            self.folder.setText(chosen)

    def start(self) -> None:
        self.start_button.setEnabled(False)
        self.worker = _BatchWorker(
            self.ctx, self.ids, Path(self.folder.text()).expanduser(), self.large.isChecked()
        )
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progress)
        self.worker.finished.connect(self._done)
        # run in the worker's thread: the thread object lives in this one, whose queue may be
        # waiting for it
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.start()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setValue(done)
        self.status.setText(_("{done} of {total}").format(done=done, total=total))

    def cancel(self) -> None:
        if self.worker is not None and self.thread is not None and self.thread.isRunning():
            self.worker.cancelled = True
            self.status.setText(_("Stopping…"))
            return
        self.reject()

    def _done(self, result) -> None:
        self.result_value = result
        if isinstance(result, Exception):
            self.status.setText(str(result))
        elif result.cancelled:
            self.status.setText(_("Stopped: {n} plans were written").format(n=len(result.written)))
        else:
            self.status.setText(
                _("{n} plans written to {folder}").format(
                    n=len(result.written), folder=self.folder.text()
                )
            )
        self.cancel_button.setText(_("Close"))

    def wait(self) -> None:
        """Until the batch's thread has ended. Its event loop is told to stop here too: the
        worker's own request comes through this (the GUI) thread's queue, which does not turn
        while it waits, so a batch that had just finished never ended."""
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()

    def done(self, code: int) -> None:
        """Closing while plans are written (Escape, the window's close button, the program
        closing) stops the batch after the current plan and waits for it: a thread destroyed
        while it runs takes the program down."""
        if self.worker is not None and self.thread is not None and self.thread.isRunning():
            self.worker.cancelled = True
            self.thread.quit()
            self.thread.wait()
        super().done(code)
