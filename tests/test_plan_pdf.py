"""The citizen's printed plan: the right contents in plain words, no CPR number, Danish letters intact."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app import i18n
from app.casework.citizens.citizens import create_citizen
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.offers.companies import create_company
from app.casework.offers.offers import register_offer
from app.casework.plan.plan import add_milestone, complete_milestone, save_plan
from app.casework.plan.plan_printing import batch_plans, paper_citizens, plan_pdf
from app.cli import main
from app.domain.dates import local_today
from app.reports.lix import lix
from app.reports.plan_texts import all_texts
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, PlanVersion

TODAY = date(2026, 11, 23)
CPR = "150390-1234"


@pytest.fixture
def citizen(db: Database) -> tuple[Actor, int]:
    """Åse Ørsted, synthetic, with a full plan."""
    with transaction(db) as s:
        karen = Caseworker(
            initials="KL",
            name="Karen Lund",
            team="Team Job",
            role="caseworker",
            phone="72000001",
            email="kl@jobcenter.example",
        )
        s.add(karen)
        s.flush()
        karen_id = karen.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    åse = create_citizen(
        db,
        me,
        {"cpr": CPR, "first_name": "Åse", "last_name": "Ørsted", "digital_post_exempt": True},
        today=TODAY,
    ).id
    save_plan(
        db,
        me,
        åse,
        None,
        {
            "job_goal": "Butiksassistent",
            "own_words": "Jeg vil gerne arbejde med mennesker i Århus",
            "job_search": "Søge 2 job om ugen på Jobnet",
        },
        today=TODAY,
    )
    done = add_milestone(db, me, åse, "Opdatere CV", due=date(2026, 11, 1)).id
    complete_milestone(db, me, done, date(2026, 10, 28))
    add_milestone(db, me, åse, "Praktik i butik", due=date(2026, 12, 31))
    bakery = create_company(db, me, {"cvr": "29074836", "name": "Bageriet Solsikken ApS"}).id
    register_offer(
        db,
        me,
        åse,
        {
            "kind": "loentilskud_privat",
            "company_id": bakery,
            "offered_on": date(2026, 11, 20),
            "start_date": date(2026, 12, 1),
            "planned_end": date(2027, 5, 31),
            "hours_per_week": 30,
        },
        today=TODAY,
    )
    book_conversation(
        db,
        me,
        åse,
        datetime.combine(local_today() + timedelta(days=14), datetime.min.time()).replace(hour=10),
        channel="phone",
    )
    return me, åse


def text_of(content: bytes) -> str:
    """The PDF's text with line breaks made spaces (the layout wraps long lines)."""
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_the_plan_holds_every_part_in_plain_danish_and_no_cpr(db: Database, citizen) -> None:
    me, åse = citizen
    content = plan_pdf(db, me, åse, today=TODAY)
    text = text_of(content)
    for expected in (
        "Min Plan",
        "Plan for Åse Ørsted, født 15. marts 1990",
        "Første plan",
        "Dit mål",
        "Job: Butiksassistent",
        "Med dine egne ord",
        "Jeg vil gerne arbejde med mennesker i Århus",
        "Dine skridt på vejen",
        "Opdatere CV – klaret den 28. oktober 2026",
        "Praktik i butik – ikke startet, senest 31. december 2026",
        "Job med løntilskud hos en privat virksomhed hos Bageriet Solsikken ApS",
        "fra 1. december 2026 til 31. maj 2027",
        "30 timer om ugen",
        "Sådan søger du job",
        "Dine næste møder",
        "på telefon",
        "Din sagsbehandler",
        "Karen Lund",
        "Telefon: 72000001",
        "side 1 af 1",
    ):
        assert expected in text, expected
    assert "loentilskud_privat" not in text
    for pattern in (CPR, CPR.replace("-", "")):
        assert pattern not in text
        assert pattern.encode() not in content
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Min Plan – Åse Ørsted"
    assert reader.metadata.author == "Jobcentret"
    assert b"/Lang" in content and b"da-DK" in content


