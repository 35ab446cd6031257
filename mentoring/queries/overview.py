"""The organiser's overview of an edition's mentoring, and the same as CSV.

Per published pair its sessions and counts; the startups without a session lately; the mentors
with more startups than they offered to take; the ratings per mentor.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec

from core.rules.spreadsheets import safe_cell
from mentoring.enums import Attendance, MatchStatus, SessionStatus
from mentoring.queries.session_views import SessionView, annotate, session_rows, took_place
from mentoring.services.sessions.access import SESSION_COLUMNS
from mentoring.tables import Match, MentoringSession, MentorProfile

# How far back the organiser's "no session lately" looks, in weeks: the default and the limit.
QUIET_WEEKS = 2
MAX_WEEKS = 52


class PublishedPair(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    mentor: int
    startup: int
    mentor_name: str
    startup_name: str


class PairCounts(msgspec.Struct, frozen=True, kw_only=True):
    """What happened in one pair's sessions."""

    sessions: list[SessionView]
    held: int
    upcoming: int
    cancelled: int
    no_shows: int
    last_at: datetime | None
    next_at: datetime | None
    rating: float | None


class MentorStats(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    matches: int
    held: int
    capacity: int | None
    over_capacity: bool
    rated: int
    rating: float | None


class PairOverview(PairCounts, frozen=True, kw_only=True):
    """A published pair with its sessions, its counts, its startup's quietness and its mentor's figures."""

    id: int
    mentor: int
    startup: int
    mentor_name: str
    startup_name: str
    quiet: bool
    mentor_stats: MentorStats


class QuietStartup(msgspec.Struct, frozen=True, kw_only=True):
    startup_name: str
    mentors: list[str]
    last_at: datetime | None
    next_at: datetime | None


class Overview(msgspec.Struct, frozen=True, kw_only=True):
    weeks: int
    since: datetime
    matches: list[PairOverview]
    quiet: list[QuietStartup]
    over_capacity: list[MentorStats]
    mentors: list[MentorStats]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _ratings(sessions: list[SessionView]) -> list[int]:
    return [s.rating for s in sessions if s.rating is not None]


async def _published_pairs(edition_id: int) -> list[PublishedPair]:
    rows = await (
        Match.select(
            Match.id,
            Match.mentor,
            Match.startup,
            Match.mentor.name.as_alias("mentor_name"),
            Match.startup.name.as_alias("startup_name"),
        )
        .where(Match.edition == edition_id, Match.status == MatchStatus.PUBLISHED)
        .order_by(Match.id)
    )
    return [msgspec.convert(row, PublishedPair) for row in rows]


async def _sessions_by_match(pairs: list[PublishedPair], *, now: datetime) -> dict[int, list[SessionView]]:
    by_match: dict[int, list[SessionView]] = defaultdict(list)
    if pairs:
        rows = await (
            MentoringSession.select(*SESSION_COLUMNS)
            .where(MentoringSession.match.is_in([p.id for p in pairs]))
            .order_by(MentoringSession.starts_at)
        )
        for row in session_rows(rows):
            by_match[row.match].append(annotate(row, now=now))
    return by_match


def _counts(own: list[SessionView], *, now: datetime) -> PairCounts:
    held = [s for s in own if took_place(s, now)]
    upcoming = [s for s in own if s.status == SessionStatus.BOOKED and s.starts_at > now]
    return PairCounts(
        sessions=own,
        held=len(held),
        upcoming=len(upcoming),
        cancelled=sum(s.status == SessionStatus.CANCELLED for s in own),
        no_shows=sum(s.attendance == Attendance.NO_SHOW for s in own),
        last_at=max((s.starts_at for s in held), default=None),
        next_at=min((s.starts_at for s in upcoming), default=None),
        rating=_mean(_ratings(own)),
    )


@dataclass
class _Startup:
    """A startup's pairs taken together: who mentors it, when it last and next meets one."""

    name: str
    mentors: list[str] = field(default_factory=list)
    last_at: datetime | None = None
    next_at: datetime | None = None
    recent: bool = False


def _startups(
    pairs: list[PublishedPair], counts: dict[int, PairCounts], *, since: datetime, now: datetime
) -> dict[int, _Startup]:
    startups: dict[int, _Startup] = {}
    for pair in pairs:
        own = counts[pair.id]
        entry = startups.setdefault(pair.startup, _Startup(name=pair.startup_name))
        entry.mentors.append(pair.mentor_name)
        entry.recent = entry.recent or any(since <= s.starts_at for s in own.sessions if took_place(s, now))
        entry.last_at = max((t for t in (entry.last_at, own.last_at) if t), default=None)
        entry.next_at = min((t for t in (entry.next_at, own.next_at) if t), default=None)
    return startups


def _mentors(
    pairs: list[PublishedPair], counts: dict[int, PairCounts], capacity: dict[int, int]
) -> dict[int, MentorStats]:
    names: dict[int, str] = {}
    matches: dict[int, int] = defaultdict(int)
    held: dict[int, int] = defaultdict(int)
    ratings: dict[int, list[int]] = defaultdict(list)
    for pair in pairs:
        names.setdefault(pair.mentor, pair.mentor_name)
        matches[pair.mentor] += 1
        held[pair.mentor] += counts[pair.id].held
        ratings[pair.mentor] += _ratings(counts[pair.id].sessions)
    stats = {}
    for mentor, name in names.items():
        limit = capacity.get(mentor)
        stats[mentor] = MentorStats(
            id=mentor,
            name=name,
            matches=matches[mentor],
            held=held[mentor],
            capacity=limit,
            over_capacity=limit is not None and matches[mentor] > limit,
            rated=len(ratings[mentor]),
            rating=_mean(ratings[mentor]),
        )
    return stats


async def overview(edition_id: int, *, weeks: int, now: datetime) -> Overview:
    """Sessions per published match, quiet startups, mentors over capacity, ratings per mentor."""
    weeks = max(1, min(MAX_WEEKS, weeks))
    since = now - timedelta(weeks=weeks)
    pairs = await _published_pairs(edition_id)
    by_match = await _sessions_by_match(pairs, now=now)
    capacity = {
        p["user"]: p["capacity"]
        for p in await MentorProfile.select(MentorProfile.user, MentorProfile.capacity).where(
            MentorProfile.edition == edition_id
        )
    }
    counts = {pair.id: _counts(by_match[pair.id], now=now) for pair in pairs}
    startups = _startups(pairs, counts, since=since, now=now)
    mentors = _mentors(pairs, counts, capacity)
    rows = [
        PairOverview(
            **msgspec.structs.asdict(pair),
            **msgspec.structs.asdict(counts[pair.id]),
            quiet=not startups[pair.startup].recent,
            mentor_stats=mentors[pair.mentor],
        )
        for pair in pairs
    ]
    ordered = sorted(mentors.values(), key=lambda m: m.name.lower())
    quiet = [
        QuietStartup(startup_name=s.name, mentors=s.mentors, last_at=s.last_at, next_at=s.next_at)
        for s in startups.values()
        if not s.recent
    ]
    return Overview(
        weeks=weeks,
        since=since,
        matches=sorted(rows, key=lambda m: (m.startup_name.lower(), m.mentor_name.lower())),
        quiet=sorted(quiet, key=lambda q: q.startup_name.lower()),
        over_capacity=[m for m in ordered if m.over_capacity],
        mentors=ordered,
    )


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _number(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def overview_csv(data: Overview) -> str:
    """The overview as one line per published match, with the startup's and the mentor's flags."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "match_id",
            "mentor",
            "startup",
            "sessions_held",
            "sessions_upcoming",
            "sessions_cancelled",
            "no_shows",
            "last_session_at",
            "next_session_at",
            "match_rating",
            f"no_session_in_last_{data.weeks}_weeks",
            "mentor_matches",
            "mentor_capacity",
            "mentor_over_capacity",
            "mentor_rating",
            "mentor_ratings",
        ]
    )
    for match in data.matches:
        mentor = match.mentor_stats
        writer.writerow(
            [
                match.id,
                safe_cell(mentor.name),
                safe_cell(match.startup_name),
                match.held,
                match.upcoming,
                match.cancelled,
                match.no_shows,
                _stamp(match.last_at),
                _stamp(match.next_at),
                _number(match.rating),
                "yes" if match.quiet else "no",
                mentor.matches,
                "" if mentor.capacity is None else mentor.capacity,
                "yes" if mentor.over_capacity else "no",
                _number(mentor.rating),
                mentor.rated,
            ]
        )
    return out.getvalue()
