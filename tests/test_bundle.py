"""The CSV bundle: the sample imports, round trips are byte-identical, every bad row is named
as ``file:line: reason`` and leaves the database exactly as it was."""

from __future__ import annotations

import gc
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app import i18n
from app.casework.bundle import importer
from app.casework.bundle.exporter import export_bundle
from app.casework.bundle.format import FILE_NAMES, SPECS
from app.casework.bundle.importer import import_bundle
from app.casework.bundle.validate import Existing
from app.casework.core.actor import Actor
from app.casework.plan.plan import changes_since_last_print
from app.demo.data import populate
from app.domain.dates import local_to_utc
from app.domain.errors import ConflictError, MinPlanError
from app.store.engine import Database, transaction
from app.store.models import (
    AuditEvent,
    AuditSubject,
    Citizen,
    Conversation,
    Employment,
    Milestone,
    Offer,
    metadata,
)

SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"
TODAY = date(2026, 11, 23)


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README.txt"))
    return folder


@pytest.fixture
def english() -> None:
    i18n.set_language("en")


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, name: str, line: str) -> None:
    with (folder / name).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_the_sample_bundle_imports_with_derived_fields_plan_versions_and_one_audit_event(
    db: Database, actor: Actor, english: None
) -> None:
    report = import_bundle(db, actor, SAMPLE, today=TODAY)
    assert report.ok, report.error_lines()
    assert report.written
    assert report.summary() == (
        "Imported: 3 caseworkers, 4 citizens, 5 benefit spells, 3 plans, 4 milestones, 3 offers, "
        "5 conversations, 2 jobs and educations, 3 companies, 2 company contacts, "
        "2 recruitment orders, 2 journal notes"
    )
    with transaction(db) as s:
        åse = s.exec(select(Citizen).where(Citizen.cpr == "0101901234")).scalar_one()
        assert (åse.first_name, åse.birth_date) == ("Åse", date(1990, 1, 1))
        assert "åse ørsted" in åse.search_text and åse.sort_key
        smajob = s.exec(select(Employment).where(Employment.kind == "paid_hours")).scalar_one()
        assert (smajob.hours_per_week, smajob.hours_per_month) == (None, pytest.approx(20.02))
        first = s.exec(select(Conversation).order_by(Conversation.scheduled_at)).scalars().first()
        assert first.scheduled_at == local_to_utc(datetime(2026, 3, 5, 10))  # 09:00 UTC
        events = s.exec(select(AuditEvent)).scalars().all()
        assert [e.action for e in events] == ["import"]
        assert "Åse" not in (events[0].details or "") and "0101901234" not in (
            events[0].details or ""
        )
    changes, printed = changes_since_last_print(db, actor, åse.id)
    assert printed is None and changes  # version 1 exists: the first print shows the whole plan


