"""Which version of a two-language text a reader sees."""

from __future__ import annotations

import pytest

from core.rules.bilingual import ENGLISH, SERBIAN, Version, guess_language, version_for


def test_a_serbian_reader_sees_the_serbian_original_in_their_script() -> None:
    seen = version_for(original="Voda i njive", translation="Water and fields", written_in=SERBIAN, locale="sr_Cyrl")

    assert seen == Version("Вода и њиве", SERBIAN, foreign=False, lang_tag="sr-Cyrl")


def test_an_english_reader_sees_the_english_translation() -> None:
    seen = version_for(original="Voda", translation="Water", written_in=SERBIAN, locale="en")

    assert seen == Version("Water", ENGLISH, foreign=False, lang_tag="en")


def test_an_english_reader_without_a_translation_sees_serbian_in_latin_marked_foreign() -> None:
    seen = version_for(original="Вода", translation="", written_in=SERBIAN, locale="en")

    assert seen == Version("Voda", SERBIAN, foreign=True, lang_tag="sr-Latn")


def test_a_serbian_reader_sees_the_serbian_translation_of_an_english_original() -> None:
    seen = version_for(original="Water", translation="Voda", written_in=ENGLISH, locale="sr_Cyrl")

    assert seen == Version("Вода", SERBIAN, foreign=False, lang_tag="sr-Cyrl")


def test_a_serbian_reader_without_a_translation_sees_english_as_written_marked_foreign() -> None:
    seen = version_for(original="Smart lighting", translation="  ", written_in=ENGLISH, locale="sr_Latn")

    assert seen == Version("Smart lighting", ENGLISH, foreign=True, lang_tag="en")


def test_an_unknown_language_counts_as_serbian() -> None:
    assert version_for(original="Voda", translation="", written_in="", locale="sr_Latn").language == SERBIAN


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Drinking water losses in village networks", ENGLISH),
        ("Gubici vode u seoskim mrežama", SERBIAN),
        ("Губици воде", SERBIAN),
        ("Smart Cities & Smart Rural Challenge", ENGLISH),
        ("Pametni gradovi", SERBIAN),
    ],
)
def test_guess_language(text: str, language: str) -> None:
    assert guess_language(text) == language
