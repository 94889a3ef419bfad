"""LIX, the Danish readability index: words per sentence plus the share of long words (> 6 letters).

Below 25 is very easy (children's books), 35–44 ordinary news text; the citizen's plan aims at 40
or less.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-zÆØÅæøåÉé]+")
_SENTENCE_END = re.compile(r"[.:!?]+(\s|$)|\n")


def lix(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([m for m in _SENTENCE_END.finditer(text.strip())]) or 1)
    long_words = sum(1 for w in words if len(w) > 6)
    return len(words) / sentences + 100 * long_words / len(words)
