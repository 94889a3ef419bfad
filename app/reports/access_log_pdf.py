"""The citizen's access-log extract as a PDF: A4, the municipality's letterhead and font, a table of
dates, what happened in plain words, and why — in the citizen's language.

It shares the plan PDF's font, letterhead and "page 1 of 3" footer (``app.reports.plan_pdf``).
Employees appear only when the extract was made with names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app import i18n
from app.domain.codes import N_
from app.reports.plan_pdf import (
    BOLD,
    FONT,
    _register_fonts,
    _Styles,
    build_pdf,
    letterhead,
    page_footer,
)


@dataclass(frozen=True)
class ExtractLine:
    when: datetime  # local time of the first event of the line
    what: str
    purpose: str
    who: str | None  # only when names are included
    count: int = 1


@dataclass(frozen=True)
class Extract:
    name: str
    birth_date: date
    language: str
    made_on: date
    months_kept: int
    first: datetime | None
    lines: tuple[ExtractLine, ...]
    with_names: bool


TEXTS = {
    "title": N_("Who has used your information"),
    "subtitle": N_("Extract of the access log in Min Plan"),
    "for": N_("For {name}, born {date}"),
    "made": N_("Made on {date}"),
    "intro": N_(
        "Here you can see when the jobcenter looked at, changed, printed or sent on your "
        "information in Min Plan, and why. The log is kept for {months} months. Older entries "
        "have been deleted."
    ),
    "since": N_("The list starts on {date}."),
    "no_names": N_("The list does not show which employees did it."),
    "names": N_("The list shows the employees by initials and name."),
    "empty": N_("Nothing is recorded about you in the access log."),
    "when": N_("When"),
    "what": N_("What happened"),
    "why": N_("Why"),
    "who": N_("Employee"),
    "times": N_("({n} times)"),
    "questions": N_(
        "If you have questions about the list, contact the jobcenter. You can also complain to "
        "Datatilsynet."
    ),
    "footer": N_("{municipality} · Access log, made on {date}"),
}


def render_extract(extract: Extract) -> bytes:
    _register_fonts()
    lang = extract.language
    t = i18n.gettext_for(lang)
    head = letterhead()
    styles = _Styles(False)

    def day(value: date) -> str:
        return i18n.format_date_in(value, lang)

    story: list[Any] = [
        Paragraph(f"<b>{escape(head.municipality)}</b>", styles.body),
        Paragraph(escape(t(TEXTS["made"]).format(date=day(extract.made_on))), styles.right),
        Paragraph(escape(t(TEXTS["title"])), styles.title),
        Paragraph(escape(t(TEXTS["subtitle"])), styles.small),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(t(TEXTS["for"]).format(name=extract.name, date=day(extract.birth_date))),
            styles.body,
        ),
        Paragraph(escape(t(TEXTS["intro"]).format(months=extract.months_kept)), styles.body),
    ]
    notes = [t(TEXTS["names"] if extract.with_names else TEXTS["no_names"])]
    if extract.first is not None:
        notes.insert(0, t(TEXTS["since"]).format(date=day(extract.first.date())))
    story.append(Paragraph(escape(" ".join(notes)), styles.body))
    story.append(Spacer(1, 2 * mm))
    if not extract.lines:
        story.append(Paragraph(escape(t(TEXTS["empty"])), styles.body))
    else:
        story.append(_table(extract, t, styles))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(escape(t(TEXTS["questions"])), styles.body))

    return build_pdf(
        story,
        title=f"{t(TEXTS['title'])} – {extract.name}",
        subject=t(TEXTS["subtitle"]),
        author=head.municipality,
        lang=lang,
        footer=page_footer(
            t, TEXTS["footer"], municipality=head.municipality, made_on=day(extract.made_on)
        ),
        footer_size=styles.small.fontSize,
    )


def _table(extract: Extract, t: Callable[[str], str], styles: _Styles) -> Table:
    cell = ParagraphStyle("cell", parent=styles.body, spaceAfter=0)  # ≥ 11 pt, as the plan
    header = [t(TEXTS["when"]), t(TEXTS["what"]), t(TEXTS["why"])]
    widths = [30 * mm, 85 * mm, 55 * mm]
    if extract.with_names:
        header.append(t(TEXTS["who"]))
        widths = [28 * mm, 64 * mm, 42 * mm, 36 * mm]
    rows: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in header]]
    for line in extract.lines:
        when = f"{line.when.strftime('%d.%m.%Y')}<br/>{line.when.strftime('%H.%M')}"
        what = escape(line.what)
        if line.count > 1:
            what += " " + escape(t(TEXTS["times"]).format(n=line.count))
        row = [Paragraph(when, cell), Paragraph(what, cell), Paragraph(escape(line.purpose), cell)]
        if extract.with_names:
            row.append(Paragraph(escape(line.who or ""), cell))
        rows.append(row)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef6f0")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#2f6f4f")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
