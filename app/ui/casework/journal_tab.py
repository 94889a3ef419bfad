"""The "Journal" tab: dated notes, newest first, searchable; never rewritten after the day.

A note can be edited on the day it was written, by its author. Later, a correction is a new
note that points at the old one, as case law on documentation expects.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import i18n
from app.casework.citizens.journal import NoteView, add_note, correct_note, edit_note, notes
from app.casework.core.result import Area
from app.i18n import _
from app.ui import colours
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.casework.tab import CitizenTab
from app.ui.fields import LongTextEdit
from app.ui.form import FormDialog
from app.ui.search_box import search_box


class NoteDialog(FormDialog):
    """Write a note, edit today's note, or write a correction of an older one."""

    def __init__(
        self,
        ctx: UiContext,
        citizen_id: int,
        *,
        note: NoteView | None = None,
        correcting: NoteView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = (
            _("Edit note") if note else (_("Correct note") if correcting else _("New journal note"))
        )
        super().__init__(title, self._store, parent)
        self.ctx, self.citizen_id, self.note, self.correcting = ctx, citizen_id, note, correcting
        if correcting is not None:
            original = QLabel(
                _("Correction of the note of {date}:").format(
                    date=i18n.format_date(correcting.written_on)
                )
                + "\n"
                + correcting.text,
                self,
            )
            original.setWordWrap(True)
            colours.tint(original, "muted")
            self.layout().insertWidget(0, original)
        self.form.add("text", _("&Text"), LongTextEdit(lines=8))
        if note is not None:
            self.form.set_values({"text": note.text})
        self.resize(560, 360)

    def _store(self, values: dict[str, Any]) -> Any:
        if self.note is not None:
            return edit_note(
                self.ctx.db,
                self.ctx.actor,
                self.note.id,
                self.note.version,
                values["text"],
                today=self.ctx.today(),
            )
        if self.correcting is not None:
            return correct_note(
                self.ctx.db,
                self.ctx.actor,
                self.correcting.id,
                values["text"],
                today=self.ctx.today(),
            )
        return add_note(
            self.ctx.db, self.ctx.actor, self.citizen_id, values["text"], today=self.ctx.today()
        )


class JournalTab(CitizenTab):
    AREAS = frozenset({Area.JOURNAL})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.views: dict[int, NoteView] = {}
        self.search = search_box(
            self,
            name=_("Search the journal"),
            description=_(
                "Type words from the notes; the list below then shows only the "
                "notes that contain them."
            ),
            placeholder=_("Search the notes"),
            search=self.reload,
            pause_ms=250,
        )
        self.table = RecordTable([_("Date"), _("By"), _("Note")], self)
        self.table.setAccessibleName(_("Journal notes"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a journal note: its date, who wrote it and the "
                "text. Enter edits or corrects the selected note."
            )
        )
        self.table.activated_id.connect(self.edit_or_correct)
        self.new_action = self.make_action(
            _("New &journal note…"),
            self.new_note,
            "Ctrl+J",
            tip=_("Write a dated note in the citizen's journal"),
        )
        self.edit_action = self.make_action(_("Edit or correct the &note…"), self.edit_selected)
        top = QHBoxLayout()
        for action in (self.new_action, self.edit_action):
            button = QPushButton(action.text().replace("&", ""), self)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            top.addWidget(button)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return _("&Journal")

    def actions(self) -> list:
        return [self.new_action, self.edit_action]

    def load(self, citizen_id: int) -> None:
        if citizen_id != self.citizen_id:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.citizen_id = citizen_id
        views = notes(
            self.ctx.db,
            self.ctx.actor,
            citizen_id,
            search=self.search.text(),
            today=self.ctx.today(),
        )
        self.views = {v.id: v for v in views}
        rows = []
        for v in views:
            text = v.text.replace("\n", " ")
            if v.corrects_id and v.corrects_id in self.views:
                text = (
                    _("Correction of the note of {date}: ").format(
                        date=i18n.format_short_date(self.views[v.corrects_id].written_on)
                    )
                    + text
                )
            elif v.corrects_id:
                text = _("Correction: ") + text
            if v.corrected_by:
                text = _("(corrected) ") + text
            if self.ctx.actor.role == "teamlead":
                text = _("(the text is not shown to team leads)")
            rows.append((v.id, [i18n.format_short_date(v.written_on), v.author or "", text]))
        self.table.set_rows(rows, muted={v.id for v in views if v.corrected_by})

    def new_note(self) -> None:
        if self.citizen_id is not None:
            self.open_dialog(NoteDialog(self.ctx, self.citizen_id, parent=self), self.after)

    def edit_selected(self) -> None:
        selected = self.table.selected_id()
        if selected is not None:
            self.edit_or_correct(selected)

    def edit_or_correct(self, note_id: int) -> None:
        if self.ctx.actor.role == "teamlead":
            return  # team leads do not read journal text, so they do not correct it either
        view = self.views.get(note_id)
        if view is None or self.citizen_id is None:
            return
        if view.editable:
            dialog = NoteDialog(self.ctx, self.citizen_id, note=view, parent=self)
        else:
            dialog = NoteDialog(self.ctx, self.citizen_id, correcting=view, parent=self)
        self.open_dialog(dialog, self.after)
