"""Content written in Serbian, English or both: which version a reader sees, and in which script.

The author writes in one language (recorded with the text) and may add the other language's
version. A reader sees their own language's version when there is one, else the other one,
marked as foreign. Serbian is shown in the reader's script: Cyrillic to a sr_Cyrl reader, Latin
to everyone else (an English reader reads Latin letters more easily).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.rules import N_
from core.rules.scripts import CYRILLIC, LATIN, in_script

SERBIAN = "sr"
ENGLISH = "en"
CONTENT_LANGUAGES = (SERBIAN, ENGLISH)
LANGUAGE_NAMES = {SERBIAN: N_("Serbian"), ENGLISH: N_("English")}
# The marker beside a text shown in the other language than the reader's.
WRITTEN_IN = {SERBIAN: N_("Written in Serbian"), ENGLISH: N_("Written in English")}
UNKNOWN_LANGUAGE = N_("Choose Serbian or English.")


def reader_language(locale: str) -> str:
    return ENGLISH if locale == "en" else SERBIAN


def other_language(language: str) -> str:
    return ENGLISH if language == SERBIAN else SERBIAN


@dataclass(frozen=True, slots=True)
class Version:
    """The text a reader sees, the language it is in and whether that is not the reader's."""

    text: str
    language: str
    foreign: bool
    lang_tag: str  # the HTML lang attribute: en, sr-Latn or sr-Cyrl

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def version_for(*, original: str, translation: str, written_in: str, locale: str) -> Version:
    """What a reader in `locale` sees of a text written in `written_in` with an optional translation."""
    written_in = written_in if written_in in CONTENT_LANGUAGES else SERBIAN
    wanted = reader_language(locale)
    candidates = [(original, written_in), (translation, other_language(written_in))]
    if written_in != wanted:
        candidates.reverse()
    text, language = next(((t, lang) for t, lang in candidates if t.strip()), (original, written_in))
    if language == SERBIAN:
        script = CYRILLIC if locale == CYRILLIC else LATIN
        return Version(
            in_script(text, script), SERBIAN, wanted != SERBIAN, "sr-Cyrl" if script == CYRILLIC else "sr-Latn"
        )
    return Version(text, ENGLISH, wanted != ENGLISH, "en")


# Short words that occur in almost every English sentence and in no Serbian one, and the reverse.
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "are",
        "for",
        "with",
        "on",
        "from",
        "by",
        "a",
        "an",
        "this",
        "that",
        "our",
        "their",
    ]
)
_SERBIAN_WORDS = frozenset(
    ["i", "u", "je", "su", "na", "se", "za", "od", "da", "sa", "iz", "po", "ili", "kao", "što", "koji", "će"]
)
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str:
    """Serbian or English, by common short words and Serbian letters; Serbian when unsure."""
    if re.search(r"[\u0400-\u04ffčćžšđČĆŽŠĐ]", text):
        return SERBIAN
    words = [word.lower() for word in _WORD.findall(text)]
    english = sum(word in _ENGLISH_WORDS for word in words)
    serbian = sum(word in _SERBIAN_WORDS for word in words)
    # Letters and pairs Serbian Latin does without (it writes š, č for sh, ch): "city", "Challenge".
    if english > serbian or (not serbian and re.search(r"[wyqx]|ch|th|sh|ck|ee|oo", text, re.IGNORECASE)):
        return ENGLISH
    return SERBIAN
