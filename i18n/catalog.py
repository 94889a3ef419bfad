"""Maintain the gettext catalogs: extract, update, check and fill translations.

    python i18n/catalog.py update             # extract app/ into minplan.pot, merge into app/locale/{da,en}
    python i18n/catalog.py check              # fail on missing/fuzzy Danish or broken placeholders
    python i18n/catalog.py missing            # list Danish msgids without a translation
    python i18n/catalog.py translate FILE.json  # fill Danish msgstrs from {"msgid": "msgstr", ...}
                                                # (a plural: {"singular": ["one form", "other form"]})

English msgids are the source language, so the English catalog is filled with msgstr = msgid.
Updates take a file lock so that several developers' scripts do not overwrite each other.
"""

from __future__ import annotations

import fcntl
import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
#: The catalogs ship inside the package (read with importlib.resources by ``app.i18n``); the
#: template, this tool and the per-branch translation files stay here, for developers only.
LOCALE = ROOT / "app" / "locale"
POT = I18N / "minplan.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "tr": None}
#: Typed errors carry an English msgid as their first argument: extract those too.
KEYWORDS.update(
    dict.fromkeys(
        ["MinPlanError", "ValidationError", "ConflictError", "NotFoundError", "DatabaseError",
         "LockedDatabaseError", "SchemaTooNewError", "KeyringUnavailable", "PermissionDeniedError", "DuplicateError",
         "DamagedDatabaseError", "FileWriteError", "AuditKeyError", "EncryptionKeyMissing",
         "UnencryptedDatabaseError", "BackupStopped"],
        None,
    )
)
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "minplan.po"


@contextmanager
def locked():
    lock = (I18N / ".lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def extract() -> Catalog:
    catalog = Catalog(project="Min Plan", domain="minplan", charset="utf-8")
    method_map = [("app/**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        if not filename.startswith("app/"):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _read(path: Path, lang: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=lang, domain="minplan", project="Min Plan", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True)
    tmp.replace(path)


def update() -> int:
    template = extract()
    with locked():
        _write(POT, template)
        for lang in ("da", "en"):
            catalog = _read(po_path(lang), lang)
            catalog.update(template, no_fuzzy_matching=True)
            if lang == "en":
                for message in catalog:
                    if message.id and not any(message.string if message.pluralizable else [message.string]):
                        message.string = message.id
            _write(po_path(lang), catalog)
    print(f"{len(template)} messages extracted")
    return 0


def _problems(lang: str) -> list[str]:
    catalog = _read(po_path(lang), lang)
    template = _read(POT, lang)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        if translated is None or not translated.string or (
            isinstance(translated.string, tuple) and not all(translated.string)
        ):
            problems.append(f"{lang}: missing translation for {message.id!r}")
            continue
        if translated.fuzzy:
            problems.append(f"{lang}: fuzzy translation for {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        want = sorted(PLACEHOLDER.findall(ids[0]))
        for s in strs:
            if sorted(PLACEHOLDER.findall(s)) != want:
                problems.append(f"{lang}: placeholders differ in {message.id!r}: {s!r}")
    return problems


def check() -> int:
    problems = _problems("da") + _problems("en")
    for p in problems:
        print(p)
    return 1 if problems else 0


def missing() -> int:
    for p in _problems("da"):
        print(p)
    return 0


def translate(source: Path) -> int:
    pairs = json.loads(source.read_text(encoding="utf-8"))
    with locked():
        catalog = _read(po_path("da"), "da")
        unknown = []
        for msgid, msgstr in pairs.items():
            message = catalog.get(msgid)
            if message is None:
                unknown.append(msgid)
                continue
            message.string = tuple(msgstr) if isinstance(msgstr, list) else msgstr  # plurals: a list
            message.flags.discard("fuzzy")
        _write(po_path("da"), catalog)
    for msgid in unknown:
        print(f"not in the catalog (run update first?): {msgid!r}")
    print(f"{len(pairs) - len(unknown)} translations applied")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, *rest = argv
    if command == "update":
        return update()
    if command == "check":
        return check()
    if command == "missing":
        return missing()
    if command == "translate" and rest:
        return translate(Path(rest[0]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
