from enum import StrEnum


class PilotStatus(StrEnum):
    """A pilot's life; `core.rules` style: the transitions live in pilots.rules.lifecycle."""

    DRAFT = "draft"  # the agreement is being written and signed
    AGREED = "agreed"  # every side signed a version; not started yet
    RUNNING = "running"
    COMPLETED = "completed"
    STOPPED = "stopped"  # ended early, with a reason on the record


class PilotAction(StrEnum):
    AGREE = "agree"  # taken by the last signature on a version, never by a person directly
    START = "start"
    COMPLETE = "complete"
    STOP = "stop"


class Side(StrEnum):
    """The three parties to a pilot; each signs, reports and reviews as itself."""

    ORGANISER = "organiser"
    MUNICIPALITY = "municipality"
    STARTUP = "startup"


SIDES: tuple[Side, ...] = tuple(Side)


class PilotProcurement(StrEnum):
    """How the municipality pays for (or buys) the pilot."""

    DIRECT_PILOT = "direct_pilot"
    INNOVATION_PROCUREMENT = "innovation_procurement"
    GRANT = "grant"
    OTHER = "other"


class Direction(StrEnum):
    """Which way a KPI should move."""

    UP = "up"  # more is better (people served, sensors online)
    DOWN = "down"  # less is better (minutes waited, litres lost)


class Frequency(StrEnum):
    """How often a KPI is measured; also when the reporter is reminded."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ONCE = "once"  # at the end of the pilot


class MeasurementStatus(StrEnum):
    REPORTED = "reported"  # waiting for the other sides
    ACCEPTED = "accepted"  # every other side accepted it
    DISPUTED = "disputed"  # a side disputed it, with a reason; never averaged in


class Review(StrEnum):
    """What a side says of a measurement another side reported."""

    ACCEPT = "accept"
    DISPUTE = "dispute"


class SignOffDecision(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"


class MilestoneStatus(StrEnum):
    PENDING = "pending"  # some named side has not signed off
    ACHIEVED = "achieved"  # every named side approved
    REFUSED = "refused"  # a named side refused, with a reason


class FeedbackSource(StrEnum):
    ONLINE = "online"  # a resident, through the pilot's public link
    IN_PERSON = "in_person"  # entered by municipality staff on someone's behalf
