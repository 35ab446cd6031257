"""The organiser's matching workflow: run, review, lock or assign by hand, re-run, publish."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from challenge.enums import ApplicationStatus, Phase
from challenge.records import EditionRow
from challenge.services import expertise
from challenge.services.editions import edition_state, load_edition
from challenge.tables import Application, Startup, StartupMember
from core import audit, db
from core.auth import CurrentUser
from core.clock import utc_now
from core.errors import NotFound, StateConflict
from core.i18n import gettext as _
from core.i18n import language_name
from core.mail import queue_mail
from core.rules import N_
from core.runs import BackgroundRuns
from core.scopes import require_organiser
from core.tables import User
from mentoring.enums import MatchStatus, RunStatus
from mentoring.records import MatchRow, convert_row
from mentoring.rules import matching as rules
from mentoring.tables import Match, MatchRun, MentorProfile

log = logging.getLogger(__name__)
# Applications that get mentors: the ones organisers took into the programme.
MENTORED = (ApplicationStatus.ACCEPTED, ApplicationStatus.FINALIST, ApplicationStatus.WINNER)
# A run whose worker died is reported as failed after this long, so a new one may start.
STALE_RUN_SECONDS = 600
RUNS = BackgroundRuns(
    name="matching",
    scope=MatchRun.edition,
    stale_after_seconds=STALE_RUN_SECONDS,
    still_going=N_("A matching run for this edition is still going; wait for it to finish."),
    logger=log,
)
# The runs under way in this process (what `wait_for_runs` waits for).
_tasks = RUNS.tasks


ORGANISERS_RUN_IT = N_("Only organisers run the matching.")


def _require_organiser(user: CurrentUser) -> None:
    """The run machinery's organiser check (start_run); every other use-case calls core's directly."""
    require_organiser(user, ORGANISERS_RUN_IT)


async def _period(edition: EditionRow) -> tuple[date, rules.Period | None]:
    state = await edition_state(edition)
    zone = ZoneInfo(edition.timezone)
    start, end = state.timeline.start_of(Phase.MENTORING), state.timeline.end_of(Phase.MENTORING)
    first = start.astimezone(zone).date() if start else utc_now().astimezone(zone).date()
    if start and end and end > start:
        return first, rules.Period(first, end.astimezone(zone).date())
    return first, None


async def load_inputs(edition_id: int) -> tuple[list[rules.Mentor], list[rules.Application]]:
    """The edition's mentors (with a profile) and the applications taken into the programme."""
    profiles = await (
        MentorProfile.select(*MentorProfile.all_columns(), MentorProfile.user.name.as_alias("name"))
        .where(MentorProfile.edition == edition_id)
        .output(load_json=True)
    )
    mentors = [
        rules.Mentor(
            id=p["user"],
            name=p["name"],
            organisation=p["organisation"],
            expertise=tuple(p["expertise"]),
            sectors=tuple(p["sectors"]),
            languages=tuple(p["languages"]),
            capacity=p["capacity"],
            timezone=p["timezone"],
            availability=tuple(rules.WeeklyWindow(*w) for w in p["availability"]),
            blackout_dates=frozenset(date.fromisoformat(d) for d in p["blackout_dates"]),
            conflict_startups=frozenset(p["conflict_startups"]),
            conflict_organisations=frozenset(p["conflict_organisations"]),
        )
        for p in profiles
    ]
    edition = await load_edition(edition_id)
    rows = await (
        Application.select(
            Application.id,
            Application.startup,
            Application.support_needed,
            Application.startup.name.as_alias("startup_name"),
            Application.startup.sector.as_alias("sector"),
            Application.startup.languages.as_alias("languages"),
        )
        .where(Application.edition == edition_id, Application.status.is_in(list(MENTORED)))
        .output(load_json=True)
    )
    applications = [
        rules.Application(
            id=r["id"],
            startup_id=r["startup"],
            startup_name=r["startup_name"],
            organisation=r["startup_name"],
            support_needed=tuple(r["support_needed"]),
            sector=r["sector"] or "",
            languages=tuple(r["languages"] or ()),
            timezone=edition.timezone,
        )
        for r in rows
    ]
    return mentors, applications


