"""One vocabulary: the catalogs follow i18n/glossary.toml, and the English UI speaks English."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = tomllib.loads((ROOT / "i18n" / "glossary.toml").read_text(encoding="utf-8"))

#: Common Danish words that are no English word (a Danish string left in the English UI shows up
#: as one of these, or as a word with æ, ø or å).
DANISH_WORDS = {
    "og",
    "ikke",
    "borger",
    "borgere",
    "borgerens",
    "samtale",
    "samtaler",
    "frist",
    "frister",
    "ydelse",
    "ydelser",
    "sagsstamme",
    "tilbud",
    "afholdt",
    "aflyst",
    "booket",
    "udeblevet",
    "planlagt",
    "overskredet",
    "uge",
    "uger",
    "dage",
    "slet",
    "udskriv",
    "indstillinger",
    "virksomhed",
    "virksomheder",
    "eller",
    "ingen",
    "af",
    "til",
    "med",
    "fra",
    "efter",
    "skal",
    "den",
    "det",
    "der",
    "som",
    "har",
    "kan",
    "ved",
    "hvis",
    "være",
    "gang",
    "opgivet",
    "nået",
}
WORD = re.compile(r"[A-Za-zÆØÅæøå][\wÆØÅæøå]*(?:-[\wÆØÅæøå]+)*")


def catalog(language: str) -> dict[str, str]:
    with (ROOT / "app" / "locale" / language / "LC_MESSAGES" / "minplan.po").open("rb") as f:
        po = read_po(f)
    out = {}
    for message in po:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for n, msgid in enumerate(ids):
            out[msgid] = strings[min(n, len(strings) - 1)] or ""
    return out


def plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


DA, EN = catalog("da"), catalog("en")


@pytest.mark.parametrize("term", GLOSSARY["term"], ids=lambda t: t["concept"][:40])
def test_the_danish_catalog_uses_the_glossary_terms(term: dict) -> None:
    for msgid in term.get("msgids", []):
        assert msgid in DA, f"{msgid!r} is not in the catalog (the glossary names it)"
        translated = plain(DA[msgid])
        assert translated.casefold().startswith(term["da"].casefold()) or (
            term["da"].casefold() in translated.casefold()
        ), f"{msgid!r} is {translated!r}; the glossary says {term['da']!r}"
    for word in term.get("da_not", []):
        found = [
            (m, s)
            for m, s in DA.items()
            if re.search(rf"(?<![\wæøå]){re.escape(word)}(?![\wæøå])", plain(s), re.IGNORECASE)
        ]
        assert not found, f"{word!r} is not our word for {term['concept']}: {found[:3]}"
    for word in term.get("en_not", []):
        found = [m for m in DA if re.search(rf"\b{re.escape(word)}\b", m, re.IGNORECASE)]
        assert not found, f"{word!r} is not our English word for {term['concept']}: {found[:3]}"


def test_the_english_interface_keeps_only_the_legal_terms_in_danish() -> None:
    keep = [k.casefold() for k in GLOSSARY["legal"]["keep"]]
    danish = []
    for msgid, msgstr in EN.items():
        text = plain(msgstr or msgid)
        text = re.sub(r"\{[^}]*\}", " ", text)  # placeholders
        lowered = text.casefold()
        kept = [range(m.start(), m.end()) for k in keep for m in re.finditer(re.escape(k), lowered)]
        for match in WORD.finditer(text):
            word = match.group(0).casefold()
            if not (re.search("[æøå]", word) or word in DANISH_WORDS):
                continue
            if any(match.start() in span for span in kept):
                continue
            danish.append((word, msgid))
    assert not danish, "Danish words in the English UI (or keep them in the glossary): " + repr(
        sorted(set(danish))[:20]
    )


def test_one_time_format() -> None:
    from datetime import datetime

    from app import i18n

    moment = datetime(2026, 3, 3, 9, 5)
    try:
        i18n.set_language("da")
        assert i18n.format_time(moment) == "kl. 09.05"
        assert i18n.format_datetime(moment) == "03.03.2026 kl. 09.05"
        i18n.set_language("en")
        assert i18n.format_time(moment) == "09:05"
        assert i18n.format_datetime(moment) == "03/03/2026 09:05"
    finally:
        i18n.set_language("da")
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "app" / "ui").rglob("*.py"))
    assert "%H:%M" not in sources and "%H.%M" not in sources, "times go through app.i18n"