def test_printing_records_the_version_and_the_next_plan_shows_what_changed(
    db: Database, citizen
) -> None:
    me, åse = citizen
    plan_pdf(db, me, åse, today=TODAY)
    with transaction(db) as s:
        printed = s.exec(select(PlanVersion).where(PlanVersion.printed_at.is_not(None))).all()
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "print_plan")).one()
        assert len(printed) == 1 and event.citizen_id == åse and event.user_initials == "KL"
    from app.casework.plan.plan import plan_versions

    version = plan_versions(db, me, åse)[0]
    with transaction(db) as s:
        from app.store.models import Plan

        plan_version = s.exec(select(Plan).where(Plan.citizen_id == åse)).one().version
    save_plan(db, me, åse, plan_version, {"job_goal": "Kok"}, today=TODAY)
    text = text_of(plan_pdf(db, me, åse, today=TODAY))
    assert "Det er ændret siden din sidste plan" in text
    assert "Dit mål for job er ændret" in text
    assert "Første plan" not in text
    assert version[0] >= 1


def test_a_print_compares_with_the_newest_printed_version_and_records_the_newest_saved(
    db: Database, citizen
) -> None:
    """One query reads the newest saved and the newest printed version: a saved but unprinted
    version is recorded as printed by the next print, and the changes shown are those since the
    version last printed, not since the last one saved; an unchanged plan printed again adds no
    version."""
    from app.casework.plan.plan import plan_versions
    from app.store.models import Plan

    me, åse = citizen
    plan_pdf(db, me, åse, today=TODAY)
    first = plan_versions(db, me, åse)
    with transaction(db) as s:
        plan_version = s.exec(select(Plan).where(Plan.citizen_id == åse)).one().version
    save_plan(db, me, åse, plan_version, {"job_goal": "Kok"}, today=TODAY)
    saved = plan_versions(db, me, åse)
    assert saved[0][0] == first[0][0] + 1 and saved[0][3] is None  # saved, not yet printed
    assert saved[1][3] is not None  # the one printed before
    text = text_of(plan_pdf(db, me, åse, today=TODAY))
    assert "Dit mål for job er ændret" in text
    after = plan_versions(db, me, åse)
    assert after[0][3] is not None  # the newest version is the one recorded as printed
    assert [n for n, _at, _by, printed in after if printed] == [after[0][0], first[0][0]]
    again = text_of(plan_pdf(db, me, åse, today=TODAY))
    assert "Dit mål for job er ændret" not in again  # nothing changed since the last print
    assert [n for n, *_ in plan_versions(db, me, åse)] == [n for n, *_ in after]


