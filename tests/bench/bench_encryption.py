"""Benchmark (not a test): encrypted vs plaintext reads, and the page cache. Prints figures.

    MINPLAN_ENCRYPTION=off .venv/bin/minplan demo --citizens 100000 --seed 1 \\
        --as-of 2026-11-23 --db /tmp/minplan-bench/plain-100k.db
    .venv/bin/python tests/bench/bench_encryption.py /tmp/minplan-bench/plain-100k.db

The script makes encrypted copies of the plaintext demo database beside it (with the code of
``minplan db encrypt``; one with SQLCipher's default 4096-byte pages, one with 16384-byte pages),
keeps their keys in a plaintext key store beside them (synthetic data; allowed with
``MINPLAN_ALLOW_PLAINTEXT_KEYRING=1``, which the script sets for itself), and times on each file, for several ``cache_size``
settings: opening (raw key, so no key derivation; a passphrase for comparison), the citizen list's
first screen on a fresh connection and again, a search, and a full scan of the conversation table
on a fresh connection and again (medians; each setting once per round, rounds interleaved so
that another program's load spreads over all settings). The operating system's file cache is
warm throughout, so the
figures show what SQLCipher adds: decrypting and checking a page each time SQLite reads it into
its own page cache. Figures for the README: "Encryption at rest".
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import keyring
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import event, text
from sqlmodel import create_engine

from app.casework.citizens.citizen_list import fetch_citizen_rows, find_citizen_ids
from app.store import cipher, engine
from app.store.cipher import DatabaseKey
from app.store.conversion import encrypt
from app.store.engine import Database, Encryption
from app.store.keystore import open_store

TODAY = date(2026, 11, 23)
CACHES_KIB = (2000, 65536, 131072, 262144)  # SQLite's default (about 2 MiB), 64, 128, 256 MiB
ROUNDS = int(
    os.environ.get("BENCH_ROUNDS", "3")
)  # every setting is measured once per round, rounds interleaved: load bursts even out


def median_ms(runs: int, action: Callable[[], object]) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def encrypted_copy(plain: Path, name: str, page_size: int) -> tuple[Path, DatabaseKey]:
    target = plain.with_name(name)
    store = open_store()
    if page_size == 4096:
        shutil.copyfile(plain, target)
        result = encrypt(target, store)
        raw = store.get(result.database_id)
        assert raw is not None
        return target, DatabaseKey(raw, cipher.read_salt(target))
    key = DatabaseKey.generate()
    target.unlink(missing_ok=True)
    source = cipher.connect(plain, None)
    source.execute(
        "ATTACH DATABASE ? AS big KEY ?", (str(target), f"x'{key.key.hex()}{key.salt.hex()}'")
    )
    source.execute(f"PRAGMA big.cipher_page_size = {page_size}")
    source.execute("SELECT sqlcipher_export('big')")
    source.execute("DETACH DATABASE big")
    source.close()
    return target, key


def database(path: Path, key: DatabaseKey | None, page_size: int, cache_kib: int) -> Database:
    """An engine like the app's, with a chosen page cache (and page size for the 16 KiB file)."""

    def first(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cipher.apply_key(dbapi_connection, key)
        if key is not None and page_size != 4096:
            dbapi_connection.execute(f"PRAGMA cipher_page_size = {page_size}")

    def cache(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA cache_size = -{cache_kib}")

    made = create_engine(
        f"sqlite:///{path}", module=engine.dbapi2, connect_args={"check_same_thread": False}
    )
    event.listen(made, "connect", first, insert=True)
    event.listen(made, "connect", engine._configure_sqlite)
    event.listen(made, "connect", cache)  # after the app's own settings: this one is measured
    return Database(made, str(path), path, Encryption(key is not None))


def measure(
    path: Path, key: DatabaseKey | None, page_size: int, cache_kib: int
) -> dict[str, float]:
    figures: dict[str, float] = {}

    def fresh() -> Database:
        return database(path, key, page_size, cache_kib)

    def first_screen_fresh() -> None:
        db = fresh()
        try:
            ids = find_citizen_ids(db, today=TODAY)
            fetch_citizen_rows(db, ids[:40], today=TODAY)
        finally:
            db.dispose()

    figures["first screen, new connection"] = median_ms(5, first_screen_fresh)
    db = fresh()
    ids = find_citizen_ids(db, today=TODAY)
    figures["first screen again"] = median_ms(
        10,
        lambda: fetch_citizen_rows(db, find_citizen_ids(db, today=TODAY)[:40], today=TODAY),
    )
    figures["page of 200 rows"] = median_ms(
        10, lambda: fetch_citizen_rows(db, ids[5000:5200], today=TODAY)
    )
    figures["search 'hansen'"] = median_ms(10, lambda: find_citizen_ids(db, "hansen", today=TODAY))
    db.dispose()
    scan = "SELECT count(*), sum(length(coalesce(note, ''))) FROM conversation"

    def scan_fresh() -> None:
        fresh_db = fresh()
        try:
            with fresh_db.engine.connect() as conn:
                conn.execute(text(scan)).one()
        finally:
            fresh_db.dispose()

    figures["conversation scan, new connection"] = median_ms(5, scan_fresh)
    db = fresh()
    with db.engine.connect() as conn:
        conn.execute(text(scan)).one()
        figures["conversation scan again"] = median_ms(5, lambda: conn.execute(text(scan)).one())
    db.dispose()
    return figures


def open_ms(path: Path, key: DatabaseKey | None, *, passphrase: bool = False) -> float:
    def action() -> None:
        connection = cipher.connect(path, None)
        connection.execute("PRAGMA cipher_log_level = NONE")
        if passphrase:
            connection.execute("PRAGMA key = 'a passphrase someone typed'")
        elif key is not None:
            connection.execute(key.pragma())
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except engine.dbapi2.DatabaseError:
            pass  # the passphrase is not this file's key; its derivation cost is what is timed
        connection.close()

    return median_ms(9, action)


def main(plain: Path) -> None:
    os.environ["MINPLAN_ALLOW_PLAINTEXT_KEYRING"] = "1"  # the bench's own keys, synthetic data
    store = PlaintextKeyring()
    store.file_path = str(plain.with_name("bench-keyring.cfg"))  # type: ignore[misc]
    keyring.set_keyring(store)
    files = [("plaintext", plain, None, 4096)]
    for name, size in (("enc-4k.db", 4096), ("enc-16k.db", 16384)):
        started = time.perf_counter()
        path, key = encrypted_copy(plain, name, size)
        print(f"made {name} in {time.perf_counter() - started:.1f} s")
        files.append((f"SQLCipher, {size // 1024} KiB pages", path, key, size))
    for label, path, _key, _size in files:
        print(f"{label:<28} {path.stat().st_size / 2**20:8.1f} MiB")
    print()
    print(
        f"open + first query, raw key: {open_ms(files[1][1], files[1][2]):.2f} ms; "
        f"plaintext: {open_ms(plain, None):.2f} ms; "
        f"passphrase (PBKDF2-HMAC-SHA512, 256 000 rounds): {open_ms(files[1][1], None, passphrase=True):.1f} ms"
    )
    print()
    rounds: dict[tuple[str, int], list[dict[str, float]]] = {}
    for _round in range(ROUNDS):
        for cache in CACHES_KIB:
            for label, path, key, size in files:
                rounds.setdefault((label, cache), []).append(measure(path, key, size, cache))
    results = {
        setting: {row: statistics.median(r[row] for r in runs) for row in runs[0]}
        for setting, runs in rounds.items()
    }
    rows = list(next(iter(results.values())))
    for cache in CACHES_KIB:
        print(f"cache_size = -{cache} KiB ({cache / 1024:.0f} MiB)")
        print(f"{'':<36}" + "".join(f"{label[:19]:>20}" for label, *_ in files))
        for row in rows:
            print(
                f"{row:<36}"
                + "".join(f"{results[(label, cache)][row]:17.1f} ms" for label, *_ in files)
            )
        print()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/minplan-bench/plain-100k.db"))
