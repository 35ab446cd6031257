from enum import StrEnum


class Track(StrEnum):
    SMART_CITY = "smart_city"
    SMART_RURAL = "smart_rural"


class SettlementKind(StrEnum):
    URBAN = "urban"
    RURAL = "rural"
    MIXED = "mixed"


class Phase(StrEnum):
    """The yearly cycle, in order."""

    PROBLEM_INTAKE = "problem_intake"
    APPLICATIONS = "applications"
    SCREENING = "screening"
    MENTORING = "mentoring"
    HACKATHON = "hackathon"
    FINAL_JUDGING = "final_judging"
    RESULTS = "results"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


class ProblemStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


class ProblemAction(StrEnum):
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    PUBLISH = "publish"
    ARCHIVE = "archive"
    WITHDRAW = "withdraw"


class ProcurementPath(StrEnum):
    PILOT = "pilot"
    PUBLIC_PROCUREMENT = "public_procurement"
    CO_FUNDING = "co_funding"


class BudgetRange(StrEnum):
    """Euros the municipality can commit to a pilot."""

    UNDER_10K = "under_10k"
    FROM_10K_TO_50K = "10k_50k"
    FROM_50K_TO_200K = "50k_200k"
    OVER_200K = "over_200k"
    NOT_YET_KNOWN = "unknown"


class StartupStage(StrEnum):
    IDEA = "idea"
    PROTOTYPE = "prototype"
    PILOT = "pilot"
    MARKET = "market"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    SHORTLISTED = "shortlisted"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    FINALIST = "finalist"
    WINNER = "winner"


class QuestionKind(StrEnum):
    """Eligibility questions an organiser sets per edition."""

    YES_NO = "yes_no"
    TEXT = "text"
    CHOICE = "choice"


class AnswerKind(StrEnum):
    """What an organiser's own application question asks for."""

    TEXT = "text"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    DATE = "date"
    FILE = "file"
