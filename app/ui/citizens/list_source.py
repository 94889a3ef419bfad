"""The citizen list as a list to print or export: every citizen of the current search and scope,
in the order shown, with the columns the list shows (the CPR number masked unless chosen)."""

from __future__ import annotations

from app import i18n
from app.casework.citizens.citizen_list import fetch_citizen_rows
from app.domain.codes import TARGET_GROUPS
from app.i18n import _
from app.reports.list_table import ListTable
from app.ui.citizens.page import MY_CASELOAD, CitizensPage
from app.ui.citizens.table_model import HEADERS
from app.ui.list_output import ListSource, cpr_text

CHUNK = 500


def citizen_list_source(page: CitizensPage) -> ListSource:
    def table(full_cpr: bool) -> ListTable:
        model = page.model
        ids = list(model.ids)
        found = {}
        for start in range(0, len(ids), CHUNK):
            found.update(
                fetch_citizen_rows(page.ctx.db, ids[start : start + CHUNK], today=model.today())
            )
        rows = []
        for citizen_id in ids:
            row = found.get(citizen_id)
            if row is None:  # deleted meanwhile
                continue
            rows.append(
                [
                    row.name,
                    cpr_text(row.cpr, full_cpr),
                    i18n.format_short_date(row.birth_date),
                    i18n.label(TARGET_GROUPS, row.benefit)
                    if row.benefit
                    else _("(no benefit now)"),
                    row.caseworker or "",
                ]
            )
        subtitle = page.scope.currentText() + (
            " · " + _("search: {text}").format(text=model.search) if model.search.strip() else ""
        )
        return ListTable(_("Citizens"), [_(h) for h in HEADERS], rows, ids, subtitle)

    def criterion() -> str:
        scope = "mine" if page.scope.currentData() == MY_CASELOAD else "all"
        searched = "yes" if page.model.search.strip() else "no"
        return f"scope={scope}; searched={searched}; rows={page.model.rowCount()}"

    return ListSource("citizens", criterion, table)
