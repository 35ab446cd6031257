"""A judge's side of a round: their queue, their own assignments and sheets, and the sheet page."""

from __future__ import annotations

from datetime import datetime

import msgspec

from challenge.queries import screening
from challenge.queries.screening import ProblemLink
from challenge.records import ApplicationRow, EditionRow
from challenge.services import applications as challenge_applications
from challenge.services.editions import load_edition
from core.auth import CurrentUser
from core.errors import NotFound, PermissionDenied
from core.i18n import gettext as _
from core.rules import N_
from core.storage import Storage, get_storage, off_loop
from core.tables import StoredFile
from core.uploads import EXTENSIONS
from judging.enums import DeckPolicy, RoundMethod, RoundStatus, ScoreStatus
from judging.queries import blind
from judging.queries.rounds import ROUND_NOT_FOUND, criteria_of, load_round
from judging.records import AssignmentRow, CriterionRow, QueueItem, RoundRow, SheetRow, round_row
from judging.rules import deadlines, redaction, rounds
from judging.rules.pairwise import PAIRWISE_HAS_NO_SHEETS
from judging.rules.redaction import ShownField
from judging.tables import JudgeAssignment, Round, ScoreSheet

NOT_YOURS = N_("This application is not in your queue.")
NOTHING_TO_SCORE = N_("You have nothing to score in this round.")


class DeckFile(msgspec.Struct, frozen=True, kw_only=True):
    """The pitch deck a judge may open from the sheet; in a blind round named after the entry and
    served from `url` (the judge's own deck route), never under its uploaded name."""

    id: int
    original_name: str
    url: str = ""


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
    # What the judge calls the application ("Application #12", or "Entry 7F3K" in a blind round)
    # and its texts as the round lets them see them (judging.queries.blind).
    entry_name: str = ""
    shown: dict[str, ShownField] = msgspec.field(default_factory=dict)


async def assignment_of(user: CurrentUser, assignment_id: int) -> AssignmentRow:
    """The judge's own assignment; anything else is refused without saying what it is."""
    row = await JudgeAssignment.select().where(JudgeAssignment.id == assignment_id).first()
    if row is None or row["judge"] != user.id:
        raise PermissionDenied(NOT_YOURS)
    return msgspec.convert(row, AssignmentRow)


async def load_sheet(assignment_id: int) -> SheetRow | None:
    row = await ScoreSheet.select().where(ScoreSheet.key == str(assignment_id)).first().output(load_json=True)
    return msgspec.convert(row, SheetRow) if row else None


# The judge's assignments in a round with their application's startup and track and their sheet,
# in one query (a sheet belongs to its assignment: judging.services.scoring makes it so).
_QUEUE = """
SELECT a.id, a.application, s.name AS startup_name, ap.track, sh.status AS sheet_status, sh.total
FROM judge_assignment a
JOIN application ap ON ap.id = a.application
JOIN startup s ON s.id = ap.startup
LEFT JOIN score_sheet sh ON sh.assignment = a.id AND sh.round = a.round AND sh.judge = a.judge
WHERE a.round = {} AND a.judge = {}
"""


async def queue(user: CurrentUser, round_id: int, *, round_: RoundRow | None = None) -> list[QueueItem]:
    """The judge's assignments in a round with their sheet's state; never other judges' scores.
    `round_` is the round when the caller has loaded it already."""
    if round_ is None:
        round_ = await load_round(round_id)
    if round_.method == RoundMethod.PAIRWISE:
        # A pairwise round is judged from its seats: an assignment left in one holds no sheet.
        return []
    rows = await JudgeAssignment.raw(_QUEUE, round_id, user.id)
    names = await blind.entry_names(round_, [r["application"] for r in rows]) if round_.blind else {}
    items = [
        QueueItem(
            id=row["id"],
            application=row["application"],
            startup_name=names.get(row["application"], row["startup_name"]),
            track=row["track"],
            sheet_status=ScoreStatus(row["sheet_status"]) if row["sheet_status"] is not None else None,
            total=row["total"],
            blind=round_.blind,
        )
        for row in rows
    ]
    return sorted(items, key=lambda i: (i.sheet_status == ScoreStatus.SUBMITTED, i.startup_name.lower()))


async def _deck(file_id: int | None) -> DeckFile | None:
    if not file_id:
        return None
    row = await StoredFile.select(StoredFile.id, StoredFile.original_name).where(StoredFile.id == file_id).first()
    return msgspec.convert(row, DeckFile) if row else None