def test_empty_plan_parts_are_left_out(db: Database, citizen) -> None:
    me, _åse = citizen
    bo = create_citizen(
        db, me, {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"}, today=TODAY
    ).id
    text = text_of(plan_pdf(db, me, bo, today=TODAY))
    assert "Plan for Bo Hansen" in text and "Første plan" in text
    for heading in (
        "Dit mål",
        "Med dine egne ord",
        "Dine skridt på vejen",
        "Dine tilbud",
        "Sådan søger du job",
    ):
        assert heading not in text


def test_english_and_large_print(db: Database, citizen) -> None:
    me, åse = citizen
    content = plan_pdf(db, me, åse, language="en", large_print=True, today=TODAY, record=False)
    text = text_of(content)
    assert (
        "Your plan" in text
        and "In your own words" in text
        and "Job with wage subsidy at a private company" in text
    )
    assert re.search(r"page 1 of \d", text)
    sizes = set(re.findall(rb"/F\d+ (\d+(?:\.\d+)?) Tf", content)) or set()
    assert not sizes or min(float(s) for s in sizes) >= 14  # footer 14 pt, body 16 pt


def test_a_step_past_its_date_says_overdue_in_plain_words(db: Database, citizen) -> None:
    """A step whose date has passed without being reached is not "not started" (or "Planned")
    on paper: the citizen reads that it is overdue and by when it was to be done (issue 14)."""
    me, åse = citizen
    add_milestone(db, me, åse, "Tale med en studievejleder", due=date(2026, 11, 10))
    danish = text_of(plan_pdf(db, me, åse, today=TODAY, record=False))
    assert (
        "Tale med en studievejleder – overskredet: det skulle have været klaret senest "
        "10. november 2026" in danish
    )
    assert "Praktik i butik – ikke startet, senest 31. december 2026" in danish  # not yet due
    assert "Planlagt" not in danish
    english = text_of(plan_pdf(db, me, åse, language="en", today=TODAY, record=False))
    assert "Tale med en studievejleder – overdue: it was to be done by" in english
    assert "Planned" not in english
    # on the day itself the step is not overdue yet
    on_the_day = text_of(plan_pdf(db, me, åse, today=date(2026, 11, 10), record=False))
    assert "Tale med en studievejleder – ikke startet, senest 10. november 2026" in on_the_day


def test_the_danish_fixed_texts_are_easy_to_read() -> None:
    translate = i18n.gettext_for("da")
    texts = [re.sub(r"\{[^}]*\}", "", translate(t)).strip() for t in all_texts()]
    assert all(
        translate(t) != t or t in ("Job: {text}",) for t in all_texts() if not t.startswith("{")
    ), "Danish missing"
    assert lix(". ".join(texts)) <= 40
    assert lix(translate(all_texts()[2])) <= 40  # the introduction on its own


def test_cli_plan_pdf_one_and_all_on_paper(
    db_args: list[str], citizen, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")  # Karen signs in as "kl"
    assert main(["plan-pdf", *db_args, "--cpr", CPR, "--out", str(tmp_path / "aase.pdf")]) == 0
    assert "Min Plan" in text_of((tmp_path / "aase.pdf").read_bytes())
    assert (
        main(
            [
                "plan-pdf",
                *db_args,
                "--cpr",
                CPR,
                "--out",
                str(tmp_path / "en.pdf"),
                "--plan-lang",
                "en",
                "--large-print",
            ]
        )
        == 0
    )
    assert "Your plan" in text_of((tmp_path / "en.pdf").read_bytes())
    assert main(["plan-pdf", *db_args, "--all-paper", "--out-dir", str(tmp_path / "paper")]) == 0
    files = list((tmp_path / "paper").glob("*.pdf"))
    assert [f.name for f in files] == ["min-plan-aase-oersted-1990-03-15.pdf"]
    assert (
        main(
            [
                "plan-pdf",
                *db_args,
                "--cpr",
                "010185-4321",
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
        == 2
    )


def test_batch_can_be_cancelled(db: Database, citizen, tmp_path: Path) -> None:
    me, åse = citizen
    calls = []
    result = batch_plans(
        db,
        me,
        [åse, åse, åse],
        tmp_path,
        progress=lambda done, total: calls.append(done) or done < 1,
    )
    assert result.cancelled and len(result.written) == 1
    assert paper_citizens(db) == [åse]


# --- LAB § 41: status on finished efforts, the day the plan was agreed, the gaps before printing ----
def test_the_plan_shows_when_it_was_agreed_and_what_the_citizen_has_finished(
    db: Database, citizen
) -> None:
    from app.casework.benefits.employment import register_employment
    from app.casework.offers.offers import cancel_offer, end_offer

    me, åse = citizen
    save_plan(db, me, åse, None, {"agreed_on": date(2026, 11, 20)}, today=TODAY)
    shop = create_company(db, me, {"cvr": "10150817", "name": "Butikken i Byen A/S"}).id
    praktik = register_offer(
        db,
        me,
        åse,
        {
            "kind": "virksomhedspraktik",
            "company_id": shop,
            "start_date": date(2026, 6, 1),
            "planned_end": date(2026, 6, 28),
        },
        today=date(2026, 6, 1),
    ).id
    end_offer(db, me, praktik, date(2026, 6, 28))
    register_employment(
        db,
        me,
        åse,
        {
            "kind": "paid_hours",
            "company_id": shop,
            "start_date": date(2026, 7, 6),
            "hours_per_month": 20,
        },
    )
    course = register_offer(
        db,
        me,
        åse,
        {
            "kind": "oevrig_vejledning_opkvalificering",
            "start_date": date(2026, 9, 1),
            "planned_end": date(2026, 10, 31),
        },
        today=date(2026, 9, 1),
    ).id
    cancel_offer(db, me, course, "Borgeren blev syg")
    old = register_offer(
        db,
        me,
        åse,
        {"kind": "mentor", "start_date": date(2025, 1, 6), "planned_end": date(2025, 3, 31)},
        today=date(2025, 1, 6),
    ).id
    end_offer(db, me, old, date(2025, 3, 31))
    text = text_of(plan_pdf(db, me, åse, today=TODAY))
    assert "Aftalt med dig den 20. november 2026" in text
    assert "Det har du lavet det seneste år" in text
    assert (
        "Praktik på en arbejdsplads hos Butikken i Byen A/S, afsluttet den 28. juni 2026." in text
    )
    assert "Det førte til et job." in text
    assert "stoppet den" in text
    assert "Mentor" not in text.split("Det har du lavet det seneste år")[1].split("Dine")[0], (
        "older than 12 months"
    )


def test_plan_gaps_name_what_lab_41_asks_for_and_steps_past_their_date() -> None:
    from app.domain.plan import MilestoneState, plan_gaps

    fields = {"job_goal": "Elektriker", "education_goal": None}
    steps = [
        MilestoneState(1, "Opdatere CV", date(2026, 11, 1), "planned"),
        MilestoneState(2, "Praktik", date(2026, 11, 1), "done", date(2026, 10, 30)),
        MilestoneState(3, "Kørekort", date(2027, 3, 1), "planned"),
    ]
    young = plan_gaps(fields, None, "uddannelseshjaelp_uddannelsesparat", steps, TODAY)
    assert [g.where for g in young] == ["education_goal", "agreed_on", "milestones"]
    assert young[2].params["title"] == "Opdatere CV"
    adult = plan_gaps(fields, date(2026, 11, 20), "kontanthjaelp_jobparat", steps[1:], TODAY)
    assert adult == []
    assert [g.where for g in plan_gaps({}, TODAY, "dagpenge", (), TODAY)] == ["job_goal"]


def test_an_agreed_day_in_the_future_is_refused(db: Database, citizen) -> None:
    from app.domain.errors import ValidationError

    me, åse = citizen
    with pytest.raises(ValidationError) as error:
        save_plan(db, me, åse, None, {"agreed_on": TODAY + timedelta(days=1)}, today=TODAY)
    assert error.value.field == "agreed_on"


def test_a_subset_made_once_embeds_the_bytes_reportlab_makes(
    db: Database, citizen, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fonts keep the subsets they cut and the subsets' widths and ToUnicode maps, and the
    paragraphs their parsed texts (issue #19): a plan rendered from what they kept is byte for
    byte the plan stock reportlab renders (fonts embedded, Danish letters intact)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
    from reportlab.platypus import Paragraph

    from app.reports import plan_pdf as module
    from app.reports.plan_document import plan_document

    monkeypatch.setattr(rl_config, "invariant", 1)  # no creation date or random id in the bytes
    _me, åse = citizen
    document = plan_document(db, åse, today=TODAY)
    first, again = module.render_plan(document), module.render_plan(document)
    fonts = [pdfmetrics.getFont(name) for name in (module.FONT, module.BOLD)]
    assert all(isinstance(font, module._SubsetOnceFont) for font in fonts)
    assert all(isinstance(font.face, module._SubsetOnceFace) for font in fonts)
    for font in fonts:  # reportlab's own, for comparison
        monkeypatch.setattr(font.face, "__class__", TTFontFace)
        monkeypatch.setattr(font, "__class__", TTFont)
    monkeypatch.setattr(module, "_Paragraph", Paragraph)
    stock = module.render_plan(document)
    assert first == again == stock
    assert b"/FontFile2" in stock and stock.count(b"/FontFile2") == 2
    assert "Plan for Åse Ørsted" in text_of(stock)


def test_the_page_footer_names_the_municipality_the_day_and_the_page() -> None:
    from app.reports.plan_pdf import page_footer
    from app.reports.plan_texts import TEXTS

    footer = page_footer(
        i18n.gettext_for("en"), TEXTS["footer"], municipality="Aarhus", made_on="3 May 2026"
    )
    assert footer(2, 3) == ("Aarhus · Your plan, made on 3 May 2026", "page 2 of 3")


def test_plans_using_their_danish_letters_in_another_order_embed_the_same_subsets(
    db: Database, citizen
) -> None:
    """reportlab codes a letter beyond ASCII when it is first used: the plan gives its usual
    letters their codes first, in one order (``PLAN_LETTERS``), so plans that use them in other
    orders embed the same font subsets, which are cut once per process (issue #19); what the
    plan says is unchanged."""
    from dataclasses import replace

    from app.reports import plan_pdf as module
    from app.reports.plan_document import plan_document

    _me, åse = citizen
    document = plan_document(db, åse, today=TODAY)
    other = replace(
        document,
        name="Æbbe Åkjær",
        fields={**document.fields, "own_words": "«Først» – så øve • æble"},
    )

    def fonts(content: bytes) -> list[bytes]:
        reader = PdfReader(io.BytesIO(content))
        return sorted(
            font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            for font in reader.pages[0]["/Resources"]["/Font"].values()
            if "/FontDescriptor" in font.get_object()
        )

    first, second = module.render_plan(document), module.render_plan(other)
    assert len(fonts(first)) == 2  # regular and bold, both embedded
    assert fonts(first) == fonts(second)
    assert "Plan for Æbbe Åkjær" in text_of(second)
    assert "»«Først» – så øve • æble«" in text_of(second)
