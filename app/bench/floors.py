"""The floors the bench sets Min Plan's figures beside: the same work done without Min Plan's
layers, measured in the same run (see ``figures.FLOORS``). Cold start's and search's floors run
in the GUI processes (``app.ui.bench_bare_window``, ``app.ui.bench_gui``)."""

from __future__ import annotations

import io
import re
import time

from sqlalchemy import text

from app.store.engine import Database

#: Danish prose of a plan's register, repeated to fill the floor document's pages.
_PROSE = (
    "Du har fortalt, at du gerne vil arbejde med mennesker, og at du har brug for at komme i gang "
    "igen i dit eget tempo. Vi har aftalt, at du starter i praktik hos en lokal virksomhed, og at "
    "vi ses igen om fire uger for at tale om, hvordan det går. Hvis noget ændrer sig, kan du altid "
    "ringe eller skrive til din sagsbehandler i jobcentret. "
)
#: The text one A4 page of the plan's 11 pt body holds. (It was nine until 3 Dec 2026, which
#: overflowed the page by three lines: the floor of a one-page plan was a two-page document, of
#: two pages four, of three six.)
PARAGRAPHS_PER_PAGE = 8

_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def pdf_pages(content: bytes) -> int:
    return max(1, len(_PAGE.findall(content)))


#: The floor's own registration of the plan's font file: reportlab's stock ``TTFont``, which cuts
#: and compresses the embedded subset for every document (Min Plan's registration keeps the
#: subsets it made with their widths and ToUnicode maps, ``plan_pdf._SubsetOnceFace`` and
#: ``_SubsetOnceFont``, and gives its usual Danish letters their codes in one order,
#: ``plan_pdf.PLAN_LETTERS``: that is Min Plan's work, not the floor's). Until 3 Dec 2026 this
#: registration was in fact an alias of Min Plan's font (see ``_floor_font``). The floor embeds
#: the regular face only, where every plan also embeds the bold one (its headings): a floor with
#: both, each cut and compressed by stock reportlab for every document, costs about 4 ms more,
#: more than the whole difference this ratio is meant to show, so the harder comparison is kept.
FLOOR_FONT = "BenchFloorSans"


def _floor_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from app import paths
    from app.reports.plan_pdf import FONT_FILES

    if FLOOR_FONT not in pdfmetrics.getRegisteredFontNames():
        font = TTFont(FLOOR_FONT, str(paths.fonts_dir() / FONT_FILES[0]))
        # reportlab registers one font object per face name: a second registration of the same
        # face (DejaVuSans) under another name is an alias of the first, so the floor's font was
        # Min Plan's, with its kept subsets. A face name of its own keeps the floor's font stock
        # (the embedded name is ``BenchFloor-DejaVuSans``).
        font.face.name = b"BenchFloor-" + font.face.name
        pdfmetrics.registerFont(font)
        assert pdfmetrics.getFont(FLOOR_FONT) is font
    return FLOOR_FONT


def minimal_pdf(pages: int) -> bytes:
    """A minimal reportlab document of ``pages`` A4 pages of body text in the plan's font
    (embedded, as in the plan): no letterhead, no tables, no page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = ParagraphStyle(
        "body", fontName=_floor_font(), fontSize=11, leading=15.4, spaceAfter=4.4
    )
    story: list = []
    for page in range(pages):
        if page:
            story.append(PageBreak())
        story += [Paragraph(_PROSE, style) for _ in range(PARAGRAPHS_PER_PAGE)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


#: Rows per ``executemany`` call in the import's floor.
CHUNK = 10_000


def bare_copy(source: Database, target: Database) -> tuple[float, int, float]:
    """The import's floor: every row the import wrote into ``source`` inserted into ``target``
    (a fresh database migrated to the same schema) with the driver's own ``executemany``, in one
    transaction. Returns the seconds spent inserting (reading the rows is not counted), the
    rows inserted and the processor seconds of that inserting. Tables the migrations fill are
    left alone (both databases have them)."""
    from sqlmodel import SQLModel

    import app.store.models  # noqa: F401  (the tables, registered on the metadata)

    inserting = cpu = 0.0
    rows_total = 0
    mark = "?" if target.is_sqlite else "%s"
    with source.engine.connect() as read, target.engine.connect() as write:
        cursor = write.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # an open connection has its DB-API one
        if not target.is_sqlite:
            # Bare: a team server's own triggers (schema 0017: an access-log event for every row
            # no event of the app covers; the log's append-only guards) are Min Plan's work,
            # not the floor's; the bench owns this throwaway database.
            for table in SQLModel.metadata.sorted_tables:
                cursor.execute(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
        for table in SQLModel.metadata.sorted_tables:
            name = table.name
            if write.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                continue
            result = read.execution_options(stream_results=True).execute(
                text(f'SELECT * FROM "{name}"')
            )
            columns = ", ".join(f'"{c}"' for c in result.keys())
            statement = f'INSERT INTO "{name}" ({columns}) VALUES ({", ".join([mark] * len(result.keys()))})'
            while fetched := result.fetchmany(CHUNK):
                chunk = [tuple(row) for row in fetched]  # plain tuples, as a driver takes them
                started, started_cpu = time.perf_counter(), time.process_time()
                cursor.executemany(statement, chunk)
                inserting += time.perf_counter() - started
                cpu += time.process_time() - started_cpu
                rows_total += len(chunk)
        started, started_cpu = time.perf_counter(), time.process_time()
        write.connection.dbapi_connection.commit()  # type: ignore[union-attr]  # an open connection has its DB-API one
        inserting += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    return inserting, rows_total, cpu