async def _blind_deck(round_: RoundRow, assignment_id: int, file_id: int | None, code: str) -> DeckFile | None:
    """A blind round's deck: hidden if the round says so, else named after the entry."""
    if not file_id or round_.deck_policy == DeckPolicy.HIDE:
        return None
    row = await StoredFile.select(StoredFile.content_type).where(StoredFile.id == file_id).first()
    if row is None:
        return None
    name = redaction.deck_file_name(code, EXTENSIONS.get(row["content_type"], ""))
    return DeckFile(id=file_id, original_name=name, url=f"/judge/assignments/{assignment_id}/deck")


async def blind_deck(user: CurrentUser, assignment_id: int) -> tuple[DeckFile, str]:
    """The deck of the judge's assignment in a blind round and its content type; 404 when the
    round is not blind (its judges open the deck as a file), hides the deck, or there is none."""
    assignment = await assignment_of(user, assignment_id)
    round_ = await load_round(assignment.round)
    application = await challenge_applications.load_application(assignment.application)
    code = (await blind.codes(round_.id, [application.id]))[application.id]
    deck = await _blind_deck(round_, assignment_id, application.pitch_deck, code) if round_.blind else None
    if deck is None:
        raise NotFound(N_("This file does not exist."))
    row = await StoredFile.select(StoredFile.content_type).where(StoredFile.id == deck.id).first()
    return deck, row["content_type"] if row else "application/octet-stream"


async def sheet_page(user: CurrentUser, assignment_id: int, *, now: datetime) -> SheetPage:
    assignment = await assignment_of(user, assignment_id)
    round_ = await load_round(assignment.round)
    if round_.method == RoundMethod.PAIRWISE:
        raise NotFound(PAIRWISE_HAS_NO_SHEETS)
    application = await challenge_applications.load_application(assignment.application)
    shown = await blind.shown_fields(round_, application, blind.SHEET_FIELDS)
    if round_.blind:
        code = (await blind.codes(round_.id, [application.id]))[application.id]
        entry_name = blind.entry_label(code)
        deck = await _blind_deck(round_, assignment.id, application.pitch_deck, code)
        # Nothing of the real texts travels on in the page's values, whatever a template prints:
        # the answers to the edition's questions are scrubbed like the texts.
        answers = await blind.shown_texts(round_, application.id, application.answers)
        application = msgspec.structs.replace(
            application,
            video_url="",
            answers={key: f.text for key, f in answers.items()},
            **{name: f.text for name, f in shown.items()},
        )
    else:
        entry_name = _("Application #%(id)s") % {"id": application.id}
        deck = await _deck(application.pitch_deck)
    return SheetPage(
        assignment=assignment,
        round=round_,
        edition=await load_edition(round_.edition),
        application=application,
        problems=await screening.problems_of(application.id),
        deck=deck,
        criteria=await criteria_of(round_.id),
        sheet=await load_sheet(assignment.id),
        editable=rounds.scoring_refusal(round_.status, closes_at=round_.closes_at, now=now) is None,
        entry_name=entry_name,
        shown=shown,
    )


class QueuePage(msgspec.Struct, frozen=True, kw_only=True):
    """A judge's queue in one round: the sheets, how far the judge is, and when the round closes."""

    round: RoundRow
    timezone: str
    items: list[QueueItem]
    submitted: int
    # Until the round closes: how long is left ("in 5 hours", "overdue"); None without a closing time.
    time_left: deadlines.TimeLeft | None


async def _round_and_timezone(round_id: int) -> tuple[RoundRow, str]:
    """The round and its edition's time zone, in one query."""
    row = (
        await Round.select(*Round.all_columns(), Round.edition.timezone.as_alias("edition_timezone"))
        .where(Round.id == round_id)
        .first()
    )
    if row is None:
        raise NotFound(ROUND_NOT_FOUND)
    timezone = row.pop("edition_timezone")
    return round_row(row), timezone


async def queue_page(user: CurrentUser, round_id: int, *, now: datetime) -> QueuePage:
    round_, timezone = await _round_and_timezone(round_id)
    items = await queue(user, round_id, round_=round_)
    if not items:
        raise NotFound(NOTHING_TO_SCORE)
    closes_at = round_.closes_at if round_.status == RoundStatus.OPEN else None
    return QueuePage(
        round=round_,
        timezone=timezone,
        items=items,
        submitted=sum(1 for item in items if item.sheet_status == ScoreStatus.SUBMITTED),
        time_left=deadlines.time_left(closes_at, now=now) if closes_at else None,
    )


def _read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


async def deck_content(file_id: int) -> bytes:
    """A deck's bytes for a blind round's judge, its PDF metadata blanked (judging.rules.redaction)."""
    row = await StoredFile.select(StoredFile.key, StoredFile.content_type).where(StoredFile.id == file_id).first()
    if row is None:
        raise NotFound(N_("This file does not exist."))
    storage = get_storage()
    content = await off_loop(storage, _read, storage, row["key"])
    return redaction.blank_pdf_metadata(content) if row["content_type"] == "application/pdf" else content
