"""A judge's home page: the editions they judge, the rounds they are assigned in, the live finals."""

from __future__ import annotations

import msgspec

from challenge.queries import editions as challenge_queries
from challenge.records import EditionRow
from core.auth import CurrentUser
from judging.enums import RoundMethod, RoundStatus
from judging.queries.rounds import rounds_by_id
from judging.records import RoundRow, round_row
from judging.services.visibility import judged_editions
from judging.tables import JudgeAssignment, Round


class JudgeHome(msgspec.Struct, frozen=True, kw_only=True):
    editions: list[EditionRow]
    rounds: list[RoundRow]
    finals: list[RoundRow]


async def judge_home(user: CurrentUser) -> JudgeHome:
    editions = {e.id: e for e in await challenge_queries.editions()}
    mine = [editions[i] for i in judged_editions(user, list(editions))]
    assigned = await JudgeAssignment.select(JudgeAssignment.round).where(
        JudgeAssignment.judge == user.id, JudgeAssignment.round.method != RoundMethod.PAIRWISE
    )
    finals = await Round.select().where(
        Round.method == RoundMethod.PAIRWISE,
        Round.status == RoundStatus.OPEN,
        Round.edition.is_in([e.id for e in mine] or [0]),
    )
    return JudgeHome(
        editions=mine,
        rounds=await rounds_by_id(sorted({a["round"] for a in assigned})),
        finals=[round_row(r) for r in finals],
    )
