"""Which submitted texts count as names, and which characters they may not carry."""

from __future__ import annotations

import pytest

from core.rules.text import DIRECTION_CONTROL, DIRECTION_CONTROLS, direction_control_errors, is_name_like
from core.uploads import safe_filename


@pytest.mark.parametrize(
    ("field", "expected"),
    [("name", True), ("contact_name", True), ("criteria-0-name", True), ("session_title", True),
     ("rooms[1].name", True), ("summary", False), ("names[0]", False), ("email", False)],
)  # fmt: skip
def test_name_like_fields_are_known_by_their_field_name(field: str, expected: bool) -> None:
    assert is_name_like(field) is expected


def test_every_direction_control_in_a_name_is_an_error_and_other_fields_are_left_alone() -> None:
    fields = [(f"criteria-{i}-name", f"A{c}B") for i, c in enumerate(sorted(DIRECTION_CONTROLS))]

    errors = direction_control_errors([*fields, ("solution", "\u202eabc"), ("title", "Plain title")])

    assert len(DIRECTION_CONTROLS) == 12
    assert errors == {f"criteria-{i}-name": DIRECTION_CONTROL for i in range(12)}


def test_a_displayed_file_name_loses_its_direction_controls() -> None:
    assert safe_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert safe_filename("\u2066deck\u2069\u200f.pdf") == "deck.pdf"