async def current_pairs(edition_id: int) -> list[MatchRow]:
    rows = await Match.select().where(Match.edition == edition_id).output(load_json=True)
    return [convert_row(row, MatchRow) for row in rows]


async def start_run(*, user: CurrentUser, edition_id: int) -> int:
    """Start a run in the background; its page shows the progress. One run at a time per edition."""
    _require_organiser(user)
    await load_edition(edition_id)
    return await RUNS.start(
        row=MatchRun(edition=edition_id, created_by=user.id, stage=N_("queued")),
        scope_id=edition_id,
        actor_id=user.id,
        action="matching.started",
        entity="edition",
        after={},
        execute=execute_run,
    )


async def wait_for_runs() -> None:
    """Let running matching runs finish (tests, shutdown)."""
    await RUNS.wait()


async def _progress(run_id: int, progress: int, stage: str) -> None:
    await RUNS.progress(run_id, progress, stage)


async def execute_run(run_id: int) -> None:
    """Load, solve off the event loop, and store the proposal; locked and published pairs stay."""
    run = await MatchRun.select(MatchRun.edition).where(MatchRun.id == run_id).first()
    if run is None:  # emptied before the task began (a test's teardown)
        return
    edition_id: int = run["edition"]
    async with RUNS.recording_failure(run_id):
        await _progress(run_id, 10, N_("loading profiles and applications"))
        mentors, applications = await load_inputs(edition_id)
        edition = await load_edition(edition_id)
        reference, period = await _period(edition)
        existing = await current_pairs(edition_id)
        # Published pairs may already have sessions: a re-run treats them as locked.
        previous = [
            rules.PreviousPair(m.mentor, m.application, m.locked or m.status == MatchStatus.PUBLISHED) for m in existing
        ]
        await _progress(run_id, 30, N_("scoring and solving"))
        result = await asyncio.to_thread(
            rules.rematch, mentors, applications, previous=previous, reference_date=reference, period=period
        )
        await _progress(run_id, 80, N_("saving the proposal"))
        await _store(run_id, edition_id, result, existing)


async def _store(run_id: int, edition_id: int, result: rules.MatchResult, existing: list[MatchRow]) -> None:
    kept = {(m.mentor, m.application) for m in existing if m.locked or m.status == MatchStatus.PUBLISHED}
    startup_of = {
        r["id"]: r["startup"]
        for r in await Application.select(Application.id, Application.startup).where(Application.edition == edition_id)
    }
    async with db.transaction():
        await Match.delete().where(
            Match.edition == edition_id, Match.locked.eq(False), Match.status == MatchStatus.PROPOSED
        )
        for pair in result.pairs:
            explanation = asdict(pair.explanation)
            if (pair.mentor_id, pair.application_id) in kept:
                await Match.update({Match.score: pair.score, Match.explanation: explanation}).where(
                    Match.key == f"{pair.mentor_id}:{pair.application_id}"
                )
                continue
            await Match.insert(
                Match(
                    edition=edition_id,
                    mentor=pair.mentor_id,
                    application=pair.application_id,
                    startup=startup_of[pair.application_id],
                    score=pair.score,
                    explanation=explanation,
                    key=f"{pair.mentor_id}:{pair.application_id}",
                    run=run_id,
                )
            )
        await MatchRun.update(
            {
                MatchRun.status: RunStatus.DONE,
                MatchRun.progress: 100,
                MatchRun.stage: "done",
                MatchRun.objective: result.objective,
                MatchRun.finished_at: utc_now(),
                MatchRun.unmatched: [
                    {
                        "application_id": u.application_id,
                        "reason": u.reason.value,
                        "missing": u.missing,
                        "message_id": u.message_id,
                        "params": {k: str(v) for k, v in u.params.items()},
                    }
                    for u in result.unmatched
                ],
                MatchRun.warnings: [_warning_out(w) for w in result.warnings],
            }
        ).where(MatchRun.id == run_id)
        await audit.record(
            actor_id=None,
            action="matching.proposed",
            entity="edition",
            entity_id=edition_id,
            after={
                "run": run_id,
                "pairs": len(result.pairs),
                "unmatched": len(result.unmatched),
                "objective": result.objective,
            },
        )


