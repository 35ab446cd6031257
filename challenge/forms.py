"""Choices offered by the challenge's forms, as (value, label) pairs in the reader's language."""

from __future__ import annotations

from challenge.enums import BudgetRange, ProcurementPath, SettlementKind, Track
from challenge.rules.sdgs import SDGS
from core.i18n import gettext as _
from core.i18n import label, register_labels
from core.rules import N_

register_labels(
    {
        BudgetRange.UNDER_10K: N_("under €10,000"),
        BudgetRange.FROM_10K_TO_50K: N_("€10,000 to €50,000"),
        BudgetRange.FROM_50K_TO_200K: N_("€50,000 to €200,000"),
        BudgetRange.OVER_200K: N_("over €200,000"),
        BudgetRange.NOT_YET_KNOWN: N_("not known yet"),
        ProcurementPath.PILOT: N_("pilot project"),
        ProcurementPath.PUBLIC_PROCUREMENT: N_("public procurement"),
        ProcurementPath.CO_FUNDING: N_("co-funding"),
    }
)


def problem_form_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "track_options": [(t.value, label(t)) for t in Track],
        "budget_options": [(b.value, label(b)) for b in BudgetRange],
        "procurement_options": [(p.value, label(p)) for p in ProcurementPath],
        "sdg_options": [(str(number), f"{number}. {_(name)}") for number, name in SDGS.items()],
        "kind_options": [(k.value, label(k)) for k in SettlementKind],
    }
