"""Mentors, applications and weekly windows the matching tests share."""

from __future__ import annotations

from datetime import date

from mentoring.rules.matching import Application, MatchResult, Mentor, WeeklyWindow

MONDAY = date(2026, 2, 2)  # winter time on both sides of the Atlantic
H = 60


def window(weekday: int, start_hour: float, end_hour: float) -> WeeklyWindow:
    return WeeklyWindow(weekday, int(start_hour * H), int(end_hour * H))


ANA = Mentor(
    id=1,
    name="Ana Petrović",
    organisation="Telekom Srbija",
    expertise=("Procurement", "IoT", "fundraising"),
    sectors=("water",),
    languages=("Serbian", "English"),
    capacity=2,
    availability=(window(0, 9, 12), window(2, 9, 12)),
)
AQUA = Application(
    id=10,
    startup_id=100,
    startup_name="AquaSense",
    support_needed=("procurement", "IoT"),
    sector="energy",
    languages=("Serbian",),
    availability=(window(0, 9, 12), window(2, 9, 12)),
)


def mentor(number: int, **fields: object) -> Mentor:
    defaults: dict[str, object] = {"name": f"Mentor {number}", "expertise": ("IoT",), "languages": ("Serbian",)}
    return Mentor(id=number, **(defaults | fields))  # type: ignore[arg-type]


def application(number: int, **fields: object) -> Application:
    defaults: dict[str, object] = {
        "startup_id": 100 + number,
        "startup_name": f"Startup {number}",
        "support_needed": ("IoT",),
        "languages": ("Serbian",),
    }
    return Application(id=number, **(defaults | fields))  # type: ignore[arg-type]


def pairs(result: MatchResult) -> list[tuple[int, int]]:
    return [(pair.mentor_id, pair.application_id) for pair in result.pairs]
