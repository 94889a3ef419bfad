"""Book a conversation, record how it went, move it: each dialog saves through one use case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app import i18n
from app.casework.citizens.case_views import ConversationRow, conversations_of
from app.casework.conversations.conversations import book_conversation, record_outcome, reschedule
from app.domain.codes import CHANNELS, CONVERSATION_KINDS, CONVERSATION_STATUSES, HELD_BY
from app.domain.conversations import check_booking, check_outcome
from app.domain.errors import MinPlanError, ValidationError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.fields import CheckField, CodeCombo, DateEdit, LongTextEdit, TextEdit, TimeEdit
from app.ui.form import FormDialog


def _when(values: Mapping[str, Any]) -> datetime | None:
    day, clock = values.get("date"), values.get("time")
    if day is None or clock is None:
        return None
    return datetime.combine(day, time(*clock))


def requirements_text(ctx: UiContext, citizen_id: int) -> str:
    """What the caseworker should know before booking: the conversation history so far.

    (The deadline engine's open requirements take this place once they exist.)
    """
    from app.casework.deadlines.deadlines import deadlines_for_citizen
    from app.wording.deadline_text import rule_title, status_label

    open_ones = [
        d
        for d in deadlines_for_citizen(ctx.db, ctx.actor, citizen_id, ctx.today())
        if d.is_open and d.kind != "offer_by"
    ]
    requirement_lines = []
    for d in sorted(open_ones, key=lambda d: d.due):
        line = f"• {status_label(d.status)}: {rule_title(d.title)} — " + _("by {date}").format(
            date=i18n.format_date(d.due)
        )
        if d.next_by:
            line += "\n  " + _("next conversation by {date}").format(
                date=i18n.format_date(d.next_by)
            )
        requirement_lines.append(line)
    rows = conversations_of(ctx.db, ctx.actor, citizen_id)
    today = ctx.today()
    held = [r for r in rows if r.status == "held"]
    recent = [r for r in held if (r.held_on or today) >= today - timedelta(days=183)]
    booked = [r for r in rows if r.status == "planned" and r.when]
    lines = [_("Held in the last 6 months: {n}").format(n=len(recent))]
    if held:
        last = held[0]
        lines.append(
            _("Last held: {date}").format(
                date=i18n.format_date(last.held_on or (last.when.date() if last.when else None))
            )
        )
    else:
        lines.append(_("No conversation held yet"))
    if booked:
        lines.append(_("Next booked: {when}").format(when=i18n.format_datetime(booked[0].when)))
    else:
        lines.append(_("Nothing booked"))
    if requirement_lines:
        lines = [_("Open requirements:"), *requirement_lines, "", *lines]
    else:
        lines = [_("No open conversation requirements"), "", *lines]
    return "\n".join(lines)


class BookDialog(FormDialog):
    """Date, time, kind, channel, with or without the a-kasse; the history beside the form."""

    def __init__(self, ctx: UiContext, citizen_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Book conversation"), self._store, parent)
        self.ctx, self.citizen_id = ctx, citizen_id
        form = self.form
        form.add(
            "date",
            _("&Date"),
            DateEdit(today=ctx.today(), field="date"),
            hint=_("e.g. 2/12, +7 or 02/12/2026"),
        )
        form.add("time", _("&Time"), TimeEdit())
        form.add("kind", _("&Kind"), CodeCombo(CONVERSATION_KINDS))
        form.add("channel", _("C&hannel"), CodeCombo(CHANNELS))
        form.add("held_by", _("Held &by"), CodeCombo(HELD_BY))
        form.add("with_a_kasse", "", CheckField(_("With the &a-kasse")))
        form.add("location", _("&Place"), TextEdit())
        form.add("note", _("&Note"), LongTextEdit(lines=2))
        form.set_validator(self._rules)
        side = QLabel(requirements_text(ctx, citizen_id), self)
        side.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        side.setWordWrap(True)
        side.setMinimumWidth(220)
        side.setStyleSheet("background: palette(alternate-base); padding: 8px;")
        self.requirements = side
        row = QHBoxLayout()
        self.layout().removeWidget(self.form)
        row.addWidget(self.form, 1)
        row.addWidget(side)
        self.layout().insertLayout(0, row)
        form.mark_clean()

    @staticmethod
    def _rules(values: Mapping[str, Any]) -> dict[str, ValidationError]:
        problems: dict[str, ValidationError] = {}
        if values.get("date") is None:
            problems["date"] = ValidationError("Give the date", field="date")
        if values.get("time") is None and "time" in values:
            problems["time"] = ValidationError("Give the time", field="time")
        when = _when(values)
        if when is not None:
            try:
                check_booking(values["kind"], values["channel"], values["held_by"], when)
            except ValidationError as error:
                problems["time"] = error
        return problems

    def _store(self, values: dict[str, Any]) -> Any:
        when = _when(values)
        try:
            return book_conversation(
                self.ctx.db,
                self.ctx.actor,
                self.citizen_id,
                when,  # type: ignore[arg-type]  # the form's rules refuse a booking without a time
                kind=values["kind"],
                channel=values["channel"],
                held_by=values["held_by"],
                with_a_kasse=values["with_a_kasse"],
                location=values["location"],
                note=values["note"],
            )
        except ValidationError as error:
            if error.field == "scheduled_at":
                error.field = "time"
            raise


class OutcomeDialog(FormDialog):
    """Record a booked conversation as held (today by default), cancelled or no-show."""

    def __init__(
        self,
        ctx: UiContext,
        row: ConversationRow,
        status: str = "held",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Record conversation"), self._store, parent)
        self.ctx, self.row = ctx, row
        when = i18n.format_datetime(row.when)
        heading = QLabel(f"{i18n.label(CONVERSATION_KINDS, row.kind)} · {when}", self)
        self.layout().insertWidget(0, heading)
        form = self.form
        form.add(
            "status",
            _("&Outcome"),
            CodeCombo(CONVERSATION_STATUSES, codes=["held", "no_show", "cancelled"]),
        )
        form.add("held_on", _("Held &on"), DateEdit(today=ctx.today(), field="held_on"))
        form.add("note", _("&Note"), LongTextEdit(lines=3))
        form.set_values(
            {
                "status": status,
                "held_on": min(ctx.today(), row.when.date())
                if row.when and status == "held"
                else None,
                "note": row.note,
            }
        )
        form.editor("status").changed.connect(self._status_changed)
        form.set_validator(self._rules)
        self.focus_field = "note"

    def _rules(self, values: Mapping[str, Any]) -> dict[str, ValidationError]:
        """A conversation is held on a day that has come (said as the user types, not at save)."""
        try:
            check_outcome(values.get("status") or "held", values.get("held_on"), self.ctx.today())
        except ValidationError as error:
            return {"held_on": error}
        return {}

    def _status_changed(self) -> None:
        held = self.form.editor("status").value() == "held"
        editor = self.form.editor("held_on")
        editor.setEnabled(held)
        editor.set_value(self.ctx.today() if held else None)

    def _store(self, values: dict[str, Any]) -> Any:
        return record_outcome(
            self.ctx.db,
            self.ctx.actor,
            self.row.id,
            values["status"],
            held_on=values["held_on"],
            note=values["note"],
            expected_version=self.row.version,
            today=self.ctx.today(),
        )


class MoveDialog(FormDialog):
    def __init__(self, ctx: UiContext, row: ConversationRow, parent: QWidget | None = None) -> None:
        super().__init__(_("Move conversation"), self._store, parent)
        self.ctx, self.row = ctx, row
        self.form.add("date", _("&Date"), DateEdit(today=ctx.today(), field="date"))
        self.form.add("time", _("&Time"), TimeEdit())
        if row.when:
            self.form.set_values(
                {"date": row.when.date(), "time": (row.when.hour, row.when.minute)}
            )

    def _store(self, values: dict[str, Any]) -> Any:
        when = _when(values)
        if when is None:
            raise ValidationError("Give the date", field="date")
        try:
            return reschedule(
                self.ctx.db, self.ctx.actor, self.row.id, when, expected_version=self.row.version
            )
        except MinPlanError as error:  # raised on to the dialog, at the field the user sees
            if getattr(error, "field", None) == "scheduled_at":
                error.field = "time"  # type: ignore[attr-defined]  # a ValidationError's field
            raise
