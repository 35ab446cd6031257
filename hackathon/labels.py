"""Human names of the hackathon domain's stored values, for templates (`value|label`)."""

from core.i18n import register_labels
from core.rules import N_
from hackathon.enums import FixedKind, SessionKind, Severity, SolveStatus, UnplacedReason


def register() -> None:
    """Name the hackathon's stored values; `core.app.register_domain_labels` calls this at start."""
    register_labels(
        {
            SessionKind.PITCH: N_("Pitch"),
            SessionKind.OFFICE_HOURS: N_("Office hours"),
            SessionKind.JUDGING_PANEL: N_("Judging panel"),
            SessionKind.TALK: N_("Talk"),
            SessionKind.BREAK: N_("Break"),
        },
        namespace="SessionKind",
    )
    register_labels(
        {FixedKind.TALK: N_("Talk"), FixedKind.WORKSHOP: N_("Workshop"), FixedKind.BREAK: N_("Break")},
        namespace="FixedKind",
    )
    register_labels({Severity.ERROR: N_("error"), Severity.WARNING: N_("warning")}, namespace="Severity")
    register_labels({reason: reason.value.replace("_", " ") for reason in UnplacedReason}, namespace="UnplacedReason")
    register_labels({"draft": N_("draft"), "published": N_("published")}, namespace="HackathonStatus")
    register_labels(
        {
            SolveStatus.OPTIMAL: N_("optimal"),
            SolveStatus.FEASIBLE: N_("good, not proven best"),
            SolveStatus.NO_SOLUTION: N_("no schedule found in time"),
        },
        namespace="SolveStatus",
    )