def _warning_out(warning: rules.PairWarning) -> dict[str, Any]:
    return {
        "kind": warning.kind.value,
        "mentor_id": warning.mentor_id,
        "application_id": warning.application_id,
        "message_id": warning.message_id,
        "params": {k: str(v) for k, v in warning.params.items()},
    }


def describe(explanation: dict[str, Any] | list[Any], tag_names: dict[str, str]) -> str:
    """A stored explanation in the reader's language, with expertise and language names."""
    if not explanation or isinstance(explanation, list):  # the column's default: nothing explained
        return ""
    readable = rules.Explanation(
        shared_expertise=tuple(_(tag_names.get(t, t)) for t in explanation.get("shared_expertise", ())),
        missing_expertise=tuple(explanation.get("missing_expertise", ())),
        sector=explanation.get("sector"),
        shared_languages=tuple(language_name(c) for c in explanation.get("shared_languages", ())),
        overlap_minutes=explanation.get("overlap_minutes"),
        days_away=explanation.get("days_away", 0),
        period_days=explanation.get("period_days", 0),
    )
    return "; ".join(_(template) % params for template, params in readable.parts)


# Message parameters that hold language codes ("sr, en"), shown as the languages' names.
_LANGUAGE_PARAMS = frozenset({"languages", "mentor_languages", "startup_languages"})


def _readable(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: ", ".join(language_name(code.strip()) for code in str(value).split(","))
        if key in _LANGUAGE_PARAMS and value not in ("", "—")
        else value
        for key, value in params.items()
    }


def message(stored: Mapping[str, Any]) -> str:
    return _(stored["message_id"]) % _readable(stored.get("params", {}))


async def check_current(
    edition_id: int, *, inputs: tuple[list[rules.Mentor], list[rules.Application]] | None = None
) -> list[str]:
    """The checker's warnings on the pairs as they stand (after hand edits); `inputs` are the
    edition's mentors and applications when the caller has loaded them already."""
    mentors, applications = inputs or await load_inputs(edition_id)
    __, period = await _period(await load_edition(edition_id))
    pairs = [rules.PairRef(m.mentor, m.application) for m in await current_pairs(edition_id)]
    warnings = rules.check_pairs(mentors, applications, pairs, period=period)
    return [_(w.message_id) % _readable(w.params) for w in warnings]


async def _load_match(match_id: int, edition_id: int) -> MatchRow:
    row = await Match.select().where(Match.id == match_id, Match.edition == edition_id).first().output(load_json=True)
    if row is None:
        raise NotFound(N_("This pair does not exist."))
    return convert_row(row, MatchRow)


async def set_locked(*, user: CurrentUser, edition_id: int, match_id: int, locked: bool) -> None:
    require_organiser(user, ORGANISERS_RUN_IT)
    async with db.transaction():
        match = await _load_match(match_id, edition_id)
        await Match.update({Match.locked: locked}).where(Match.id == match_id)
        await audit.record(
            actor_id=user.id,
            action="match.locked" if locked else "match.unlocked",
            entity="match",
            entity_id=match_id,
            before={"locked": match.locked},
            after={"locked": locked},
        )


async def remove_pair(*, user: CurrentUser, edition_id: int, match_id: int) -> None:
    require_organiser(user, ORGANISERS_RUN_IT)
    async with db.transaction():
        match = await _load_match(match_id, edition_id)
        if match.status == MatchStatus.PUBLISHED:
            raise StateConflict(N_("This pair is published; the mentor and the startup already know each other."))
        await Match.delete().where(Match.id == match_id)
        await audit.record(
            actor_id=user.id,
            action="match.removed",
            entity="match",
            entity_id=match_id,
            before={"mentor": match.mentor, "application": match.application},
        )