def test_the_import_event_names_every_imported_citizen_however_many(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only the first ``MAX_SUBJECTS`` that a list someone looked at keeps: each imported
    citizen's history shows the import, and on a team server the row trigger then knows that
    the app logged every row (it wrote an event per row of the citizens left out, 1.8 million
    events and hours of commit at 100 000 citizens)."""
    from app.casework.core import audit
    from app.store.audit_verify import verify

    monkeypatch.setattr(audit, "MAX_SUBJECTS", 2)
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    with transaction(db) as s:
        citizens = set(s.execute(select(Citizen.id)).scalars())
        events = s.execute(select(AuditEvent)).scalars().all()
        assert [e.action for e in events] == ["import"]
        indexed = s.execute(
            select(AuditSubject.citizen_id).where(AuditSubject.event_seq == events[0].seq)
        )
        assert set(indexed.scalars()) == citizens and len(citizens) == 4
    assert verify(db).ok


def cells_of(path: Path) -> list[dict[str, Any]]:
    """A bundle file's rows as typed values, whatever its delimiter, BOM or line ends."""
    from app.casework.bundle.format import SPECS
    from app.casework.bundle.reader import CsvTable, open_rows

    problems: list[Any] = []
    rows = [
        r.values for r in open_rows(CsvTable(path, path.name), SPECS[path.name], problems) or ()
    ]
    assert not problems, problems
    return rows


def test_the_sample_is_canonical_so_importing_and_exporting_it_gives_the_same_files(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    export_bundle(db, actor, tmp_path / "out")
    for name in FILE_NAMES:  # the same rows; the export in the one CSV convention (; BOM CRLF)
        assert cells_of(tmp_path / "out" / name) == cells_of(SAMPLE / name), name


def test_export_then_import_into_an_empty_database_then_export_is_identical(
    any_db: Database, actor: Actor, tmp_path: Path
) -> None:
    populate(any_db, actor, citizens=60, seed=11, as_of=TODAY)
    first = export_bundle(any_db, actor, tmp_path / "first")
    assert all(first.counts[name] for name in FILE_NAMES), first.counts
    with any_db.engine.begin() as conn:  # empty the database, keeping the schema
        for table in reversed(metadata.sorted_tables):
            if not table.name.startswith("audit_"):  # the access log is append-only
                conn.execute(table.delete())
    report = import_bundle(any_db, actor, tmp_path / "first", today=TODAY)
    assert report.ok, report.error_lines()[:5]
    export_bundle(any_db, actor, tmp_path / "second")
    for name in FILE_NAMES:
        assert (tmp_path / "first" / name).read_bytes() == (
            tmp_path / "second" / name
        ).read_bytes(), name


def test_export_is_canonical_and_leaves_out_deleted_rows(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    with transaction(db) as s:
        gone = local_to_utc(datetime(2026, 11, 20, 9))
        s.execute(update(Citizen).where(Citizen.cpr == "0707854321").values(deleted_at=gone))
        s.execute(update(Offer).where(Offer.kind == "mentor").values(deleted_at=gone))
        s.execute(update(Milestone).where(Milestone.title == "Opdatere CV").values(deleted_at=gone))
    report = export_bundle(db, actor, tmp_path / "out")
    files = {name: (tmp_path / "out" / name).read_bytes() for name in FILE_NAMES}
    everything = b"".join(files.values())
    assert b"0707854321" not in everything  # the citizen and the spell, conversation, journal note
    assert b"mentor" not in files["offers.csv"] and b"Opdatere CV" not in files["milestones.csv"]
    assert report.counts["citizens.csv"] == 3 and report.counts["offers.csv"] == 2
    for name, data in files.items():
        # UTF-8 with BOM, ";", CRLF (app.reports.csv_convention)
        assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
        assert data.decode("utf-8-sig").split("\r\n")[0] == ";".join(SPECS[name].column_names)
        assert b"\n" not in data.replace(b"\r\n", b"")
    assert "no;;no;no" in files["citizens.csv"].decode()  # yes/no booleans, empty = none


def test_spreadsheet_dialects_are_accepted(db: Database, actor: Actor, bundle: Path) -> None:
    """Semicolons, a byte-order mark, CRLF, dd-mm-yyyy dates, ja/nej and a decimal comma, as
    Danish Excel writes them; each file is sniffed on its own."""
    text = (bundle / "citizens.csv").read_text(encoding="utf-8").replace(",", ";")
    text = text.replace(";no;;yes;yes", ";nej;;ja;ja").replace("\n", "\r\n")
    (bundle / "citizens.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    offers = (bundle / "offers.csv").read_text(encoding="utf-8").replace(",", ";")
    write(bundle, "offers.csv", offers.replace(";20;active", ";20,5;active"))
    edit(bundle, "spells.csv", "2026-08-17", "17-08-2026")
    edit(
        bundle,
        "spells.csv",
        "2025-09-01,2026-02-28,Skiftet ydelse,yes",
        "1-9-2025,28-02-2026,Skiftet ydelse,true",
    )
    report = import_bundle(db, actor, bundle, today=TODAY)
    assert report.ok, report.error_lines()
    with transaction(db) as s:
        jens = s.exec(select(Citizen).where(Citizen.cpr == "0707854321")).scalar_one()
        assert (jens.disability, jens.digital_post_exempt, jens.refugee_or_reunified) == (
            True,
            True,
            False,
        )
        hours = s.exec(select(Offer.hours_per_week).where(Offer.kind == "virksomhedspraktik"))
        assert hours.scalar_one() == 20.5


BAD_ROWS = [
    # (file, old text, new text, the exact English line expected among the errors)
    ("citizens.csv", "0707854321", "0707854322x",
     "citizens.csv:3: cpr: CPR number '0707854322x' may only contain digits"),
    ("citizens.csv", "0707854321", "3102901234",
     "citizens.csv:3: cpr: CPR number '3102901234' does not hold a valid date of birth"),
    ("citizens.csv", "30405060", "123", "citizens.csv:3: phone: '123' is not a phone number"),
    ("citizens.csv", "OP,no", "OP,maybe", "citizens.csv:3: refugee_or_reunified: 'maybe' is not yes or no"),
    ("spells.csv", "sygedagpenge", "sygepenge",
     "spells.csv:4: target_group: Unknown target group 'sygepenge'; allowed: dagpenge, "
     "kontanthjaelp_jobparat, kontanthjaelp_aktivitetsparat, uddannelseshjaelp_uddannelsesparat, "
     "uddannelseshjaelp_aktivitetsparat, sygedagpenge, jobafklaring, ressourceforloeb, "
     "ledighedsydelse, fleksjob, revalidering, foertidspension, integration, selvforsoergende"),
    ("spells.csv", "2025-09-01,2026-02-28", "2026-09-01,2026-02-28",
     "spells.csv:2: end: End date 2026-02-28 is before start date 2026-09-01"),
    ("spells.csv", "2026-03-03", "2026-02-01",
     "spells.csv:3: The spell 2026-02-01 – … overlaps another spell of the same citizen "
     "(2025-09-01 – 2026-02-28)"),
    ("spells.csv", "1503901234,integration", "1111111118,integration",
     "spells.csv:5: No citizen with CPR number 111111-1118 in the bundle or the database"),
    ("spells.csv", "2026-08-17", "2026-13-17",
     "spells.csv:4: start: '2026-13-17' is not a date; write it as 2026-11-23 or 23-11-2026"),
    ("spells.csv", "2026-08-20,no,,", "2026-08-20,no,,ten",
     "spells.csv:4: agreed_contact_days: 'ten' is not a whole number"),
    ("offers.csv", "29074836", "29074837",
     "offers.csv:3: company_cvr: CVR number '29074837' fails the check digit test"),
    ("offers.csv", "29074836", "12345674",
     "offers.csv:3: No company with CVR number 12345674 in the bundle or the database"),
    ("offers.csv", "20,active", "twenty,active", "offers.csv:3: hours_per_week: 'twenty' is not a number"),
    ("conversations.csv", ",KL,Første", ",XY,Første",
     "conversations.csv:2: No caseworker with initials XY in the bundle or the database"),
    ("conversations.csv", "2026-03-05T10:00", "05.03.2026 kl 10",
     "conversations.csv:2: scheduled_at: '05.03.2026 kl 10' is not a date and time; "
     "write it as 2026-11-23T10:30"),
    ("milestones.csv", "done,2026-03-28", "planned,2026-03-28",
     "milestones.csv:2: completed_on: Only a milestone that is done has a completion date"),
    ("employment.csv", "2026-11-01,,4.62", "2026-11-01,2026-10-01,4.62",
     "employment.csv:2: end: End date 2026-10-01 is before start date 2026-11-01"),
    ("caseworkers.csv", "OP,Ole", "KL,Ole", "caseworkers.csv:3: Initials KL appear twice in the bundle (also line 2)"),
    ("caseworkers.csv", "OP,Ole", "OPQRSTUVWXYZW,Ole",
     "caseworkers.csv:3: initials: The text is too long (at most 12 characters)"),
    ("caseworkers.csv", "Job,caseworker,kl@", "Job,boss,kl@",
     "caseworkers.csv:2: role: Unknown role 'boss'; allowed: caseworker, teamlead, admin"),
    ("companies.csv", "employees", "employees,size",
     "companies.csv:1: Unknown column 'size'; the columns are: cvr, name, address, postal_code, city, employees, local"),
    ("companies.csv", "29074836", "47887623", "companies.csv:3: CVR number 47887623 appears twice in the bundle (also line 2)"),
    ("recruitment_orders.csv", "3,open,", "3,open,2026-11-20", "recruitment_orders.csv:2: An open order has no closing date"),
    ("company_contacts.csv", "visit,KL,yes", "visit,KL,maybe", "company_contacts.csv:2: led_to_offer: 'maybe' is not yes or no"),
    ("journal.csv", "0707854321,2026-09-28,OP,", "0707854321,,OP,", "journal.csv:3: written_on is empty"),
    ("spells.csv", "target_group,start", "target_group,begin",
     "spells.csv:1: Unknown column 'begin'; the columns are: cpr, target_group, start, end, end_reason, "
     "visited_to_jobcenter, early_followup_requested_on, exempt_75, exempt_75_reason, agreed_contact_days, "
     "first_request_on, absence_start_on, sick_category, new_dagpengeperiode_on, ledighed_hours, "
     "ledighed_on, part_time_insured, offer_exempt_from, offer_exempt_to, work_duty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"), BAD_ROWS, ids=[f"{n}-{i}" for i, n in enumerate(r[3].split(":")[0] for r in BAD_ROWS)]
)  # fmt: skip
def test_a_bad_row_is_named_exactly_and_nothing_is_written(
    db: Database,
    actor: Actor,
    bundle: Path,
    english: None,
    name: str,
    old: str,
    new: str,
    expected: str,
) -> None:
    edit(bundle, name, old, new)
    before = counts(db)
    report = import_bundle(db, actor, bundle, today=TODAY)
    assert not report.ok and not report.written
    assert expected in report.error_lines(), report.error_lines()
    assert counts(db) == before
    assert report.summary().endswith("; nothing was imported")


def test_every_problem_of_every_file_is_reported_at_once_in_file_order(
    db: Database, actor: Actor, bundle: Path, english: None
) -> None:
    edit(bundle, "journal.csv", "2026-09-28", "2026-09-31")
    edit(bundle, "spells.csv", "sygedagpenge", "sygepenge")
    append(bundle, "citizens.csv", "010190-1234,Anne,Ørsted,,,,,,,,,,,")
    append(bundle, "spells.csv", "0101901234,dagpenge,2027-01-01,,,,,nej,,")
    lines = import_bundle(db, actor, bundle, today=TODAY).error_lines()
    assert [line.split(": ")[0] for line in lines] == [
        "citizens.csv:6",
        "spells.csv:4",
        "spells.csv:7",
        "journal.csv:3",
    ], lines
    assert (
        lines[0]
        == "citizens.csv:6: CPR number 010190-1234 appears twice in the bundle (also line 2)"
    )


def test_a_row_with_an_unreadable_cell_still_counts_as_present_for_references(
    db: Database, actor: Actor, bundle: Path, english: None
) -> None:
    """One typo is one error: rows that refer to the citizen are not reported as well."""
    edit(bundle, "citizens.csv", "OP,no", "OP,nope")
    assert import_bundle(db, actor, bundle, today=TODAY).error_lines() == [
        "citizens.csv:3: refugee_or_reunified: 'nope' is not yes or no"
    ]


def test_danish_users_read_the_reasons_in_danish(db: Database, actor: Actor, bundle: Path) -> None:
    edit(bundle, "spells.csv", "sygedagpenge", "sygepenge")
    report = import_bundle(db, actor, bundle, today=TODAY)
    assert report.error_lines()[0].startswith(
        "spells.csv:4: target_group: Ukendt målgruppe 'sygepenge'"
    )
    assert report.summary() == "1 problem; intet blev importeret"


def test_what_is_already_in_the_database_counts_as_a_duplicate_or_as_a_reference(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    before = counts(db)
    again = import_bundle(db, actor, SAMPLE, today=TODAY).error_lines()
    assert (
        "citizens.csv:2: A citizen with CPR number 010190-1234 already exists in the database"
        in again
    )
    assert (
        "caseworkers.csv:2: A caseworker with initials KL already exists in the database" in again
    )
    assert "plans.csv:2: The citizen 010190-1234 already has a plan in the database" in again
    assert counts(db) == before

    more = tmp_path / "more"
    more.mkdir()
    write(more, "spells.csv", "cpr,target_group,start\n2412992222,dagpenge,2026-10-01\n")
    assert import_bundle(db, actor, more, today=TODAY).error_lines() == [
        "spells.csv:2: The spell 2026-10-01 – … overlaps another spell of the same citizen (2026-06-01 – …)"
    ]
    write(
        more,
        "spells.csv",
        "cpr,target_group,start,end\n0707854321,dagpenge,2026-01-01,2026-08-16\n",
    )
    write(more, "milestones.csv", "cpr,title\n0101901234,Ny ansøgning\n")
    write(more, "plans.csv", "cpr,job_goal\n0707854321,Lagerarbejder\n")
    report = import_bundle(db, actor, more, today=TODAY)
    assert report.ok, report.error_lines()
    with transaction(db) as s:
        positions = s.exec(
            select(Milestone.position, Milestone.title)
            .join(Citizen, Citizen.id == Milestone.citizen_id)
            .where(Citizen.cpr == "0101901234")
            .order_by(Milestone.position)
        ).all()
    assert [tuple(p) for p in positions] == [
        (0, "Opdatere CV"),
        (1, "Praktik i butik"),
        (2, "Ny ansøgning"),
    ]


def test_a_change_made_while_importing_is_a_conflict_and_nothing_is_written(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    before = counts(db)
    monkeypatch.setattr(importer, "_existing", lambda db: Existing())  # as if checked earlier
    with pytest.raises(ConflictError):
        import_bundle(db, actor, SAMPLE, today=TODAY)
    assert counts(db) == before


def test_file_level_problems(db: Database, actor: Actor, bundle: Path, english: None) -> None:
    (bundle / "citizen.csv").write_text("cpr\n", encoding="utf-8")
    (bundle / "journal.csv").write_bytes(
        "cpr,written_on,caseworker,text\n0101901234,2026-03-05,KL,\xe6ble\n".encode("latin-1")
        + b"0101901234,2026-03-06,KL,\x81\n"  # undefined in Windows-1252 too
    )
    append(bundle, "plans.csv", "2412992222,Kok")
    write(bundle, "employment.csv", "cpr,kind,cpr\n")
    write(bundle, "recruitment_orders.csv", "cvr,title\n")
    lines = import_bundle(db, actor, bundle, today=TODAY).error_lines()
    assert lines == [
        "citizen.csv:1: Unknown file; the bundle's files are: " + ", ".join(FILE_NAMES),
        "plans.csv:5: The row has 2 cells but the header has 9",
        "employment.csv:1: The column 'cpr' appears twice",
        "employment.csv:1: The column 'start' is missing",
        "recruitment_orders.csv:1: The column 'received_on' is missing",
        "journal.csv:3: The file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
    ]


def test_a_problem_in_the_last_file_undoes_the_files_written_before_it(
    db: Database, actor: Actor, bundle: Path, english: None
) -> None:
    """Each file is written as it is read: a problem found in the last one rolls back the
    rows of all the others, and the report is the one a check alone gives."""
    before = counts(db)
    with (bundle / "journal.csv").open(encoding="utf-8") as handle:
        lines = sum(1 for _line in handle)
    append(bundle, "journal.csv", "0101901234,2026-13-01,KL,x")
    report = import_bundle(db, actor, bundle, today=TODAY)
    assert not report.ok and not report.written
    assert report.error_lines() == [
        f"journal.csv:{lines + 1}: written_on: '2026-13-01' is not a date; write it as "
        "2026-11-23 or 23-11-2026"
    ]
    assert report.counts["citizens.csv"] == 4 and report.counts["journal.csv"] == lines
    assert counts(db) == before
    assert import_bundle(db, actor, bundle, today=TODAY, dry_run=True).error_lines() == (
        report.error_lines()
    )


def test_lines_are_physical_lines_across_quoted_newlines_and_blank_lines(
    db: Database, actor: Actor, bundle: Path, english: None
) -> None:
    write(
        bundle,
        "journal.csv",
        'cpr,written_on,caseworker,text\n0101901234,2026-03-05,KL,"Line one\nline two"\n\n'
        "0707854321,2026-13-01,OP,x\n",
    )
    assert import_bundle(db, actor, bundle, today=TODAY).error_lines() == [
        "journal.csv:5: written_on: '2026-13-01' is not a date; write it as 2026-11-23 or 23-11-2026"
    ]


def test_a_missing_file_means_no_rows_and_optional_columns_may_be_left_out(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    write(folder, "citizens.csv", "cpr;first_name;last_name\n0101901234;Åse;Ørsted\n")
    report = import_bundle(db, actor, folder, today=TODAY)
    assert report.ok and report.counts["citizens.csv"] == 1 and report.counts["spells.csv"] == 0
    with transaction(db) as s:
        åse = s.exec(select(Citizen)).scalar_one()
    assert (åse.language, åse.caseworker_id, åse.disability) == ("da", None, False)


def test_a_folder_without_a_bundle_is_refused(db: Database, actor: Actor, tmp_path: Path) -> None:
    with pytest.raises(MinPlanError):
        import_bundle(db, actor, tmp_path / "nowhere")
    with pytest.raises(MinPlanError):
        import_bundle(db, actor, tmp_path)


def test_dry_run_checks_everything_and_writes_nothing(
    db: Database, actor: Actor, english: None
) -> None:
    before = counts(db)
    report = import_bundle(db, actor, SAMPLE, dry_run=True, today=TODAY)
    assert report.ok and not report.written
    assert report.summary().startswith(
        "Checked, nothing written (dry run): 3 caseworkers, 4 citizens"
    )
    assert counts(db) == before


def test_progress_is_reported_while_the_files_are_read_and_written(
    db: Database, actor: Actor
) -> None:
    seen: list[tuple[int, int, str]] = []
    assert import_bundle(db, actor, SAMPLE, today=TODAY, progress=lambda *a: seen.append(a)).ok
    files = len(FILE_NAMES)
    finished = list(dict.fromkeys(s for s in seen if s[0] == FILE_NAMES.index(s[2]) + 1))
    assert finished == [(n, files, name) for n, name in enumerate(FILE_NAMES, start=1)]
    assert (2, files, "citizens.csv") in seen  # a chunk written: the files before it are done
    assert [done for done, _total, _name in seen] == sorted(done for done, _t, _n in seen)
    assert seen[-1] == (files, files, "journal.csv")


def test_stopping_from_the_progress_callback_writes_nothing(db: Database, actor: Actor) -> None:
    calls: list[object] = []

    def stop_while_writing(*args: object) -> bool:
        calls.append(args)
        return len(calls) < len(FILE_NAMES) + 3  # stop once three files are written

    before = counts(db)
    with pytest.raises(MinPlanError):
        import_bundle(db, actor, SAMPLE, today=TODAY, progress=stop_while_writing)
    assert counts(db) == before


def test_export_refuses_a_folder_with_other_files_but_replaces_an_earlier_bundle(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    (tmp_path / "notes.docx").write_text("x")
    with pytest.raises(MinPlanError):
        export_bundle(db, actor, tmp_path)
    assert not (tmp_path / "citizens.csv").exists()
    with pytest.raises(MinPlanError):
        export_bundle(db, actor, tmp_path / "notes.docx")
    export_bundle(db, actor, tmp_path / "out")
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    report = export_bundle(db, actor, tmp_path / "out")
    assert report.counts["citizens.csv"] == 4
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILE_NAMES)


def test_the_cycle_collector_is_paused_while_importing_and_resumed_after(
    db: Database, actor: Actor, bundle: Path
) -> None:
    """The collector's passes over the import's rows found next to nothing to free."""
    enabled: list[bool] = []

    def progress(*_: object) -> None:
        enabled.append(gc.isenabled())

    edit(bundle, "journal.csv", "0101901234", "0101901235")  # the last file refers to nobody
    assert not import_bundle(db, actor, bundle, today=TODAY, dry_run=True).ok
    assert gc.isenabled()
    assert not import_bundle(db, actor, bundle, today=TODAY, progress=progress).ok  # rolled back
    assert gc.isenabled()
    assert import_bundle(db, actor, SAMPLE, today=TODAY, progress=progress).ok
    assert enabled and not any(enabled)
    assert gc.isenabled()
