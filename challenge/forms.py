"""Choices offered by the challenge's forms, as (value, label) pairs in the reader's language."""

from __future__ import annotations

from challenge.enums import BudgetRange, ProcurementPath, SettlementKind, Track
from challenge.rules.sdgs import SDGS
from core.i18n import gettext as _
from core.i18n import label


def problem_form_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "track_options": [(t.value, label(t)) for t in Track],
        "budget_options": [(b.value, label(b)) for b in BudgetRange],
        "procurement_options": [(p.value, label(p)) for p in ProcurementPath],
        "sdg_options": [(str(number), f"{number}. {_(name)}") for number, name in SDGS.items()],
        "kind_options": [(k.value, label(k)) for k in SettlementKind],
    }
