"""Bulgarian to Latin transliteration as the Transliteration Act (2009) prescribes.

Written by hand because the act's one context rule (a word-final "ия" is "ia", as in
София → Sofia) is missing from the general-purpose libraries on PyPI.
"""

from __future__ import annotations

import re

_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip

_WORD_FINAL_IA = re.compile(r"(ия)(?![а-яА-Я])", re.IGNORECASE)


def _letter(char: str, next_char: str) -> str:
    latin = _TABLE.get(char.lower())
    if latin is None:
        return char
    if not char.isupper():
        return latin
    # An all-capitals word keeps every letter capital (ЖК → ZHK); otherwise Ж → Zh.
    return latin.upper() if next_char.isupper() else latin.capitalize()


def transliterate(text: str) -> str:
    """Transliterate Bulgarian Cyrillic text; other characters pass through unchanged."""
    # Rewrite a word-final "ия" to "и" + Latin "a" first; the table then does the rest.
    text = _WORD_FINAL_IA.sub(lambda m: m.group(1)[0] + ("A" if m.group(1)[1].isupper() else "a"), text)
    out = []
    for index, char in enumerate(text):
        next_char = text[index + 1] if index + 1 < len(text) else ""
        out.append(_letter(char, next_char))
    return "".join(out)
