"""Human names of the challenge's stored values, for templates (`value|label`)."""

from challenge.enums import (
    AnswerKind,
    ApplicationStatus,
    BudgetRange,
    Phase,
    ProblemStatus,
    ProcurementPath,
    SettlementKind,
    StartupStage,
    Track,
)
from core.i18n import register_labels
from core.rules import N_


def register() -> None:
    """Name the challenge's stored values; `core.app.register_domain_labels` calls this at start."""
    register_labels(
        {
            Track.SMART_CITY: N_("Smart city"),
            Track.SMART_RURAL: N_("Smart rural"),
            SettlementKind.URBAN: N_("urban"),
            SettlementKind.RURAL: N_("rural"),
            SettlementKind.MIXED: N_("mixed urban and rural"),
            Phase.PROBLEM_INTAKE: N_("Problem intake"),
            Phase.APPLICATIONS: N_("Applications"),
            Phase.SCREENING: N_("Screening"),
            Phase.MENTORING: N_("Mentoring"),
            Phase.HACKATHON: N_("Hackathon"),
            Phase.FINAL_JUDGING: N_("Final judging"),
            Phase.RESULTS: N_("Results"),
            ProblemStatus.DRAFT: N_("draft"),
            ProblemStatus.SUBMITTED: N_("submitted"),
            ProblemStatus.CHANGES_REQUESTED: N_("changes requested"),
            ProblemStatus.PUBLISHED: N_("published"),
            ProblemStatus.ARCHIVED: N_("archived"),
            ProblemStatus.WITHDRAWN: N_("withdrawn"),
            BudgetRange.UNDER_10K: N_("under €10,000"),
            BudgetRange.FROM_10K_TO_50K: N_("€10,000 to €50,000"),
            BudgetRange.FROM_50K_TO_200K: N_("€50,000 to €200,000"),
            BudgetRange.OVER_200K: N_("over €200,000"),
            BudgetRange.NOT_YET_KNOWN: N_("not known yet"),
            ProcurementPath.PILOT: N_("pilot project"),
            ProcurementPath.PUBLIC_PROCUREMENT: N_("public procurement"),
            ProcurementPath.CO_FUNDING: N_("co-funding"),
            ApplicationStatus.SHORTLISTED: N_("shortlisted"),
            ApplicationStatus.REJECTED: N_("not selected"),
            ApplicationStatus.ACCEPTED: N_("accepted"),
            ApplicationStatus.FINALIST: N_("finalist"),
            ApplicationStatus.WINNER: N_("winner"),
        }
    )

    register_labels(
        {
            StartupStage.IDEA: N_("idea"),
            StartupStage.PROTOTYPE: N_("prototype"),
            StartupStage.PILOT: N_("pilot"),
            StartupStage.MARKET: N_("on the market"),
        },
        namespace="StartupStage",
    )

    register_labels(
        {
            AnswerKind.TEXT: N_("text"),
            AnswerKind.NUMBER: N_("number"),
            AnswerKind.SINGLE_CHOICE: N_("one choice"),
            AnswerKind.MULTIPLE_CHOICE: N_("several choices"),
            AnswerKind.YES_NO: N_("yes or no"),
            AnswerKind.DATE: N_("date"),
            AnswerKind.FILE: N_("file upload"),
        },
        namespace="AnswerKind",
    )
