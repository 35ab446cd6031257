"""The Serbian catalogues: every message translated, with the same placeholders as the English."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from core.settings import PROJECT_ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("locale", ["sr_Latn", "sr_Cyrl"])
def test_every_message_is_translated_with_its_placeholders(locale: str) -> None:
    with open(PROJECT_ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)

    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if not string:
                problems.append(f"untranslated: {ids[0]!r}")
            elif set(PLACEHOLDER.findall(string)) - expected:
                problems.append(f"unknown placeholder in {ids[0]!r}: {string!r}")

    assert problems == []
