from enum import StrEnum


class SessionKind(StrEnum):
    """What a schedule item is. Pitches and office hours are placed by the builder; talks and breaks are fixed."""

    PITCH = "pitch"
    OFFICE_HOURS = "office_hours"
    # A panel's sitting: it holds a room while the panel hears the pitches inside it, one after another.
    JUDGING_PANEL = "judging_panel"
    TALK = "talk"  # a talk or a workshop
    BREAK = "break"


class FixedKind(StrEnum):
    """What organisers place themselves; workshops are scheduled as talks."""

    TALK = "talk"
    WORKSHOP = "workshop"
    BREAK = "break"

    @property
    def session_kind(self) -> SessionKind:
        return SessionKind.BREAK if self is FixedKind.BREAK else SessionKind.TALK


class SolveStatus(StrEnum):
    # Both searches proved their result: as many pitches and office hours as possible are placed
    # (fewer panel sittings are taken when found on the way, not proven minimal).
    OPTIMAL = "optimal"
    # A schedule was found but the time limit stopped the search before it was proven best.
    FEASIBLE = "feasible"
    # The time limit passed before any schedule was found; everything is reported unplaced.
    NO_SOLUTION = "no_solution"


class UnplacedReason(StrEnum):
    """Why the builder could not place a pitch or an office-hours session."""

    TEAM_UNAVAILABLE = "team_unavailable"
    NO_PANEL = "no_panel"
    ALL_PANELS_CONFLICTED = "all_panels_conflicted"
    NO_ROOM_LARGE_ENOUGH = "no_room_large_enough"
    NO_COMMON_TIME_WITH_PANEL = "no_common_time_with_panel"
    TOO_FEW_PANELS = "too_few_panels"
    NO_MENTOR = "no_mentor"
    NO_COMMON_TIME_WITH_MENTOR = "no_common_time_with_mentor"
    NO_ROOM_WHILE_FREE = "no_room_while_free"
    # Possible on its own, but the panels, rooms or people were taken by other items.
    FULLY_BOOKED = "fully_booked"
    SOLVER_TIME_LIMIT = "solver_time_limit"


class ViolationType(StrEnum):
    ROOM_DOUBLE_BOOKED = "room_double_booked"
    PERSON_DOUBLE_BOOKED = "person_double_booked"
    OUTSIDE_AVAILABILITY = "outside_availability"
    OUTSIDE_ROOM_AVAILABILITY = "outside_room_availability"
    OUTSIDE_HACKATHON = "outside_hackathon"
    OVER_CAPACITY = "over_capacity"
    UNPLACED = "unplaced"
    BUFFER_TOO_SHORT = "buffer_too_short"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    PITCH_OUTSIDE_BLOCK = "pitch_outside_block"
    UNFAIR_ORDER = "unfair_order"
    UNKNOWN_REFERENCE = "unknown_reference"
    INVALID_TIME = "invalid_time"


class Severity(StrEnum):
    ERROR = "error"  # blocks publishing the schedule
    WARNING = "warning"  # shown, publishing allowed


class LinkKind(StrEnum):
    """What a violation points at; the web layer turns (kind, id) into a URL."""

    ITEM = "item"
    TEAM = "team"
    ROOM = "room"
    JUDGE = "judge"
    MENTOR = "mentor"
    PANEL = "panel"
