"""Translations (gettext catalogs in ``i18n/``) and Danish/English formatting (Babel).

Message ids are English; the Danish catalog translates them and Danish is the default language.
Catalogs are compiled from the ``.po`` files in memory on first use, so a source checkout needs no
build step. Every layer may import this module; it has no Qt and no database code.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import logging
import os
import struct
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from app import paths
from app.domain.dates import utc_to_local
from app.domain.errors import MinPlanError, Term

log = logging.getLogger(__name__)

DOMAIN = "minplan"
SUPPORTED = ("da", "en")
DEFAULT_LANGUAGE = "da"
#: Babel locales: Danish, and English with Danish conventions (24-hour clock, Monday first).
_LOCALES = {"da": "da_DK", "en": "en_DK"}

_current = DEFAULT_LANGUAGE


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    """The language's catalog. The ``.po`` file is the one shipped; parsing it took a tenth of
    a second of every start, so its compiled form is kept in the cache folder under the hash of
    the ``.po`` (a changed catalog is compiled again; a cache that cannot be written or read
    only costs the compiling)."""
    po_path = paths.i18n_dir() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        log.warning("no catalog for %s at %s", language, po_path)
        return gettext.NullTranslations()
    po = po_path.read_bytes()
    folder = paths.user_cache_dir() / "catalogs"
    compiled = folder / f"{DOMAIN}-{language}-{hashlib.sha256(po).hexdigest()[:16]}.mo"
    try:
        with compiled.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, struct.error) as problem:  # damaged: compile it again
        log.info("compiled catalog %s not used (%s)", compiled.name, problem)
    mo = _compile(po, language)
    _keep(folder, compiled, mo)
    return gettext.GNUTranslations(io.BytesIO(mo))


def _compile(po: bytes, language: str) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po), locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _keep(folder: Path, compiled: Path, mo: bytes) -> None:
    """Write the compiled catalog whole (or not at all) and drop older ones of the language."""
    partial = compiled.with_name(f"{compiled.name}.{os.getpid()}.partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(mo)
        os.replace(partial, compiled)
        prefix = compiled.name.rsplit("-", 1)[0] + "-"
        for old in folder.glob(f"{prefix}*.mo"):
            if old != compiled:
                old.unlink(missing_ok=True)
    except OSError as problem:
        log.info("compiled catalog not kept in %s (%s)", folder, problem)
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass


def normalise_language(language: str | None) -> str:
    lang = (language or "").strip().lower()[:2]
    return lang if lang in SUPPORTED else DEFAULT_LANGUAGE


def set_language(language: str | None) -> str:
    """Switch the process-wide language; returns the language actually chosen."""
    global _current
    _current = normalise_language(language)
    return _current


def initial_language(cli_choice: str | None = None) -> str:
    """The language to start in: ``--lang``, then ``MINPLAN_LANG``, then Danish."""
    return normalise_language(cli_choice or os.environ.get("MINPLAN_LANG"))


def current_language() -> str:
    return _current


def locale() -> Locale:
    return _locale_of(_current)


@cache
def _locale_of(language: str) -> Locale:
    """One ``Locale`` per language: each parse made a new one (a start's first screen formats
    a few hundred dates); its data is read once, when first used."""
    return Locale.parse(_LOCALES[language])


def load_date_formats(language: str) -> None:
    """Read the language's date formats now (10 ms the first date formatted would take; a start
    does it while it waits for its first screen)."""
    babel_dates.format_date(date(2026, 1, 1), format="medium", locale=_locale_of(language))


def _(message: str) -> str:
    """Translate a message id into the current language."""
    if not message:
        return message
    return _catalog(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(_current).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark for extraction only; translate later with ``_()``."""
    return message


def translate_error(error: MinPlanError) -> str:
    """The user-facing text of a typed error, in the current language."""
    template = _(error.message)
    params = {k: _(v) if isinstance(v, Term) else _shown(v) for k, v in error.params.items()}
    try:
        return template.format(**params) if params else template
    except (KeyError, IndexError, ValueError):
        return error.message.format(**error.params) if error.params else error.message


#: A value quoted in a message is cut after this many characters (a pasted page is not echoed;
#: Min Plan's own lists in messages, such as a bundle file's columns, stay whole).
QUOTED_CHARS = 1000


def _shown(value: object) -> object:
    if isinstance(value, str) and len(value) > QUOTED_CHARS:
        return value[:60] + "…"
    return value


def label(vocabulary: dict[str, str] | object, code: str | None) -> str:
    """Translated label of a code from one of ``app.domain.codes``' vocabularies."""
    if code is None:
        return ""
    text = vocabulary.get(code) if hasattr(vocabulary, "get") else None
    return _(text) if text else code


def format_date(value: date | None, fmt: str = "medium") -> str:
    """``3. mar. 2026`` (da) / ``3 Mar 2026`` (en); empty for None."""
    if value is None:
        return ""
    return babel_dates.format_date(value, format=fmt, locale=locale())


def format_short_date(value: date | None) -> str:
    """``03.03.2026`` (da) / ``03/03/2026`` (en): compact, for tables."""
    if value is None:
        return ""
    return (
        babel_dates.format_date(value, format="short", locale=locale())
        if _current == "en"
        else value.strftime("%d.%m.%Y")
    )


def format_datetime_local(value: datetime | None) -> str:
    """A stored UTC instant as Copenhagen wall-clock time, e.g. ``3. mar. 2026 10.30``."""
    if value is None:
        return ""
    local = utc_to_local(value)
    return f"{format_date(local.date())} {format_time(local)}"


def clock(
    value: datetime | time | None, language: str | None = None, *, seconds: bool = False
) -> str:
    """The digits of a wall-clock time: ``12.00`` (da) / ``12:00`` (en), for after "kl."/"at"."""
    if value is None:
        return ""
    sep = "." if normalise_language(language or _current) == "da" else ":"
    text = f"{value.hour:02d}{sep}{value.minute:02d}"
    return text + f"{sep}{value.second:02d}" if seconds else text


def format_time(value: datetime | time | None, *, seconds: bool = False) -> str:
    """A wall-clock time, written one way everywhere: ``kl. 12.00`` (da) / ``12:00`` (en)."""
    if value is None:
        return ""
    text = clock(value, seconds=seconds)
    return f"kl. {text}" if _current == "da" else text


def format_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """A local wall-clock date and time for tables: ``03.03.2026 kl. 12.00`` / ``03/03/2026 12:00``."""
    if value is None:
        return ""
    return f"{format_short_date(value.date())} {format_time(value, seconds=seconds)}"


def format_number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return ""
    if digits:
        return babel_numbers.format_decimal(value, format=f"#,##0.{'0' * digits}", locale=locale())
    return babel_numbers.format_decimal(value, locale=locale())


def gettext_for(language: str) -> Callable[[str], str]:
    """A translation function for one language, without changing the process-wide language
    (a citizen's plan is printed in the citizen's language whatever the caseworker uses)."""
    catalog = _catalog(normalise_language(language))
    return catalog.gettext


def format_date_in(value: date | None, language: str, fmt: str = "long") -> str:
    """A date in a given language, e.g. ``3. marts 2026`` / ``3 March 2026``."""
    if value is None:
        return ""
    return _date_in(value, _LOCALES[normalise_language(language)], fmt)


@lru_cache(maxsize=4096)
def _date_in(value: date, locale: str, fmt: str) -> str:
    """Babel's date, remembered: Babel finds the locale and parses its pattern again for every
    date (a printed plan shows five to ten, most of them the same in every plan of a day)."""
    return babel_dates.format_date(value, format=fmt, locale=locale)
