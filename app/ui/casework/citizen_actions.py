"""Citizen-level actions of the main window: hand over to a colleague, delete, restore.

Deleting is a soft delete with a reason (restorable from "Deleted citizens…"); only the
retention job removes a citizen for good.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import i18n
from app.casework.admin.users import active_caseworkers
from app.casework.citizens.citizens import (
    delete_citizen,
    deleted_citizens,
    hand_over,
    master_data,
    restore_citizen,
)
from app.casework.core.result import Saved
from app.i18n import _
from app.ui.casework import prompts
from app.ui.casework.context import UiContext


def hand_over_citizen(ctx: UiContext, parent: QWidget, citizen_id: int) -> Saved | None:
    choices = [(w.id, w.label) for w in active_caseworkers(ctx.db)]
    citizen = master_data(ctx.db, ctx.actor, citizen_id)
    current, version = citizen.caseworker_id, citizen.version
    labels = [_("(nobody's caseload)")] + [text for _id, text in choices]
    ids = [None] + [worker_id for worker_id, _text in choices]
    index = prompts.choose(
        parent,
        _("Hand over citizen"),
        _("Hand over to:"),
        labels,
        ids.index(current) if current in ids else 0,
    )
    if index is None or ids[index] == current:
        return None
    return hand_over(ctx.db, ctx.actor, citizen_id, ids[index], expected_version=version)


def delete_citizen_asking(ctx: UiContext, parent: QWidget, citizen_id: int) -> Saved | None:
    reason = prompts.ask_text(
        parent,
        _("Delete citizen"),
        _('Why is the citizen deleted? (The citizen can be restored from "Deleted citizens".)'),
    )
    if reason is None:
        return None
    return delete_citizen(ctx.db, ctx.actor, citizen_id, reason=reason)


def restore_citizen_asking(ctx: UiContext, parent: QWidget) -> Saved | None:
    deleted = deleted_citizens(ctx.db, ctx.actor)
    if not deleted:
        prompts.show_notice(parent, _("Deleted citizens"), _("No deleted citizens."))
        return None
    labels = [
        _("{name}, deleted {date}").format(name=name, date=i18n.format_short_date(day))
        for _id, name, day in deleted
    ]
    index = prompts.choose(parent, _("Deleted citizens"), _("Restore:"), labels)
    if index is None:
        return None
    return restore_citizen(ctx.db, ctx.actor, deleted[index][0])
