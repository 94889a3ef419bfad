"""The "Samtaler" tab: booked conversations first, then the history; book, record, move."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import i18n
from app.casework.citizens.case_views import ConversationRow, conversations_of
from app.casework.conversations.conversations import record_outcome
from app.casework.core.result import Area
from app.domain.codes import CHANNELS, CONVERSATION_KINDS, CONVERSATION_STATUSES, HELD_BY
from app.i18n import _
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.casework.conversation_dialogs import BookDialog, MoveDialog, OutcomeDialog
from app.ui.casework.record_table import RecordTable
from app.ui.casework.tab import CitizenTab


class ConversationsTab(CitizenTab):
    AREAS = frozenset({Area.CONVERSATIONS})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: dict[int, ConversationRow] = {}
        self.table = RecordTable(
            [
                _("When"),
                _("Kind"),
                _("Channel"),
                _("Held by"),
                _("Status"),
                _("Caseworker"),
                _("Note"),
            ],
            self,
        )
        self.table.setAccessibleName(_("Conversations"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a conversation: when, what kind, how and its "
                "status. Enter records a booked conversation as held, or adds a "
                "note to a recorded one."
            )
        )
        self.table.activated_id.connect(self._activated)
        self.book_action = self.make_action(
            _("&Book conversation…"),
            self.book,
            "Ctrl+B",
            tip=_("Book a conversation with the citizen"),
        )
        self.held_action = self.make_action(
            _("Record as &held…"),
            self.record_next_held,
            "Ctrl+H",
            tip=_("Record today's (or the latest past) booked conversation as held"),
        )
        self.no_show_action = self.make_action(
            _("Record as &no-show…"), lambda: self.record_selected("no_show")
        )
        self.cancel_action = self.make_action(
            _("&Cancel conversation…"), lambda: self.record_selected("cancelled")
        )
        self.move_action = self.make_action(_("&Move conversation…"), self.move_selected)
        buttons = QHBoxLayout()
        for action in (
            self.book_action,
            self.held_action,
            self.no_show_action,
            self.cancel_action,
            self.move_action,
        ):
            button = QPushButton(action.text().replace("&", ""), self)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.empty = QLabel(_("No conversations yet. Book one with Ctrl+B."), self)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return _("Co&nversations")

    def actions(self) -> list:
        return [
            self.book_action,
            self.held_action,
            self.no_show_action,
            self.cancel_action,
            self.move_action,
        ]

    def load(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        rows = conversations_of(self.ctx.db, self.ctx.actor, citizen_id)
        self.rows = {r.id: r for r in rows}
        self.table.set_rows(
            [(r.id, self._cells(r)) for r in rows],
            muted={r.id for r in rows if r.status == "cancelled"},
        )
        self.empty.setVisible(not rows)

    @staticmethod
    def _cells(r: ConversationRow) -> list[str]:
        when = i18n.format_datetime(r.when) if r.when else i18n.format_short_date(r.held_on)
        held_by = i18n.label(HELD_BY, r.held_by) + (
            " " + _("(with a-kasse)") if r.with_a_kasse else ""
        )
        return [
            when,
            i18n.label(CONVERSATION_KINDS, r.kind),
            i18n.label(CHANNELS, r.channel),
            held_by,
            i18n.label(CONVERSATION_STATUSES, r.status),
            r.caseworker or "",
            (r.note or "").replace("\n", " "),
        ]

    # --- actions ---------------------------------------------------------------------------
    def book(self) -> None:
        if self.citizen_id is not None:
            self.open_dialog(BookDialog(self.ctx, self.citizen_id, self), self.after)

    def _next_planned(self) -> ConversationRow | None:
        selected = self.rows.get(self.table.selected_id() or -1)
        if selected is not None and selected.status == "planned":
            return selected
        return next((r for r in self.rows.values() if r.status == "planned"), None)

    def _due_to_record(self) -> ConversationRow | None:
        """The booked conversation to record as held: the selected one if its day has come, else
        the latest booked on or before today. A booking in the future is never picked by itself
        (it is opened only by choosing it: Enter on its line)."""
        today = self.ctx.today()

        def come(r: ConversationRow) -> bool:
            return r.status == "planned" and r.when is not None and r.when.date() <= today

        selected = self.rows.get(self.table.selected_id() or -1)
        if selected is not None and come(selected):
            return selected
        earlier = sorted((r for r in self.rows.values() if come(r)), key=lambda r: r.when)  # type: ignore[arg-type, return-value]  # come() keeps rows with a time
        return earlier[-1] if earlier else None

    def record_next_held(self) -> None:
        row = self._due_to_record()
        if row is None:
            ahead = [r for r in self.rows.values() if r.status == "planned"]
            prompts.show_notice(
                self,
                _("Record conversation"),
                _(
                    "No booked conversation has come yet; a conversation is recorded as held on"
                    " or after its day. Book one with Ctrl+B."
                )
                if ahead
                else _("No booked conversation to record. Book one with Ctrl+B."),
            )
            return
        self.open_dialog(OutcomeDialog(self.ctx, row, "held", self), self.after)

    def record_selected(self, status: str) -> None:
        row = self._next_planned()
        if row is None:
            return
        self.open_dialog(OutcomeDialog(self.ctx, row, status, self), self.after)

    def move_selected(self) -> None:
        row = self._next_planned()
        if row is not None:
            self.open_dialog(MoveDialog(self.ctx, row, self), self.after)

    def _activated(self, conversation_id: int) -> None:
        row = self.rows.get(conversation_id)
        if row is None:
            return
        if row.status == "planned":
            self.open_dialog(OutcomeDialog(self.ctx, row, "held", self), self.after)
        else:  # a recorded conversation: only its note can be completed
            note = prompts.ask_text(self, _("Note"), _("Note on the conversation"), row.note or "")
            if note is not None:
                self.after(
                    record_outcome(
                        self.ctx.db,
                        self.ctx.actor,
                        row.id,
                        row.status,
                        held_on=row.held_on,
                        note=note,
                        expected_version=row.version,
                        today=self.ctx.today(),
                    )
                )
