"""The citizen's plan as a PDF (reportlab): A4, embedded font, page "side 1 af 3", plain words.

The citizen's own words come first after the goal; "what has changed since your last plan" is a
box at the top. Parts of the plan that are empty are left out, never printed as empty headings.
"""

from __future__ import annotations

import io
import os
import threading
import tomllib
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    TTFontFace,
    makeToUnicodeCMap,
)
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from app import i18n, paths
from app.domain.plan import PlanChange
from app.reports.plan_document import PlanDocument
from app.reports.plan_texts import FIELD_NAMES, MEETING_PLACE, OFFER_NAMES, STEP_STATUS, TEXTS

FONT, BOLD = "MinPlanSans", "MinPlanSans-Bold"
#: Shipped with Min Plan (``app/resources/fonts``), so no PDF depends on the machine's fonts;
#: DejaVu Sans has æ, ø, å and the letters of most names a jobcenter meets (ć, ş, ő, ł, …).
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


class _SubsetOnceFace(TTFontFace):  # type: ignore[misc]  # reportlab is untyped
    """The face of an embedded font that makes each of its subsets once per process.

    reportlab cuts a subset of the TrueType file (the glyphs the document uses, in the order of
    their first use) and compresses it for every document. The plans' bold text is their fixed
    headings and the municipality's name, so most plans embed the same bold subset: it is cut and
    compressed once, and later documents embed the same bytes (the PDF is unchanged: the same
    glyphs, the same compressed stream, with the filter reportlab would name)."""

    #: Subsets kept per face (each a few tens of kB; the oldest used goes first).
    KEEP = 32

    def addSubsetObjects(self, doc: Any, fontname: str, subset: Sequence[int]) -> Any:  # noqa: N802
        if not doc.compression:
            return super().addSubsetObjects(doc, fontname, subset)
        key = tuple(subset)
        with _subset_lock:
            cache = self.__dict__.setdefault("_subsets", OrderedDict())
            made = cache.get(key)
            if made is not None:
                cache.move_to_end(key)
        if made is None:
            content = self.makeSubset(subset)
            made = (zlib.compress(content), len(content))  # what reportlab's FlateDecode does
            with _subset_lock:
                cache[key] = made
                while len(cache) > self.KEEP:
                    cache.popitem(last=False)
        compressed, length = made
        # reportlab's own addSubsetObjects (5.x) from here, with the stream already compressed
        font_file = pdfdoc.PDFStream()
        font_file.dictionary["Length1"] = length
        font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        font_file.content = compressed
        font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        flags = (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": flags,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


_subset_lock = threading.Lock()


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]  # reportlab is untyped
    """A PDF value formatted once: the same bytes in every document."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def format(self, document: Any) -> bytes:
        return self.content


class _SubsetOnceFont(TTFont):  # type: ignore[misc]  # reportlab is untyped
    """An embedded font that makes the font objects of each of its subsets once per process.

    A subset's font dictionary lists the width of each of its glyphs (128 numbers, each
    formatted by reportlab's pure-Python number formatter) and points to a compressed map from
    its codes to Unicode; both depend only on the subset, and the plans' subsets are nearly
    always the same (the first 128 codes are ASCII, the Danish letters take the unused ones). So
    the formatted widths and the compressed map are kept beside the subset itself
    (``_SubsetOnceFace``); the PDF is unchanged (the same bytes, a test compares them)."""

    #: Subsets whose objects are kept (a few kB each; the oldest used goes first).
    KEEP = 32

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab name)
        if not doc.compression:
            super().addObjects(doc)
            return
        # reportlab's own TTFont.addObjects (5.x) from here, with the widths and the map kept
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = (
                b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            ).decode("pdfdoc")
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            widths, to_unicode = self._objects_of(base_font_name, subset, doc)
            pdf_font.Widths = _Formatted(widths)
            cmap_stream = pdfdoc.PDFStream()
            cmap_stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
            cmap_stream.content = to_unicode
            pdf_font.ToUnicode = doc.Reference(cmap_stream, "toUnicodeCMap:" + base_font_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]

    def _objects_of(
        self, base_font_name: str, subset: Sequence[int], doc: Any
    ) -> tuple[bytes, bytes]:
        """The subset's formatted widths and compressed ToUnicode map (made once)."""
        key = (base_font_name, tuple(subset))
        with _subset_lock:
            cache = self.__dict__.setdefault("_subset_objects", OrderedDict())
            made: tuple[bytes, bytes] | None = cache.get(key)
            if made is not None:
                cache.move_to_end(key)
                return made
        widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset))).format(doc)
        cmap = makeToUnicodeCMap(base_font_name, subset).encode("utf8")
        made = (widths, zlib.compress(cmap))  # what reportlab's FlateDecode does
        with _subset_lock:
            cache[key] = made
            while len(cache) > self.KEEP:
                cache.popitem(last=False)
        return made


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = (paths.fonts_dir() / name for name in FONT_FILES)
    for name, path in ((FONT, regular), (BOLD, bold)):
        font = _SubsetOnceFont(name, str(path))
        font.face.__class__ = _SubsetOnceFace
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@dataclass(frozen=True)
class Letterhead:
    municipality: str = "Jobcentret"
    logo: Path | None = None


