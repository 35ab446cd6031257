"""What judge assignment takes and gives: judges, applications, and the plan with its shortfalls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from judging.enums import ShortfallReason
from judging.rules.rubrics import Message


@dataclass(frozen=True, slots=True)
class Judge:
    id: int
    name: str
    organisation: str = ""
    expertise: tuple[str, ...] = ()
    # A judge's own limit when it is lower than the round's; None: the round's `max_per_judge`.
    max_applications: int | None = None


@dataclass(frozen=True, slots=True)
class ApplicationToJudge:
    id: int
    startup_name: str
    # The expertise the application asks for and its sector, compared with judges' expertise.
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JudgeAssignment:
    """A judge on an application's panel; `shared_tags` (the application's spelling) say why."""

    judge_id: int
    application_id: int
    locked: bool = False
    shared_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An application that got `missing` judges fewer than the round asks for, and why.

    `judge_ids` are the judges the reason is about: the conflicted ones, the full ones, or the
    ones held back by the organisation rule.
    """

    application_id: int
    missing: int
    reason: ShortfallReason
    message: Message
    judge_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    """The plan, who is short and why, each judge's load, and how the panels link judges.

    `assignments` are in application then judge order; `loads` holds every judge (locks
    included); `component_judges` lists the groups of judges linked through shared applications
    (judges without an application left out), largest first, and `components` counts them.
    `warnings` are about locks that break a rule and about panels that do not link up.
    """

    assignments: tuple[JudgeAssignment, ...]
    shortfalls: tuple[Shortfall, ...]
    loads: Mapping[int, int]
    components: int
    component_judges: tuple[tuple[int, ...], ...]
    warnings: tuple[Message, ...]

    @property
    def panels(self) -> dict[int, tuple[int, ...]]:
        """Each application with at least one judge and its judges' ids."""
        panels: dict[int, list[int]] = defaultdict(list)
        for assignment in self.assignments:
            panels[assignment.application_id].append(assignment.judge_id)
        return {application_id: tuple(judge_ids) for application_id, judge_ids in panels.items()}
