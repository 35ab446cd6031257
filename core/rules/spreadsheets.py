"""Text bound for a spreadsheet cell."""

from __future__ import annotations

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """The text as a spreadsheet shows it, never run: a leading quote keeps a formula-like cell text."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
