"""Removing other people's names from free text (for the citizen's access request).

A caseworker's note may name another citizen ("talte med Bo Hansen om samkørsel") or a
company's contact person. When the citizen gets a copy of everything held on them, those names
are replaced by a placeholder. Names are matched as whole words, first name(s) and last name
together, with a capital first letter, also in the Danish genitive ("Bo Hansens"); a lone first
or last name is left, because it cannot be told from an ordinary word ("Bo", "Rask"). The
citizen's own name is never removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: A word: letters (æ, ø, å, é …), digits, with inner hyphens or apostrophes ("Hansen-Berg").
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
#: Words of a name may be separated by spaces or a line break, nothing else.
_GAP = re.compile(r"\s{1,3}")


def _key(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(w.casefold() for w in words)


def name_variants(first_name: str, last_name: str) -> set[tuple[str, ...]]:
    """The ways a person is written in a note: the full name, and the first given name with the
    whole or the last surname ("Anne Marie Holm Berg" → also "Anne Holm Berg", "Anne Berg")."""
    first = _WORD.findall(first_name)
    last = _WORD.findall(last_name)
    if not first or not last:
        return set()
    return {_key(first + last), _key(first[:1] + last), _key(first[:1] + last[-1:])}


@dataclass
class Redactor:
    """Replaces the known names in texts; ``count`` says how many were removed so far."""

    placeholder: str
    names: set[tuple[str, ...]]
    count: int = 0

    @classmethod
    def build(
        cls,
        placeholder: str,
        people: Iterable[tuple[str, str]],
        full_names: Iterable[str] = (),
        keep: Iterable[tuple[str, str]] = (),
    ) -> Redactor:
        """``people`` as (first name, last name); ``full_names`` as written (contact persons);
        ``keep`` the names never removed (the citizen's own)."""
        names: set[tuple[str, ...]] = set()
        for first, last in people:
            names |= name_variants(first, last)
        for full in full_names:
            words = _WORD.findall(full or "")
            if len(words) >= 2:
                names.add(_key(words))
        for first, last in keep:
            names -= name_variants(first, last)
        return cls(placeholder, {n for n in names if len(n) >= 2})

    def _lengths(self) -> list[int]:
        return sorted({len(n) for n in self.names}, reverse=True)

    def redact(self, text: str | None) -> str | None:
        if not text or not self.names:
            return text
        words = list(_WORD.finditer(text))
        lengths = self._lengths()
        out: list[str] = []
        done = 0
        i = 0
        while i < len(words):
            match = self._match_at(text, words, i, lengths)
            if match is None:
                i += 1
                continue
            end_index = match
            out.append(text[done : words[i].start()])
            out.append(self.placeholder)
            done = words[end_index].end()
            self.count += 1
            i = end_index + 1
        out.append(text[done:])
        return "".join(out)

    def _match_at(
        self, text: str, words: list[re.Match[str]], i: int, lengths: list[int]
    ) -> int | None:
        """The index of the name's last word when a known name starts at word ``i``."""
        for length in lengths:
            j = i + length - 1
            if j >= len(words):
                continue
            span = words[i : j + 1]
            if not all(w.group()[0].isupper() for w in span):
                continue
            if not all(
                _GAP.fullmatch(text[a.end() : b.start()])
                for a, b in zip(span, span[1:], strict=False)
            ):
                continue
            key = _key(w.group() for w in span)
            if key in self.names or (
                key[-1].endswith("s") and (*key[:-1], key[-1][:-1]) in self.names
            ):
                return j
        return None
