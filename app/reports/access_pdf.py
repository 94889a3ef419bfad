"""The access request (aktindsigt) as a PDF: the same look as the citizen's plan (font, letterhead,
"side 1 af 3"), one part per kind of record, each record as a small table of label and value."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    Table,
    TableStyle,
)

from app import i18n
from app.reports.access_document import AccessDocument, Entry, T
from app.reports.plan_pdf import (
    Letterhead,
    _register_fonts,
    _Styles,
    _text,
    build_pdf,
    letterhead,
    page_footer,
)
from app.reports.plan_texts import TEXTS

_LABEL_WIDTH = 55 * mm
_VALUE_WIDTH = 110 * mm
_RULE = colors.HexColor("#c8d3cc")


#: Values longer than this leave the table and run at full width (they may cross a page).
_LONG = 600


class _AccessStyles(_Styles):
    """The plan's styles and three of the access request's own."""

    def __init__(self) -> None:
        super().__init__(large=False)
        self.entry = ParagraphStyle("entry", parent=self.body, spaceBefore=6, spaceAfter=2)
        self.note = ParagraphStyle("note", parent=self.body, spaceBefore=14)
        # Labels as large as the text (11 pt, readable), set apart by colour only.
        self.label = ParagraphStyle(
            "label", parent=self.body, textColor=colors.HexColor("#555555"), spaceAfter=0
        )


def _entry(entry: Entry, styles: _AccessStyles) -> list[Any]:
    """A record: its heading, then label | value rows; a long text follows below the table."""
    short = [(label, value) for label, value in entry.fields if len(value) <= _LONG]
    long = [(label, value) for label, value in entry.fields if len(value) > _LONG]
    head: list[Any] = []
    if entry.heading:
        head.append(Paragraph(f"<b>{escape(entry.heading)}</b>", styles.entry))
    if short:
        table = Table(
            [
                [Paragraph(escape(label), styles.label), Paragraph(_text(value), styles.body)]
                for label, value in short
            ],
            colWidths=[_LABEL_WIDTH, _VALUE_WIDTH],
            hAlign="LEFT",
        )
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
        if not long:  # the line closes the record; a long text below gets its own line
            style.append(("LINEBELOW", (0, -1), (-1, -1), 0.5, _RULE))
        table.setStyle(TableStyle(style))
        head.append(table)
    story: list[Any] = [KeepTogether(head)] if head else []
    for label, value in long:
        story.append(Paragraph(escape(label), styles.label))
        story.extend(
            Paragraph(escape(line) or "&nbsp;", styles.body) for line in value.splitlines()
        )
    if long:
        story.append(HRFlowable(width="100%", thickness=0.5, color=_RULE, spaceAfter=4))
    return story


def render_access_request(document: AccessDocument, *, head: Letterhead | None = None) -> bytes:
    """The PDF bytes, in the document's language."""
    _register_fonts()
    lang = document.language
    t = i18n.gettext_for(lang)
    head = head or letterhead()
    styles = _AccessStyles()

    def day(value: date) -> str:
        return i18n.format_date_in(value, lang)

    story: list[Any] = [
        Paragraph(f"<b>{escape(head.municipality)}</b>", styles.body),
        Paragraph(escape(t(TEXTS["made"]).format(date=day(document.made_on))), styles.right),
        Paragraph(escape(t(T["title"])), styles.title),
        Paragraph(
            escape(t(T["for"]).format(name=document.name, date=day(document.birth_date))),
            styles.body,
        ),
        Paragraph(escape(t(T["intro"])), styles.body),
    ]
    for part in document.parts:
        story.append(Paragraph(escape(part.title), styles.heading))
        if not part.entries:
            story.append(Paragraph(escape(t(T["none"])), styles.small))
        for entry in part.entries:
            story.extend(_entry(entry, styles))
    story.append(Paragraph(escape(t(T["log_note"])), styles.note))

    return build_pdf(
        story,
        title=f"{t(T['title'])} – {document.name}",
        subject=t(T["title"]),
        author=head.municipality,
        lang=lang,
        footer=page_footer(
            t, T["footer"], municipality=head.municipality, made_on=day(document.made_on)
        ),
        footer_size=styles.small.fontSize,
    )
