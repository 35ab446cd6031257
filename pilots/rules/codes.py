"""The short code of a pilot's public link (/p/<code>) and poster.

Residents type it from a poster or read it aloud, so the alphabet leaves out the characters
that look alike (0/o, 1/l/i) and is lower case only: nobody has to guess the case.
"""

from __future__ import annotations

import secrets

CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8


def new_code() -> str:
    """A random code; 31^8 (about 850 billion) of them, so a collision is for the database to catch."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    """Whether `text` could be a pilot's code (a link typed by hand is checked before any lookup)."""
    return len(text) == CODE_LENGTH and all(char in CODE_ALPHABET for char in text)
