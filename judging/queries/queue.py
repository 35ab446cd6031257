"""A judge's side of a round: their queue, their own assignments and sheets, and the sheet page."""

from __future__ import annotations

import msgspec

from challenge.queries import screening
from challenge.queries.screening import ProblemLink
from challenge.records import ApplicationRow, EditionRow
from challenge.services import applications as challenge_applications
from challenge.services.editions import load_edition
from core.auth import CurrentUser
from core.errors import NotFound, PermissionDenied
from core.rules import N_
from core.tables import StoredFile
from judging.enums import RoundMethod, RoundStatus, ScoreStatus
from judging.queries.rounds import criteria_of, load_round
from judging.records import AssignmentRow, CriterionRow, QueueItem, RoundRow, SheetRow
from judging.rules.pairwise import PAIRWISE_HAS_NO_SHEETS
from judging.tables import JudgeAssignment, ScoreSheet

NOT_YOURS = N_("This application is not in your queue.")


class DeckFile(msgspec.Struct, frozen=True, kw_only=True):
    """The pitch deck a judge may open from the sheet."""

    id: int
    original_name: str


class SheetPage(msgspec.Struct, frozen=True, kw_only=True):
    """What the score sheet page shows: the application, its deck, the rubric and the judge's sheet."""

    assignment: AssignmentRow
    round: RoundRow
    # The edition, the application and its problems are the challenge domain's values.
    edition: EditionRow
    application: ApplicationRow
    problems: list[ProblemLink]
    deck: DeckFile | None
    criteria: list[CriterionRow]
    sheet: SheetRow | None
    editable: bool


async def assignment_of(user: CurrentUser, assignment_id: int) -> AssignmentRow:
    """The judge's own assignment; anything else is refused without saying what it is."""
    row = await JudgeAssignment.select().where(JudgeAssignment.id == assignment_id).first()
    if row is None or row["judge"] != user.id:
        raise PermissionDenied(NOT_YOURS)
    return msgspec.convert(row, AssignmentRow)


async def load_sheet(assignment_id: int) -> SheetRow | None:
    row = await ScoreSheet.select().where(ScoreSheet.key == str(assignment_id)).first().output(load_json=True)
    return msgspec.convert(row, SheetRow) if row else None


async def queue(user: CurrentUser, round_id: int) -> list[QueueItem]:
    """The judge's assignments in a round with their sheet's state; never other judges' scores."""
    rows = await JudgeAssignment.select(
        JudgeAssignment.id,
        JudgeAssignment.application,
        JudgeAssignment.application._.startup._.name.as_alias("startup_name"),
        JudgeAssignment.application.track.as_alias("track"),
    ).where(
        JudgeAssignment.round == round_id,
        JudgeAssignment.judge == user.id,
        # A pairwise round is judged from its seats: an assignment left in one holds no sheet.
        JudgeAssignment.round.method != RoundMethod.PAIRWISE,
    )
    sheets = {
        s["key"]: s
        for s in await ScoreSheet.select(ScoreSheet.key, ScoreSheet.status, ScoreSheet.total).where(
            ScoreSheet.round == round_id, ScoreSheet.judge == user.id
        )
    }
    items = []
    for row in rows:
        sheet = sheets.get(str(row["id"]))
        items.append(
            QueueItem(
                id=row["id"],
                application=row["application"],
                startup_name=row["startup_name"],
                track=row["track"],
                sheet_status=ScoreStatus(sheet["status"]) if sheet else None,
                total=sheet["total"] if sheet else None,
            )
        )
    return sorted(items, key=lambda i: (i.sheet_status == ScoreStatus.SUBMITTED, i.startup_name.lower()))


async def _deck(file_id: int | None) -> DeckFile | None:
    if not file_id:
        return None
    row = await StoredFile.select(StoredFile.id, StoredFile.original_name).where(StoredFile.id == file_id).first()
    return msgspec.convert(row, DeckFile) if row else None


async def sheet_page(user: CurrentUser, assignment_id: int) -> SheetPage:
    assignment = await assignment_of(user, assignment_id)
    round_ = await load_round(assignment.round)
    if round_.method == RoundMethod.PAIRWISE:
        raise NotFound(PAIRWISE_HAS_NO_SHEETS)
    application = await challenge_applications.load_application(assignment.application)
    return SheetPage(
        assignment=assignment,
        round=round_,
        edition=await load_edition(round_.edition),
        application=application,
        problems=await screening.problems_of(application.id),
        deck=await _deck(application.pitch_deck),
        criteria=await criteria_of(round_.id),
        sheet=await load_sheet(assignment.id),
        editable=round_.status == RoundStatus.OPEN,
    )
