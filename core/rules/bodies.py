"""How much a request body may hold, judged from its bytes before anything is parsed.

Parsing is the expensive part: a megabyte of `{},{},...` takes msgspec about 60 ms, and Python's
form parser is slower still, all of it holding the event loop. So every limit that bounds the
parsing cost is checked on the raw bytes first, with `bytes.count` and `bytes.split` (C speed,
about 2 ms a megabyte), and only a body within them is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from core.rules import N_
from core.rules.text import DIRECTION_CONTROLS

JSON_TOO_MANY_VALUES = N_("The request holds too many values (at most %(limit)s).")
JSON_TOO_DEEP = N_("The request is nested too deeply (at most %(limit)s levels).")
FORM_TOO_MANY_FIELDS = N_("The form has too many fields (at most %(limit)s).")
FIELD_TOO_LARGE = N_("This field is too large.")


@dataclass(frozen=True)
class BodyLimits:
    """What one request body may hold; the defaults fit every form and JSON call we serve."""

    json_max_bytes: int = 1024 * 1024
    json_max_values: int = 10_000
    json_max_depth: int = 32
    form_max_bytes: int = 1024 * 1024
    form_max_fields: int = 1_000
    form_field_max_bytes: int = 128 * 1024


def json_value_bound(body: bytes) -> int:
    """An upper bound on the number of values in a JSON document: every value but the first
    follows a comma or opens a container. Commas inside strings count too, so the bound is
    generous; no body of ours comes near it (its longest texts are a few thousand characters)."""
    return body.count(b",") + body.count(b"[") + body.count(b"{") + 1


# A NUL inside a JSON string is always escaped (raw control characters are invalid JSON), and a
# whole number beyond 32 bits has at least ten digits: both show in the bytes.
_ESCAPED_NUL = b"\\u0000"
_TEN_DIGITS = re.compile(rb"[0-9]{10}")


def json_may_hold_unstorable(body: bytes) -> bool:
    """False when the document surely holds no NUL character and no whole number beyond 32 bits,
    so the walk that names them (slow, in Python) can be skipped."""
    return _ESCAPED_NUL in body or _TEN_DIGITS.search(body) is not None


# Each control as it may stand in JSON: raw UTF-8, or escaped (`\u202e`, any case once lowered).
_DIRECTION_CONTROL_BYTES = tuple(
    pattern
    for control in sorted(DIRECTION_CONTROLS)
    for pattern in (control.encode(), f"\\u{ord(control):04x}".encode())
)


def json_may_hold_direction_controls(body: bytes) -> bool:
    """False when no string of the document can hold a text-direction control."""
    lowered = body.lower()
    return any(pattern in lowered for pattern in _DIRECTION_CONTROL_BYTES)


def json_may_be_deeper(body: bytes, limit: int) -> bool:
    """False when the document surely nests no deeper than `limit`: each level opens a bracket."""
    return body.count(b"[") + body.count(b"{") > limit


def json_depth(document: object) -> int:
    """The nesting depth of a decoded JSON document (a scalar is 0, `[]` is 1); iterative."""
    deepest = 0
    pending: list[tuple[object, int]] = [(document, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
            deepest = max(deepest, depth + 1)
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
            deepest = max(deepest, depth + 1)
    return deepest


@dataclass(frozen=True)
class FormShape:
    """A URL-encoded form judged from its bytes: too many fields, and which fields are too large.

    `oversized` names each field over the per-field limit (decoded from its percent-encoding);
    those are dropped before the rest of the form is parsed, so the rest can be shown again."""

    too_many_fields: bool
    oversized: tuple[str, ...]
    kept: bytes


def form_shape(body: bytes, *, limits: BodyLimits) -> FormShape:
    if body.count(b"&") + 1 > limits.form_max_fields:
        return FormShape(too_many_fields=True, oversized=(), kept=b"")
    oversized: list[str] = []
    kept: list[bytes] = []
    for pair in body.split(b"&"):
        if len(pair) > limits.form_field_max_bytes:
            name = pair.split(b"=", 1)[0][:200].replace(b"+", b" ")
            oversized.append(unquote_to_bytes(name).decode("utf-8", "replace"))
        else:
            kept.append(pair)
    return FormShape(too_many_fields=False, oversized=tuple(oversized), kept=b"&".join(kept) if oversized else body)
