"""The public link's short code: unambiguous characters, fixed length."""

from __future__ import annotations

from pilots.rules.codes import CODE_ALPHABET, CODE_LENGTH, is_code, new_code


def test_a_new_code_has_eight_unambiguous_characters() -> None:
    codes = {new_code() for _ in range(200)}

    assert {len(code) for code in codes} == {CODE_LENGTH}
    assert set("".join(codes)) <= set(CODE_ALPHABET)
    assert set(CODE_ALPHABET) & set("01ilo") == set()
    assert len(codes) == 200


def test_is_code_refuses_lookalikes_and_wrong_lengths() -> None:
    assert (is_code("a2b3c4d5"), is_code("a2b3c4d"), is_code("a2b3c4d0"), is_code("A2B3C4D5")) == (
        True,
        False,
        False,
        False,
    )
