"""Serbian written once, shown in the reader's script."""

from __future__ import annotations

import pytest

from core.rules.scripts import CYRILLIC, LATIN, in_script, script_of, to_cyrillic, to_latin


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("ljudi", "људи"),
        ("njiva", "њива"),
        ("džep", "џеп"),
        ("Ljubljana", "Љубљана"),
        ("Njegoš", "Његош"),
        ("Džamija", "Џамија"),
        ("LJUDI I NJIVE", "ЉУДИ И ЊИВЕ"),
        ("Čačak, Šabac, Đakovica, Ćuprija, Žabalj", "Чачак, Шабац, Ђаковица, Ћуприја, Жабаљ"),
    ],
)
def test_latin_becomes_cyrillic_with_the_digraphs_as_one_letter(latin: str, cyrillic: str) -> None:
    assert to_cyrillic(latin) == cyrillic


def test_cyrillic_becomes_latin_letter_by_letter() -> None:
    assert (
        to_latin("Губици воде у сеоским мрежама: Љиг, Његош, Џеп")
        == "Gubici vode u seoskim mrežama: Ljig, Njegoš, Džep"
    )


def test_cyrillic_capitals_become_latin_capitals() -> None:
    assert to_latin("ЉУДИ И ЏЕП") == "LJUDI I DŽEP"


def test_mixed_text_ends_in_one_script() -> None:
    assert to_cyrillic("Вода и struja") == "Вода и струја"
    assert to_latin("Вода и struja") == "Voda i struja"


def test_addresses_acronyms_and_foreign_words_stay_as_written() -> None:
    text = "Podaci na https://data.gov.rs/sr/ i pišite na smart@novisad.rs; PDF preko LoRaWAN, Smart city."

    assert to_cyrillic(text) == (
        "Подаци на https://data.gov.rs/sr/ и пишите на smart@novisad.rs; PDF преко LoRaWAN, Смарт city."
    )


def test_round_trip_keeps_the_latin_text() -> None:
    text = "Nadzor pumpi u 14 sela, džepni uređaji i njive."

    assert to_latin(to_cyrillic(text)) == text


def test_in_script_follows_the_readers_locale() -> None:
    assert in_script("Novi Sad", CYRILLIC) == "Нови Сад"
    assert in_script("Нови Сад", LATIN) == "Novi Sad"
    assert in_script("Нови Сад", "en") == "Нови Сад"


def test_script_of_counts_letters() -> None:
    assert script_of("Нови Сад, PDF") == CYRILLIC
    assert script_of("Novi Sad") == LATIN
    assert script_of("2026 — 17") is None
