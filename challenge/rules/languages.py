"""Working languages teams and mentors may name: ISO 639-1 codes; names come from CLDR at render."""

from __future__ import annotations

from core.rules import N_

# The region's languages first, then the common lingua francas.
LANGUAGES: tuple[str, ...] = (
    "sr", "hr", "bs", "cnr", "mk", "sl", "sq", "hu", "ro", "bg", "el", "tr", "en", "de", "fr", "it", "es", "ru", "uk",
)  # fmt: skip


def parse_languages(raw: object) -> tuple[list[str], str | None]:
    """The chosen codes, known and deduplicated in the list's order, or an error message id."""
    values = [raw] if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]
    codes = [str(v).strip() for v in values if str(v).strip()]
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown:
        return [], N_("Choose languages from the list.")
    return [code for code in LANGUAGES if code in codes], None
