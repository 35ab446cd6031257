"""Serbian is written in two scripts: text written once in either is shown in the reader's.

Cyrillic to Latin is letter by letter; Latin to Cyrillic is nearly so (lj, nj and dž are one
letter each: љ, њ, џ). `cyrtranslit` does the letters; this module keeps its hands off what is
not Serbian: web and mail addresses, acronyms (PDF, SMTP), words with letters Serbian Latin has
not (q, w, x, y: "city", "WebP") and words in camel case (LoRaWAN, iPhone).
"""

from __future__ import annotations

import re

import cyrtranslit

LATIN = "sr_Latn"
CYRILLIC = "sr_Cyrl"

# Addresses first (they contain word characters too), then words.
_TOKEN = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\w+", re.UNICODE)
_FOREIGN_LETTERS = re.compile(r"[qwxyQWXY]")
_CAMEL = re.compile(r"[a-zšđčćž][A-ZŠĐČĆŽ]")
_SERBIAN_VOWELS = frozenset("aeiouAEIOUаеиоуАЕИОУ")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-zČĆŽŠĐčćžšđ]")


def _keeps_its_script(word: str) -> bool:
    """A token that is not Serbian Latin and must stay as written in Cyrillic text."""
    if "://" in word or word.startswith("www.") or "@" in word:
        return True
    if _FOREIGN_LETTERS.search(word) or _CAMEL.search(word):
        return True
    # An acronym: capitals without a vowel to pronounce (PDF, SMTP, MB), or with a digit (H2O, 4G).
    acronym = sum(ch.isalpha() for ch in word) > 1 and word.isupper()
    return acronym and (not _SERBIAN_VOWELS.intersection(word) or any(ch.isdigit() for ch in word))


def _word_to_cyrillic(word: str) -> str:
    if _keeps_its_script(word) or not _LATIN_LETTER.search(word):
        return word
    if word.isupper() and len(word) > 1:
        # "LJUDI" is л-ј-у-д-и letter by letter; lowered first, "ljudi" is љ-у-д-и.
        # cyrtranslit ships no types; what it returns is a str.
        lowered: str = cyrtranslit.to_cyrillic(word.lower(), "sr")
        return lowered.upper()
    cyrillic: str = cyrtranslit.to_cyrillic(word, "sr")
    return cyrillic


def _word_to_latin(word: str) -> str:
    if not _CYRILLIC_LETTER.search(word):
        return word
    latin: str = cyrtranslit.to_latin(word, "sr")
    # "ЉУДИ" is "LJUDI", not "LjUDI".
    return latin.upper() if word.isupper() and len(word) > 1 else latin


def to_cyrillic(text: str) -> str:
    """Serbian Latin text in Cyrillic; Cyrillic and foreign tokens are left as they are."""
    return _TOKEN.sub(lambda match: _word_to_cyrillic(match.group(0)), text)


def to_latin(text: str) -> str:
    """Serbian Cyrillic text in Latin, letter by letter."""
    return _TOKEN.sub(lambda match: _word_to_latin(match.group(0)), text)


def in_script(text: str, locale: str) -> str:
    """Serbian text in the script of `locale` (sr_Latn or sr_Cyrl); other locales get it as written."""
    if locale == CYRILLIC:
        return to_cyrillic(text)
    if locale == LATIN:
        return to_latin(text)
    return text


def script_of(text: str) -> str | None:
    """Which script a Serbian text is mostly written in (by letter count), None if no letters."""
    cyrillic = len(_CYRILLIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if not cyrillic and not latin:
        return None
    return CYRILLIC if cyrillic >= latin else LATIN