def letterhead() -> Letterhead:
    """The municipality's name and logo: ``letterhead.toml`` in the settings folder, or
    MINPLAN_MUNICIPALITY; a neutral default otherwise."""
    path = paths.user_config_dir() / "letterhead.toml"
    name = os.environ.get("MINPLAN_MUNICIPALITY")
    logo = None
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            name = name or data.get("municipality")
            logo = Path(data["logo"]) if data.get("logo") else None
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
            pass
    return Letterhead(name or "Jobcentret", logo if logo and logo.exists() else None)


class _Paragraph(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A paragraph whose parse is remembered for the same text in the same style; only for the
    texts that are the same in every plan (never a citizen's own data, which is not kept).

    reportlab parses every paragraph's text with its HTML-like parser, about half the cost of
    making one. A plan's title, introduction and headings, the letterhead and the day it was
    made are the same text in every plan of a run: their parsed fragments are kept (as clones,
    so no paragraph shares a fragment with another) and the paragraph made from them is the
    one reportlab would make."""

    #: Parsed texts kept (the oldest used goes first): a plan has about 15 fixed texts, in two
    #: languages and two sizes.
    KEEP = 256

    def _setup(self, text: str, style: Any, bullet: Any, frags: Any, cleaner: Any) -> None:
        if frags is not None or bullet is not None or not self.caseSensitive:
            super()._setup(text, style, bullet, frags, cleaner)
            return
        key = (text, style)
        with _parsed_lock:
            kept = _parsed.get(key)
            if kept is not None:
                _parsed.move_to_end(key)
        if kept is None:
            super()._setup(text, style, bullet, frags, cleaner)
            kept = (self.text, _fresh(self.frags), self.style, self.bulletText)
            with _parsed_lock:
                _parsed[key] = kept
                while len(_parsed) > self.KEEP:
                    _parsed.popitem(last=False)
            return
        cleaned, fragments, parsed_style, parsed_bullet = kept
        super()._setup(cleaned, parsed_style, parsed_bullet, _fresh(fragments), cleaner)


def _fresh(fragments: list[Any]) -> list[Any]:
    """Clones of parsed fragments, their lists (underlines, links) copied too."""
    return [
        f.clone(**{name: list(v) for name, v in f.__dict__.items() if isinstance(v, list)})
        for f in fragments
    ]


_parsed: OrderedDict[tuple[str, Any], tuple[str, list[Any], Any, Any]] = OrderedDict()
_parsed_lock = threading.Lock()


class _Styles:
    def __init__(self, large: bool) -> None:
        body = 16 if large else 11
        self.body = ParagraphStyle(
            "body", fontName=FONT, fontSize=body, leading=body * 1.4, spaceAfter=body * 0.4
        )
        self.small = ParagraphStyle(
            "small",
            parent=self.body,
            fontSize=body - 2,
            leading=(body - 2) * 1.35,
            textColor=colors.HexColor("#444444"),
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.body,
            fontName=BOLD,
            fontSize=body * 2,
            leading=body * 2.4,
            spaceAfter=body * 0.3,
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontName=BOLD,
            fontSize=body * 1.3,
            leading=body * 1.7,
            spaceBefore=body * 0.9,
            spaceAfter=body * 0.2,
        )
        self.quote = ParagraphStyle(
            "quote",
            parent=self.body,
            fontSize=body * 1.1,
            leading=body * 1.55,
            leftIndent=body,
            textColor=colors.HexColor("#1a1a1a"),
        )
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)


@cache
def _styles_for(large: bool) -> _Styles:
    """The plan's paragraph styles, made once for each size (reportlab only reads them; the same
    style objects also let the parsed headings be found again, ``_Paragraph``)."""
    return _Styles(large)


#: The letters beyond ASCII that nearly every plan uses, given their codes in both fonts' subsets
#: before anything is drawn, always in this order. reportlab gives such a letter the next free
#: code when it is first used, so the same letters in another order made another subset (263
#: different ones in 1 200 demo plans); in a fixed order nearly every plan embeds the same
#: subset, cut once per process (``_SubsetOnceFace``). A letter the plan does not use costs its
#: glyph in the subset, nothing on the page.
PLAN_LETTERS = "øåæØÅÆ•–»«·"


def _numbered_canvas(
    footer: Callable[[int, int], tuple[str, str]], font_size: float, letters: str = ""
) -> type[Any]:
    """A canvas that knows the page count, for "side 1 af 3"; ``letters`` are given their codes
    in the two fonts first (``PLAN_LETTERS``)."""

    class NumberedCanvas(pdf_canvas.Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            if letters:
                for name in (FONT, BOLD):
                    pdfmetrics.getFont(name).splitString(letters, self._doc)

        def showPage(self) -> None:  # noqa: N802 (reportlab name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                left, right = footer(self._pageNumber, total)
                self.setFont(FONT, font_size)
                self.setFillColor(colors.HexColor("#444444"))
                self.drawString(20 * mm, 12 * mm, left)
                self.drawRightString(A4[0] - 20 * mm, 12 * mm, right)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_plan(
    document: PlanDocument,
    *,
    language: str | None = None,
    large_print: bool = False,
    head: Letterhead | None = None,
) -> bytes:
    """The PDF bytes of the plan, in the citizen's language unless another is asked for."""
    _register_fonts()
    lang = i18n.normalise_language(language or document.language)
    t = i18n.gettext_for(lang)
    head = head or letterhead()
    styles = _styles_for(large_print)

    def day(value: date | None) -> str:
        return i18n.format_date_in(value, lang)

    story: list[Any] = []
    top = [_Paragraph(f"<b>{escape(head.municipality)}</b>", styles.body)]
    if head.logo is not None:
        logo = Image(str(head.logo), width=35 * mm, height=15 * mm, kind="proportional")
        story.append(
            Table(
                [[top[0], logo]],
                colWidths=[120 * mm, 50 * mm],
                style=TableStyle(
                    [("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]
                ),
            )
        )
    else:
        story.extend(top)
    story.append(
        _Paragraph(escape(t(TEXTS["made"]).format(date=day(document.made_on))), styles.right)
    )
    if document.agreed_on:
        story.append(
            Paragraph(escape(t(TEXTS["agreed"]).format(date=day(document.agreed_on))), styles.right)
        )
    story.append(_Paragraph(escape(t(TEXTS["title"])), styles.title))
    story.append(
        Paragraph(
            escape(t(TEXTS["for"]).format(name=document.name, date=day(document.birth_date))),
            styles.body,
        )
    )
    story.append(_Paragraph(escape(t(TEXTS["intro"])), styles.body))
    story.append(_changes_box(document, t, styles, lang))

    fields = document.fields
    if fields.get("job_goal") or fields.get("education_goal"):
        story.append(_Paragraph(escape(t(TEXTS["goal"])), styles.heading))
        for key in ("job_goal", "education_goal"):
            if fields.get(key):
                story.append(Paragraph(escape(t(TEXTS[key]).format(text=fields[key])), styles.body))
    if own_words := fields.get("own_words"):
        story.append(_Paragraph(escape(t(TEXTS["own_words"])), styles.heading))
        story.append(Paragraph(f"»{_text(own_words)}«", styles.quote))
    if document.milestones:
        story.append(_Paragraph(escape(t(TEXTS["steps"])), styles.heading))
        for m in document.milestones:
            status = t(STEP_STATUS.get(m.status, m.status))
            if m.status == "done" and m.completed_on:
                status = t(TEXTS["done_on"]).format(date=day(m.completed_on))
            elif m.due and m.status in ("planned", "in_progress") and m.due < document.made_on:
                status = t(TEXTS["overdue_step"]).format(date=day(m.due))
            elif m.due and m.status in ("planned", "in_progress"):
                status += ", " + t(TEXTS["by"]).format(date=day(m.due))
            story.append(Paragraph(f"• {escape(m.title)} – {escape(status)}", styles.body))
    if document.offers:
        story.append(_Paragraph(escape(t(TEXTS["offers"])), styles.heading))
        for o in document.offers:
            parts = [t(OFFER_NAMES.get(o.kind, OFFER_NAMES["andet"]))]
            if o.company:
                parts.append(t(TEXTS["at_company"]).format(company=o.company))
            if o.start and o.end:
                parts.append(t(TEXTS["from_to"]).format(start=day(o.start), end=day(o.end)))
            elif o.start:
                parts.append(t(TEXTS["from"]).format(start=day(o.start)))
            if o.hours_per_week:
                parts.append(
                    t(TEXTS["hours"]).format(
                        hours=i18n.format_number(o.hours_per_week)
                        if lang == "da"
                        else f"{o.hours_per_week:g}"
                    )
                )
            line = " ".join(parts[:2]) + (", " + ", ".join(parts[2:]) if len(parts) > 2 else "")
            story.append(Paragraph(f"• {escape(line)}", styles.body))
    if document.finished:
        # LAB § 41 stk. 2 nr. 7: status on started and follow-up on finished efforts
        story.append(_Paragraph(escape(t(TEXTS["finished"])), styles.heading))
        for f in document.finished:
            parts = [t(OFFER_NAMES.get(f.kind, OFFER_NAMES["andet"]))]
            if f.company:
                parts.append(t(TEXTS["at_company"]).format(company=f.company))
            line = " ".join(parts)
            if f.end:
                key = "finished_done" if f.status == "completed" else "finished_cancelled"
                line += ", " + t(TEXTS[key]).format(date=day(f.end))
            line += "."
            if f.led_to:
                line += " " + t(TEXTS["led_to_job" if f.led_to == "job" else "led_to_education"])
            story.append(Paragraph(f"• {escape(line)}", styles.body))
    for key in ("job_search", "stabilising", "other_efforts", "status_followup"):
        if text := fields.get(key):
            story.append(_Paragraph(escape(t(TEXTS[key])), styles.heading))
            story.append(Paragraph(_text(text), styles.body))
    if document.meetings:
        story.append(_Paragraph(escape(t(TEXTS["meetings"])), styles.heading))
        for meeting in document.meetings:
            when = t(TEXTS["meeting_at"]).format(
                date=day(meeting.when.date()), time=i18n.clock(meeting.when, lang)
            )
            place = meeting.location or t(
                MEETING_PLACE.get(meeting.channel, MEETING_PLACE["in_person"])
            )
            story.append(Paragraph(f"• {escape(when)}, {escape(place)}", styles.body))
    contact = [document.caseworker_name or ""]
    if document.caseworker_phone:
        contact.append(t(TEXTS["phone"]).format(phone=document.caseworker_phone))
    if document.caseworker_email:
        contact.append(t(TEXTS["email"]).format(email=document.caseworker_email))
    if any(contact):
        story.append(
            KeepTogether(
                [
                    _Paragraph(escape(t(TEXTS["caseworker"])), styles.heading),
                    Paragraph("<br/>".join(escape(c) for c in contact if c), styles.body),
                ]
            )
        )

    return build_pdf(
        story,
        title=f"{t(TEXTS['title'])} – {document.name}",
        subject=t(TEXTS["title"]),
        author=head.municipality,
        lang=lang,
        footer=page_footer(
            t, TEXTS["footer"], municipality=head.municipality, made_on=day(document.made_on)
        ),
        footer_size=styles.small.fontSize,
        letters=PLAN_LETTERS,
    )


def page_footer(
    t: Callable[[str], str], text: str, *, municipality: str, made_on: str
) -> Callable[[int, int], tuple[str, str]]:
    """The footer of a document for a citizen: ``text`` (a msgid with ``{municipality}`` and
    ``{date}``, the day it was made) on the left, "side 1 af 3" on the right."""

    def footer(page: int, pages: int) -> tuple[str, str]:
        return (
            t(text).format(municipality=municipality, date=made_on),
            t(TEXTS["page"]).format(page=page, pages=pages),
        )

    return footer


def build_pdf(
    story: list[Any],
    *,
    title: str,
    subject: str,
    author: str,
    lang: str,
    footer: Callable[[int, int], tuple[str, str]],
    footer_size: float,
    letters: str = "",
) -> bytes:
    """An A4 document for a citizen: margins, metadata (title, author, language) and a footer
    with "side 1 af 3" on every page. Shared by the plan and the access request."""
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=title, author=author, subject=subject, lang=lang)
    doc.build(story, canvasmaker=_numbered_canvas(footer, footer_size, letters))
    return buffer.getvalue()


def a4_document(
    buffer: io.BytesIO, *, title: str, author: str, subject: str, lang: str
) -> SimpleDocTemplate:
    """The A4 page of the documents citizens get (the plan, the access-log extract)."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=author,
        subject=subject,
        creator="Min Plan",
        lang="da-DK" if lang == "da" else "en-GB",
    )


def _text(value: str) -> str:
    return "<br/>".join(escape(line) for line in value.splitlines())


def _changes_box(
    document: PlanDocument, t: Callable[[str], str], styles: _Styles, lang: str
) -> Table:
    if document.changes is None:
        lines = [f"<b>{escape(t(TEXTS['first']))}</b>", escape(t(TEXTS["first_text"]))]
    else:
        lines = [f"<b>{escape(t(TEXTS['changed']))}</b>"]
        described = [escape(_describe(change, t)) for change in document.changes]
        lines += [f"• {d}" for d in described] or [escape(t(TEXTS["nothing"]))]
    kind = _Paragraph if document.changes is None else Paragraph  # the first plan's is fixed
    box = Table([[kind("<br/>".join(lines), styles.body)]], colWidths=[170 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#2f6f4f")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef6f0")),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _describe(change: PlanChange, t: Callable[[str], str]) -> str:
    if change.kind == "field":
        return t(TEXTS["field_changed"]).format(
            field=t(FIELD_NAMES.get(change.subject, change.subject))
        )
    if change.kind == "milestone_added":
        return t(TEXTS["new_step"]).format(title=change.subject)
    if change.kind == "milestone_removed":
        return t(TEXTS["step_removed"]).format(title=change.subject)
    if change.kind == "milestone_status":
        return t(TEXTS["step_status"]).format(
            title=change.subject, status=t(STEP_STATUS.get(change.after, change.after))
        )
    return t(TEXTS["step_changed"]).format(title=change.subject)
