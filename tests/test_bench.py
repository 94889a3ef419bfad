"""``minplan bench`` stays runnable: a smoke run on a tiny database, and its parts on their own.

The figures themselves are not asserted (they depend on the machine); the run, the JSON's shape,
the pass/fail logic and the agreement of Min Plan's full-time persons with DuckDB's are.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from app.bench.figures import Figure, percentile
from app.cli import main

EVERY_FIGURE = {
    "generate",
    "cold_start",
    "close",
    "cold_start_checked",
    "cold_start_memory",
    "list_first_screen",
    "list_my_caseload",
    "search_p50",
    "search_p95",
    "worklist_open",
    "gui_peak_memory",
    "deadlines_all",
    "deadlines_all_made",
    "deadlines_caseload",
    "goalplan_year",
    "fte_ratio",
    "plan_pdf_one",
    "plan_pdf_batch",
    "import_bundle",
    "import_peak_memory",
}


def _duckdb_installed() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
def test_bench_runs_every_measurement_on_a_tiny_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []  # what was written goes to the disk before anything is measured
    monkeypatch.setattr(os, "sync", lambda: synced.append(True), raising=False)
    out = tmp_path / "figures.json"
    args = ["bench", "--citizens", "300", "--batch", "3", "--repeat", "1"]
    code = main([*args, "--cache", str(tmp_path / "cache"), "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))

    assert data["schema"] == 1
    assert synced == [True]  # one size, one backend: settled once
    assert {"cpu", "cores", "ram_gib", "python", "sqlite", "sqlcipher"} <= set(data["machine"])
    assert data["machine"]["sqlcipher"]  # the SQLCipher the app uses, not the standard library's
    assert data["options"]["sizes"] == [300]
    (run,) = data["runs"]
    assert (run["backend"], run["citizens"], run["from_cache"]) == ("sqlite", 300, False)
    ids = {f["id"] for f in run["figures"]}
    assert EVERY_FIGURE <= ids
    plans = {f["params"]["plan"] for f in run["figures"] if f["id"] == "goalplan_year"}
    assert plans == {"albertslund-2020", "gentofte-2021", "glostrup-2023", "herlev-2024"}
    for figure in run["figures"]:
        assert set(figure) >= {"id", "label", "value", "unit", "target", "pass", "detail"}
        if figure["id"] != "fte_ratio" or _duckdb_installed():
            assert figure["value"] is not None and figure["value"] > 0, figure
        if figure["target"] is not None:
            assert figure["pass"] in (True, False)
    by_id = {f["id"]: f for f in run["figures"]}
    # Each figure with a floor has it measured in the same run, and its ratio printed.
    for figure_id in ("cold_start", "search_p95", "deadlines_all", "plan_pdf_one", "import_bundle"):
        figure = by_id[figure_id]
        assert figure["floor"] > 0 and figure["floor_is"], figure
        assert figure["ratio"] == pytest.approx(figure["value"] / figure["floor"], rel=1e-2)
        assert figure["ratio_target"] is None  # ratio targets are stated from 100 000 citizens
    assert by_id["import_bundle"]["detail"]["floor_rows"] > 300
    assert "Floor" in printed or "Bund" in printed
    assert "SQLCipher" in printed
    assert by_id["import_bundle"]["params"]["count"] == 300
    assert by_id["import_bundle"]["target"] is None  # the import target is for 100 000 citizens
    assert by_id["import_peak_memory"]["detail"]["growth_mb"] is not None
    assert by_id["plan_pdf_batch"]["detail"]["written"] == 3
    assert by_id["search_p95"]["detail"]["keystrokes"] > 20
    assert by_id["search_p95"]["detail"]["audit_ms_p50_p95"] is not None  # each search is logged
    assert by_id["cold_start_checked"]["target"] is None  # reported beside the target, not one
    assert by_id["list_first_screen"]["detail"]["rows"] == 300

    duck = run["duckdb"]
    if _duckdb_installed():
        assert duck["status"] == "ok" and duck["agree"] is True
        assert len(duck["groups"]) == 14 and duck["max_difference"] <= 1e-9
        assert sum(g["minplan"] for g in duck["groups"].values()) > 10  # a real year of spells
    else:
        assert duck["status"] == "missing"
        assert "pip install" in printed
    assert "Koldstart" in printed or "Cold start" in printed
    assert data["summary"]["targets"] == sum(1 for f in run["figures"] if f["pass"] is not None)

    from app.bench.cache import DemoSpec, cached_sqlite

    cached, generated = cached_sqlite(DemoSpec(300, 1, date(2026, 11, 23)), tmp_path / "cache")
    assert generated is None and cached.exists()  # a second run starts from the cache


def test_percentiles_and_targets() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50 and percentile(samples, 95) == 95
    assert percentile([3.0], 95) == 3.0
    assert Figure("search_p95", 49.9, "ms", 100_000).passed is True
    assert Figure("search_p95", 50.0, "ms", 100_000).passed is False
    assert Figure("fte_ratio", 2.0, "x", 5_000).passed is True
    assert Figure("import_bundle", 130, "s", 100_000).passed is False
    assert Figure("import_bundle", 130, "s", 5_000).passed is None  # stated for 100 000 only
    assert Figure("search_p50", 10, "ms", 100_000).passed is None  # no target
    assert Figure("fte_ratio", 1.0, "x", 300, failed=True).passed is False
    # A ratio target applies from 100 000 citizens, beside the absolute target.
    assert Figure("deadlines_all", 1.0, "s", 100_000, floor=0.6).passed is True
    assert Figure("deadlines_all", 1.5, "s", 100_000, floor=0.6).passed is False  # 2.5×
    assert Figure("deadlines_all", 1.5, "s", 5_000, floor=0.6).passed is True  # absolute only
    assert Figure("deadlines_all", 1.5, "s", 5_000, floor=0.6).ratio == pytest.approx(2.5)
    assert Figure("cold_start", 0.5, "s", 300_000, floor=0.2).passed is True  # 2.5× ≤ 3×


def test_the_cache_key_names_everything_that_changes_the_file(monkeypatch) -> None:
    from app.bench.cache import DemoSpec

    spec = DemoSpec(5000, 1, date(2026, 11, 23))
    assert "_enc_" in DemoSpec(5000, 1, date(2026, 11, 23), encrypted=True).key()
    assert "_plain_" in DemoSpec(5000, 1, date(2026, 11, 23), encrypted=False).key()
    monkeypatch.setenv("MINPLAN_ENCRYPTION", "off")
    assert "_plain_" in spec.key()
    monkeypatch.setenv("MINPLAN_ENCRYPTION", "on")
    assert "_enc_" in spec.key()
    key = spec.key()
    assert key.startswith("5000c_s1_20261123_") and "_d" in key and "_r" in key and "_g" in key
    assert DemoSpec(5000, 2, date(2026, 11, 23)).key() != key
    assert "_enc_" not in spec.server_key() and "_plain_" not in spec.server_key()


@pytest.mark.sqlite_only  # DuckDB reads the SQLite file itself
@pytest.mark.parametrize("mode", ["sqlite_scanner", "python_copy"])
def test_duckdb_reads_the_same_file_and_agrees_on_hand_made_spells(
    db, tmp_path, monkeypatch, mode
) -> None:
    pytest.importorskip("duckdb")
    import app.bench.duck as duck
    from app.bench.duck import compare_fte

    if mode == "python_copy":  # as where the extension cannot be loaded
        monkeypatch.setattr(duck, "_extension_sources", lambda _duckdb: [])
    from app.domain.periods import parse_period
    from app.store.engine import transaction
    from app.store.models import BenefitSpell, Citizen

    with transaction(db) as s:
        for n, (group, start, end) in enumerate(
            [
                ("dagpenge", date(2024, 1, 1), date(2024, 6, 30)),  # 182 of 366 days (leap year)
                ("dagpenge", date(2023, 7, 1), None),  # the whole year
                ("sygedagpenge", date(2024, 12, 31), date(2025, 3, 1)),  # one day
                ("fleksjob", date(2022, 1, 1), date(2023, 12, 31)),  # before the year
            ]
        ):
            citizen = Citizen(
                cpr=f"01019{n}1234",
                first_name="Test",
                last_name=f"Borger {n}",
                birth_date=date(1990 + n, 1, 1),
                search_text="",
                sort_key=f"borger {n}",
            )
            s.add(citizen)
            s.flush()
            s.add(
                BenefitSpell(
                    citizen_id=citizen.id, target_group=group, start_date=start, end_date=end
                )
            )
    result = compare_fte(db, parse_period("2024"), tmp_path, runs=1)
    assert result.status == "ok" and result.agree
    assert result.duckdb["dagpenge"] == pytest.approx((182 + 366) / 366, abs=1e-12)
    assert result.duckdb["sygedagpenge"] == pytest.approx(1 / 366, abs=1e-12)
    assert result.duckdb["fleksjob"] == 0 and result.minplan["fleksjob"] == 0
    assert result.mode == mode


def test_an_encrypted_database_is_compared_through_an_unencrypted_copy(tmp_path) -> None:
    """DuckDB cannot read SQLCipher: the bench exports an unencrypted copy for it (synthetic data)."""
    sqlcipher3 = pytest.importorskip("sqlcipher3")
    pytest.importorskip("duckdb")
    from sqlalchemy import create_engine

    from app.bench.duck import compare_fte
    from app.domain.periods import parse_period
    from app.store.engine import SQLITE_HEADER, Database

    path = tmp_path / "encrypted.db"
    raw = sqlcipher3.connect(str(path))
    raw.execute("PRAGMA key = 'bench-secret'")
    raw.execute(
        "CREATE TABLE benefit_spell (id INTEGER PRIMARY KEY, citizen_id INTEGER, "
        "target_group VARCHAR, start_date DATE, end_date DATE)"
    )
    raw.execute("CREATE TABLE citizen (id INTEGER PRIMARY KEY, deleted_at DATETIME)")
    raw.execute("INSERT INTO citizen VALUES (1, NULL), (2, NULL), (3, '2024-02-01 10:00:00')")
    raw.execute("INSERT INTO benefit_spell VALUES (1, 1, 'dagpenge', '2023-05-01', NULL)")
    raw.execute("INSERT INTO benefit_spell VALUES (3, 3, 'dagpenge', '2023-05-01', NULL)")
    raw.execute("INSERT INTO benefit_spell VALUES (2, 2, 'dagpenge', '2024-07-01', '2024-12-31')")
    raw.commit()
    raw.close()
    assert path.read_bytes()[:16] != SQLITE_HEADER
    engine = create_engine(f"sqlite+pysqlcipher://:bench-secret@/{path}")
    db = Database(engine=engine, description=str(path), path=path)
    result = compare_fte(db, parse_period("2024"), tmp_path, runs=1)
    engine.dispose()
    assert result.status == "ok" and result.agree
    assert result.duckdb["dagpenge"] == pytest.approx(1 + 184 / 366, abs=1e-12)
    copy = tmp_path / "plaintext-copy-for-duckdb.db"
    assert copy.read_bytes()[:16] == SQLITE_HEADER


@pytest.mark.postgres
def test_postgres_demo_databases_are_cached_copied_and_removed(pg_db, tmp_path) -> None:
    """On a server the bench keeps its generated database and measures on a template copy; it
    prints plans there too, giving its reason for opening citizens (the server asks the owner's
    login for one, as it asks any user outside their caseload)."""
    from sqlalchemy import func, select

    from app.bench import core
    from app.bench.cache import DemoSpec, Server, cached_postgres, open_work_copy_pg
    from app.store.models import AccessGrant, Citizen

    server = Server(pg_db.engine.url.render_as_string(hide_password=False))
    spec = DemoSpec(40, 3, date(2026, 11, 23))
    server.drop(f"minplan_bench_{spec.server_key()}"[:63])
    work = "minplan_bench_work_test"
    try:
        name, seconds = cached_postgres(server, spec)
        assert seconds is not None and server.exists(name)
        assert cached_postgres(server, spec) == (name, None)  # from the cache the second time
        copy = open_work_copy_pg(server, name, work)
        with copy.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Citizen)).scalar_one() == 40
            # vacuumed as the server's autovacuum would leave it, not only analysed: every page
            # of the citizens is all-visible in the copy too
            pages, visible = conn.exec_driver_sql(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'citizen'"
            ).one()
            assert pages > 0 and visible == pages
        figures = {f.id: f for f in core.plan_pdfs(copy, tmp_path, 40, 3, 1, spec.as_of)}
        assert figures["plan_pdf_one"].value is not None
        assert figures["plan_pdf_batch"].detail == {"written": 3, "failed": 0}
        with copy.engine.connect() as conn:
            reasons = conn.execute(select(AccessGrant.reason).distinct()).scalars().all()
        # a grant, where the server asked for one (not where the owner sees every citizen)
        assert set(reasons) <= {core.BENCH_REASON}
        from app.bench.floors import bare_copy
        from app.bench.runner import _fresh

        # the import's floor: the rows copied bare, the server's own triggers left out
        with _fresh(copy, tmp_path, server, "floor") as floor:
            _seconds, rows, _cpu = bare_copy(copy, floor)
        assert rows > 40
        copy.dispose()
        server.drop(work)
        assert not server.exists(work) and server.exists(name)
    finally:
        server.drop(work)
        server.drop(f"minplan_bench_{spec.server_key()}"[:63])
        server.dispose()


@pytest.mark.postgres
def test_on_a_team_server_the_desks_figures_act_as_a_caseworkers_login(pg_db) -> None:
    """Row-level security applies to the desks' logins, not to the owner the bench connects as:
    the desk's figures act as the busiest caseworker (their own citizens and nobody's only)."""
    from app.bench import core, team_login
    from app.casework.core.actor import system_actor
    from app.demo.data import populate
    from app.store.engine import open_url

    populate(pg_db, system_actor(), citizens=30, seed=5, as_of=date(2026, 11, 23))
    worker, initials, caseload = core.busiest_caseworker(pg_db)
    url = pg_db.engine.url.render_as_string(hide_password=False)
    acting = team_login.acting_as_caseworker(pg_db, url, initials)
    assert acting is not None
    desk = open_url(acting)
    try:
        with desk.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT current_user").scalar_one() == team_login.ROLE
            assert conn.exec_driver_sql("SHOW jit").scalar_one() == "off"  # Min Plan's options
            seen = conn.exec_driver_sql(
                "SELECT count(*) FILTER (WHERE caseworker_id = %s), "
                "count(*) FILTER (WHERE caseworker_id IS DISTINCT FROM %s "
                "AND caseworker_id IS NOT NULL) FROM citizen",
                (worker, worker),
            ).one()
        assert tuple(seen) == (caseload, 0)
        figures = {
            f.id: f for f in core.deadlines(pg_db, date(2026, 11, 23), 30, 1, caseload_db=desk)
        }
        assert figures["deadlines_caseload"].detail["as_their_login"] is True
    finally:
        desk.dispose()


def test_only_picks_the_parts_to_measure() -> None:
    import argparse

    from app.bench.runner import Options
    from app.cli.bench import _parts

    assert _parts("import, pdf") == ("import", "pdf")
    with pytest.raises(argparse.ArgumentTypeError):
        _parts("import,imports")
    only = Options(only=_parts("import"))
    assert only.wants("import") and not only.wants("gui") and not only.wants("start")
    assert not Options(only=("import",), do_import=False).wants("import")
    assert all(Options().wants(part) for part in ("start", "gui", "pdf", "import"))


def test_a_gui_timing_is_the_median_of_its_runs_in_ms_with_runs_and_rows_kept() -> None:
    from app.bench.gui import _median_ms

    data = {"worklist_s": [0.3, 0.1, 0.2], "worklist_rows": 42}
    figure = _median_ms("worklist_open", data, "worklist", 500)
    assert (figure.id, figure.unit, figure.citizens) == ("worklist_open", "ms", 500)
    assert figure.value == pytest.approx(200.0)
    assert figure.detail == {"runs_ms": pytest.approx([300.0, 100.0, 200.0]), "rows": 42}


def test_the_pdf_floor_is_as_long_as_the_plan() -> None:
    """The floor of a plan of N pages is a document of N pages (nine paragraphs a page made two
    of one), in the plan's regular font file, embedded (issue #19)."""
    from app.bench.floors import minimal_pdf, pdf_pages

    for pages in (1, 2, 3):
        content = minimal_pdf(pages)
        assert pdf_pages(content) == pages
        fonts = re.findall(rb"/BaseFont /[A-Z]+\+BenchFloor-(DejaVuSans[-\w]*)", content)
        assert fonts == [b"DejaVuSans"]
        assert content.count(b"/FontFile2") == 1


def test_the_pdf_floor_keeps_a_stock_font_after_a_plan_was_printed() -> None:
    """reportlab makes a second registration of a face an alias of the first: the floor's font
    must stay reportlab's stock one, not Min Plan's (which keeps the subsets it cut), also when a
    plan's fonts were registered first, as in the bench (issue #19)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

    from app.bench.floors import FLOOR_FONT, minimal_pdf
    from app.reports.plan_pdf import FONT, _register_fonts

    _register_fonts()
    minimal_pdf(1)
    font = pdfmetrics.getFont(FLOOR_FONT)
    assert font is not pdfmetrics.getFont(FONT)
    assert type(font) is TTFont and type(font.face) is TTFontFace
