"""How an audit record reads to a person: the fields that changed, each as old -> new."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Longer values are cut: the log is for seeing what changed, the object's page for reading it.
MAX_SHOWN = 160


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None  # None: the field was not there before (or after, for `new`)
    new: str | None


def shown(value: Any) -> str:
    """A stored value as text: lists joined, nothing as an empty string, long text cut."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        text = ", ".join(shown(item) for item in value)
    elif isinstance(value, Mapping):
        text = "; ".join(f"{key}: {shown(item)}" for key, item in value.items())
    else:
        text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _flat(values: Mapping[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in (values or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[FieldChange]:
    """The fields whose value differs, in the order they were recorded (before's, then new ones).

    Nested records (an edition's timeline) compare field by field as `timeline.screening`.
    """
    old, new = _flat(before), _flat(after)
    names = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(name, shown(old[name]) if name in old else None, shown(new[name]) if name in new else None)
        for name in names
        if old.get(name, _MISSING) != new.get(name, _MISSING)
    ]


_MISSING = object()
