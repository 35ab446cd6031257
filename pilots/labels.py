"""Human names of the pilots domain's stored values, for templates (`value|label("…")`)."""

from core.i18n import register_labels
from core.rules import N_
from pilots.enums import (
    Direction,
    FeedbackSource,
    Frequency,
    MeasurementStatus,
    MilestoneStatus,
    PilotProcurement,
    PilotStatus,
    Review,
    Side,
    SignOffDecision,
)


def register() -> None:
    """Name the pilots' stored values; `core.app.register_domain_labels` calls this at start."""
    register_labels(
        {
            PilotStatus.DRAFT: N_("agreement in preparation"),
            PilotStatus.AGREED: N_("agreed, not started"),
            PilotStatus.RUNNING: N_("running"),
            PilotStatus.COMPLETED: N_("completed"),
            PilotStatus.STOPPED: N_("stopped"),
        },
        namespace="PilotStatus",
    )
    register_labels(
        {
            Side.ORGANISER: N_("the organisers"),
            Side.MUNICIPALITY: N_("the municipality"),
            Side.STARTUP: N_("the startup"),
        },
        namespace="Side",
    )
    register_labels(
        {
            PilotProcurement.DIRECT_PILOT: N_("direct pilot"),
            PilotProcurement.INNOVATION_PROCUREMENT: N_("innovation procurement"),
            PilotProcurement.GRANT: N_("grant"),
            PilotProcurement.OTHER: N_("other"),
        },
        namespace="PilotProcurement",
    )
    register_labels({Direction.UP: N_("more is better"), Direction.DOWN: N_("less is better")}, namespace="Direction")
    register_labels(
        {
            Frequency.WEEKLY: N_("weekly"),
            Frequency.MONTHLY: N_("monthly"),
            Frequency.QUARTERLY: N_("quarterly"),
            Frequency.ONCE: N_("once, at the end"),
        },
        namespace="Frequency",
    )
    register_labels(
        {
            MeasurementStatus.REPORTED: N_("awaiting review"),
            MeasurementStatus.ACCEPTED: N_("accepted"),
            MeasurementStatus.DISPUTED: N_("disputed"),
        },
        namespace="MeasurementStatus",
    )
    register_labels({Review.ACCEPT: N_("accepted"), Review.DISPUTE: N_("disputed")}, namespace="Review")
    register_labels(
        {SignOffDecision.APPROVE: N_("signed off"), SignOffDecision.REFUSE: N_("refused")}, namespace="SignOffDecision"
    )
    register_labels(
        {
            MilestoneStatus.PENDING: N_("pending"),
            MilestoneStatus.ACHIEVED: N_("achieved"),
            MilestoneStatus.REFUSED: N_("refused"),
        },
        namespace="MilestoneStatus",
    )
    register_labels(
        {FeedbackSource.ONLINE: N_("online"), FeedbackSource.IN_PERSON: N_("collected in person")},
        namespace="FeedbackSource",
    )
    # The terms of the agreement, as a version names what it changed.
    register_labels(
        {
            "scope": N_("scope"),
            "locations": N_("places"),
            "starts_on": N_("start date"),
            "ends_on": N_("end date"),
            "budget_eur": N_("budget"),
            "funded_by": N_("who funds it"),
            "procurement": N_("procurement path"),
            "data_terms": N_("data-sharing terms"),
            "mentor_id": N_("mentor"),
        },
        namespace="PilotTerm",
    )