async def assign_by_hand(*, user: CurrentUser, edition_id: int, mentor_id: int, application_id: int) -> list[str]:
    """Pair a mentor with an application by hand (locked); returns the checker's warnings."""
    require_organiser(user, ORGANISERS_RUN_IT)
    mentors, applications = await load_inputs(edition_id)
    mentor = next((m for m in mentors if m.id == mentor_id), None)
    application = next((a for a in applications if a.id == application_id), None)
    if mentor is None or application is None:
        raise NotFound(N_("Choose a mentor with a profile and an application taken into the programme."))
    reference, period = await _period(await load_edition(edition_id))
    fits = {
        (f.mentor_id, f.application_id): f.score
        for f in rules.candidate_fits([mentor], [application], reference_date=reference, period=period)
    }
    result = rules.match_mentors(
        [mentor],
        [application],
        reference_date=reference,
        period=period,
        locked=[rules.PairRef(mentor_id, application_id)],
    )
    pair = result.pairs[0]
    async with db.transaction():
        if await Match.exists().where(Match.key == f"{mentor_id}:{application_id}"):
            await Match.update({Match.locked: True}).where(Match.key == f"{mentor_id}:{application_id}")
        else:
            await Match.insert(
                Match(
                    edition=edition_id,
                    mentor=mentor_id,
                    application=application_id,
                    startup=application.startup_id,
                    score=fits.get((mentor_id, application_id), pair.score),
                    explanation=asdict(pair.explanation),
                    locked=True,
                    key=f"{mentor_id}:{application_id}",
                )
            )
        await audit.record(
            actor_id=user.id,
            action="match.assigned",
            entity="edition",
            entity_id=edition_id,
            after={"mentor": mentor_id, "application": application_id, "locked": True},
        )
    return await check_current(edition_id)


async def publish(*, user: CurrentUser, edition_id: int) -> int:
    """Publish every proposed pair; mentors and teams are mailed who they work with."""
    require_organiser(user, ORGANISERS_RUN_IT)
    edition = await load_edition(edition_id)
    now = utc_now()
    tag_names = await expertise.vocabulary(include_retired=True)
    async with db.transaction():
        published = await (
            Match.update({Match.status: MatchStatus.PUBLISHED, Match.published_at: now})
            .where(Match.edition == edition_id, Match.status == MatchStatus.PROPOSED)
            .returning(Match.id, Match.mentor, Match.startup, Match.explanation)
        )
        if not published:
            raise StateConflict(N_("There is no proposed pair to publish."))
        names = {
            u["id"]: u
            for u in await User.select(User.id, User.name, User.email).where(
                User.id.is_in(list({p["mentor"] for p in published}))
            )
        }
        for pair in published:
            mentor = names[pair["mentor"]]
            startup = await _startup_name(pair["startup"])
            stored = pair["explanation"]
            explanation = describe(json.loads(stored) if isinstance(stored, str) else stored, tag_names)
            await queue_mail(
                to=mentor["email"],
                subject=_("Your mentoring match: %(startup)s") % {"startup": startup},
                template="mentoring_match",
                name=mentor["name"],
                other=startup,
                edition=edition,
                why=explanation,
                link="/mentor/",
            )
            for member in await _members(pair["startup"], edition_id):
                await queue_mail(
                    to=member["email"],
                    subject=_("Your mentor: %(mentor)s") % {"mentor": mentor["name"]},
                    template="mentoring_match",
                    name=member["name"],
                    other=mentor["name"],
                    edition=edition,
                    why=explanation,
                    link="/startup/mentoring",
                )
        await audit.record(
            actor_id=user.id,
            action="matching.published",
            entity="edition",
            entity_id=edition_id,
            after={"pairs": [p["id"] for p in published]},
        )
    return len(published)


async def _startup_name(startup_id: int) -> str:
    row = await Startup.select(Startup.name).where(Startup.id == startup_id).first()
    return row["name"] if row else ""


async def _members(startup_id: int, edition_id: int) -> list[dict[str, Any]]:
    return await StartupMember.select(
        StartupMember.user.name.as_alias("name"), StartupMember.user.email.as_alias("email")
    ).where(StartupMember.startup == startup_id, StartupMember.edition == edition_id)
