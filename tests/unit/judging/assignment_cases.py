"""Small judges and applications the judge-assignment tests share."""

from __future__ import annotations

from judging.rules.assignment import ApplicationToJudge, AssignmentResult, Judge

NAMES = ("Ana", "Bojan", "Cveta", "Dejan", "Ema", "Filip")
TAGS = ("water", "energy", "mobility")
ORGANISATIONS = ("", "Telekom", "Telekom", "NIS")


def judge(judge_id: int, **fields: object) -> Judge:
    return Judge(judge_id, NAMES[judge_id - 1], **fields)


def startup(application_id: int, name: str = "", **fields: object) -> ApplicationToJudge:
    return ApplicationToJudge(application_id, name or f"Startup {application_id}", **fields)


def pairs_of(result: AssignmentResult) -> list[tuple[int, int]]:
    return [(assignment.judge_id, assignment.application_id) for assignment in result.assignments]
