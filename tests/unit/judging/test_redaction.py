"""What a blind round's judge sees: pseudonyms, hidden fields, scrubbed free text, a blank deck name."""

from __future__ import annotations

import re

from judging.rules.redaction import (
    BlindSettings,
    Identity,
    ShownField,
    blank_pdf_metadata,
    deck_file_name,
    identifying_strings,
    pseudonyms,
    redact,
    scrub,
    unknown_fields,
)

TEAM = Identity(
    startup_name="Zorbulon Labs",
    member_names=("Ana Petrović-Kvazar",),
    emails=("ana@zorbulon.example",),
    website="https://www.zorbulon.example/about",
)


def test_pseudonyms_are_keyed_per_round_and_not_in_id_order() -> None:
    assert pseudonyms("test-key", 3, [1, 2, 3, 10]) == {1: "4RCY", 2: "FW4M", 3: "SOUL", 10: "6Y3O"}
    assert pseudonyms("test-key", 4, [1, 2, 3, 10]) == {1: "QLBV", 2: "UJWH", 3: "5FO2", 10: "CKEN"}
    assert pseudonyms("other-key", 3, [1]) != {1: "4RCY"}


def test_pseudonym_of_an_entry_does_not_depend_on_the_order_it_is_asked_in() -> None:
    assert pseudonyms("test-key", 3, [10, 3, 2, 1]) == pseudonyms("test-key", 3, [1, 2, 3, 10])


def test_pseudonyms_stay_unique_in_a_large_round_by_lengthening_only_the_clashing_ones() -> None:
    codes = pseudonyms("k", 1, range(1, 3000))

    assert len(set(codes.values())) == 2999
    assert sorted({len(code) for code in codes.values()}) == [4, 5]
    assert all(re.fullmatch(r"[A-Z2-7]{4,5}", code) for code in codes.values())


def test_identifying_strings_longest_first_with_name_parts_and_bare_website() -> None:
    assert identifying_strings(TEAM) == [
        "https://www.zorbulon.example/about",
        "ana@zorbulon.example",
        "Ana Petrović-Kvazar",
        "zorbulon.example",
        "Zorbulon Labs",
        "Petrović",
        "Kvazar",
        "Ana",
    ]


def test_scrub_leaves_a_generic_email_local_part_as_a_word() -> None:
    team = Identity(startup_name="Zorbulon", emails=("team@zorbulon.example",))

    assert scrub("Our team and team@zorbulon.example", team, placeholder="·") == "Our team and ·"


def test_identifying_strings_leave_out_short_name_parts() -> None:
    assert identifying_strings(Identity(startup_name="Q", member_names=("Li Wu",), emails=("li@x.rs",))) == [
        "li@x.rs",
        "Li Wu",
        "Q",
    ]


def test_scrub_replaces_names_in_any_case_and_spacing_but_only_whole_words() -> None:
    text = (
        "We at ZORBULON  labs (Ana Petrović-Kvazar, ana@zorbulon.example) run zorbulon.example. Anabel stays; Ana goes."
    )

    assert scrub(text, TEAM, placeholder="[hidden]") == (
        "We at [hidden] ([hidden], [hidden]) run [hidden]. Anabel stays; [hidden] goes."
    )


def test_scrub_finds_the_website_without_its_scheme() -> None:
    assert scrub("See www.zorbulon.example/about now", TEAM, placeholder="·") == "See www.·/about now"


def test_redact_in_a_blind_round_hides_the_chosen_fields_and_scrubs_the_rest() -> None:
    fields = {"solution": "Zorbulon Labs weighs waste.", "why_us": "Ana built it.", "traction": ""}
    settings = BlindSettings(blind=True, redacted_fields=frozenset({"why_us"}))

    assert redact(fields, TEAM, settings, placeholder="[hidden]") == {
        "solution": ShownField("solution", "[hidden] weighs waste."),
        "why_us": ShownField("why_us", "", hidden=True),
        "traction": ShownField("traction", ""),
    }


def test_redact_outside_a_blind_round_changes_nothing() -> None:
    fields = {"solution": "Zorbulon Labs weighs waste."}
    settings = BlindSettings(blind=False, redacted_fields=frozenset({"solution"}))

    assert redact(fields, TEAM, settings, placeholder="[hidden]") == {
        "solution": ShownField("solution", "Zorbulon Labs weighs waste.")
    }


def test_unknown_fields_are_those_no_organiser_may_pick() -> None:
    assert unknown_fields(["impact", "startup", "city", "email"]) == ["email", "startup"]


def test_deck_file_name_is_the_pseudonym() -> None:
    assert deck_file_name("7F3K", "pdf") == "entry-7f3k.pdf"
    assert deck_file_name("7F3K", "") == "entry-7f3k"


def test_blank_pdf_metadata_keeps_every_offset_and_blanks_who_wrote_it() -> None:
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Title (Zorbulon \\(deck\\)) /Author <416E61> /Producer (Zorb (v2) Writer)"
        b" /Info << /X 1 >> >>\nendobj\n"
        b'<x:xmpmeta><rdf:Description pdf:Author="Ana"><dc:creator><rdf:Seq><rdf:li>Ana Petrovic</rdf:li>'
        b"</rdf:Seq></dc:creator></rdf:Description></x:xmpmeta>\n%%EOF"
    )

    blanked = blank_pdf_metadata(pdf)

    assert len(blanked) == len(pdf)
    assert blanked == (
        b"%PDF-1.4\n1 0 obj\n<< /Title (" + b" " * 17 + b") /Author <202020> /Producer (" + b" " * 16 + b")"
        b" /Info << /X 1 >> >>\nendobj\n"
        b'<x:xmpmeta><rdf:Description pdf:Author="   "><dc:creator><rdf:Seq><rdf:li>            </rdf:li>'
        b"</rdf:Seq></dc:creator></rdf:Description></x:xmpmeta>\n%%EOF"
    )
