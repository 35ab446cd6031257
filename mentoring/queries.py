"""Read side of mentoring sessions: the mentor's and the startup's pages, the organiser's overview,
the CSV export, the JSON lists and the calendar feed."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from challenge.services import expertise, teams
from challenge.services.editions import load_edition
from challenge.tables import StartupMember
from core.auth import CurrentUser
from core.calendar import CalendarEvent
from core.i18n import gettext as _
from core.rules import N_
from core.rules.spreadsheets import safe_cell
from core.settings import get_settings
from mentoring.enums import Attendance, MatchStatus, SessionStatus, SlotStatus
from mentoring.services import sessions
from mentoring.services.matching import describe
from mentoring.tables import Match, MentoringSession, MentoringSlot, MentorProfile

# How far back the organiser's "no session lately" looks, in weeks: the default and the limit.
QUIET_WEEKS = 2
MAX_WEEKS = 52

_SESSION_COLUMNS = (
    MentoringSession.all_columns(),
    MentoringSession.startup.name.as_alias("startup_name"),
    MentoringSession.mentor.name.as_alias("mentor_name"),
    MentoringSession.slot.location.as_alias("location"),
    MentoringSession.slot.edition.as_alias("edition"),
)


def _took_place(session: dict[str, Any], now: datetime) -> bool:
    return (
        session["status"] != SessionStatus.CANCELLED
        and session["starts_at"] <= now
        and session["attendance"] != Attendance.NO_SHOW
    )


def _annotate(session: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    started = session["starts_at"] <= now
    cancelled = session["status"] == SessionStatus.CANCELLED
    session["started"] = started
    session["can_cancel"] = session["status"] == SessionStatus.BOOKED and sessions.has_notice(
        session["starts_at"], now=now
    )
    session["can_rate"] = started and not cancelled
    return session


def _split(rows: list[dict[str, Any]], *, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Coming up (soonest first), past (newest first), cancelled (newest first)."""
    return {
        "upcoming": [s for s in rows if s["status"] == SessionStatus.BOOKED and not s["started"]],
        "past": sorted(
            (s for s in rows if s["status"] != SessionStatus.CANCELLED and s["started"]),
            key=lambda s: s["starts_at"],
            reverse=True,
        ),
        "cancelled": sorted(
            (s for s in rows if s["status"] == SessionStatus.CANCELLED), key=lambda s: s["starts_at"], reverse=True
        ),
    }


# --- The mentor's page. ---------------------------------------------------------------------


async def mentor_page(user: CurrentUser, *, now: datetime) -> dict[str, Any]:
    """Profiles (one per edition), open slots ahead, sessions, each in the mentor's time zone."""
    profiles = await (
        MentorProfile.select(MentorProfile.all_columns(), MentorProfile.edition.name.as_alias("edition_name"))
        .where(MentorProfile.user == user.id)
        .order_by(MentorProfile.edition, ascending=False)
        .output(load_json=True)
    )
    by_edition = {p["edition"]: p for p in profiles}
    for profile in profiles:
        profile["hours"] = sessions.weekly_hours(profile)
        profile["mentoring_period"] = await sessions.mentoring_period(await load_edition(profile["edition"]))
    slots = await (
        MentoringSlot.select(MentoringSlot.all_columns(), MentoringSlot.edition.timezone.as_alias("edition_timezone"))
        .where(MentoringSlot.mentor == user.id, MentoringSlot.status == SlotStatus.OPEN, MentoringSlot.starts_at > now)
        .order_by(MentoringSlot.starts_at)
    )
    for slot in slots:
        profile = by_edition.get(slot["edition"])
        slot["timezone"] = profile["timezone"] if profile else slot["edition_timezone"]
        # A slot offered before the profile's hours changed: startups no longer see it.
        slot["outside_hours"] = profile is None or bool(
            sessions.availability_problem(slot["starts_at"], slot["ends_at"], sessions.Availability.of(profile))
        )
    rows = await (
        MentoringSession.select(*_SESSION_COLUMNS, MentoringSession.slot.edition.timezone.as_alias("edition_timezone"))
        .where(MentoringSession.mentor == user.id)
        .order_by(MentoringSession.starts_at)
    )
    for row in rows:
        profile = by_edition.get(row["edition"])
        row["timezone"] = profile["timezone"] if profile else row["edition_timezone"]
        _annotate(row, now=now)
    return {
        "profiles": profiles,
        "edition_options": [(p["edition"], p["edition_name"]) for p in profiles],
        "slots": slots,
        **_split(rows, now=now),
        "attendance_options": [(a.value, _label_of(a)) for a in Attendance],
        "when": sessions.when,
        "min_notice_hours": int(sessions.NOTICE.total_seconds() // 3600),
    }


def _label_of(attendance: Attendance) -> str:
    return {Attendance.ATTENDED: _("The team came"), Attendance.NO_SHOW: _("The team did not come")}[attendance]


async def notes_page(user: CurrentUser, session_id: int) -> dict[str, Any]:
    """One session with its private notes: for its mentor and organisers only (others: 403/404)."""
    session = await sessions.load_session(session_id)
    if session["mentor"] != user.id and not user.is_organiser:
        party = await sessions.party_of(user, session)
        sessions.refuse(user, party, N_("These notes are private to the session's mentor and the organisers."))
    row = await MentoringSession.select(*_SESSION_COLUMNS).where(MentoringSession.id == session_id).first()
    profile = await sessions.mentor_profile(row["mentor"], row["edition"])
    edition_timezone = (
        await MentoringSlot.select(MentoringSlot.edition.timezone.as_alias("tz"))
        .where(MentoringSlot.id == row["slot"])
        .first()
    )["tz"]
    row["timezone"] = profile["timezone"] if profile else edition_timezone
    return {
        "session": row,
        "may_edit": row["mentor"] == user.id,
        "attendance_options": [(a.value, _label_of(a)) for a in Attendance],
        "when": sessions.when,
    }


async def slot(slot_id: int) -> dict[str, Any] | None:
    return await MentoringSlot.select().where(MentoringSlot.id == slot_id).first()


async def session_summary(session_id: int) -> dict[str, Any]:
    """One session with names and place, without its notes (for its sides' JSON)."""
    return await MentoringSession.select(*_SESSION_COLUMNS).where(MentoringSession.id == session_id).first()


async def slots_of_mentor(user_id: int) -> list[dict[str, Any]]:
    return await (
        MentoringSlot.select()
        .where(MentoringSlot.mentor == user_id, MentoringSlot.status.is_in(list(sessions.ACTIVE_SLOT)))
        .order_by(MentoringSlot.starts_at)
    )


# --- The startup's page. --------------------------------------------------------------------


async def startup_page(user_id: int, *, now: datetime) -> list[dict[str, Any]]:
    """Per startup of the person: its published mentors with bookable slots, and its sessions."""
    startups = await teams.startups_of_user(user_id)
    tag_names = await expertise.vocabulary(include_retired=True) if startups else {}
    for startup in startups:
        edition_id, zone = startup["edition_id"], startup["edition_timezone"]
        matches = await (
            Match.select(Match.all_columns(), Match.mentor.name.as_alias("mentor_name"))
            .where(Match.startup == startup["id"], Match.edition == edition_id, Match.status == MatchStatus.PUBLISHED)
            .order_by(Match.id)
            .output(load_json=True)
        )
        mentor_ids = [m["mentor"] for m in matches]
        profiles: dict[int, dict[str, Any]] = {}
        open_slots: list[dict[str, Any]] = []
        if mentor_ids:
            profiles = {
                p["user"]: p
                for p in await MentorProfile.select()
                .where(MentorProfile.edition == edition_id, MentorProfile.user.is_in(mentor_ids))
                .output(load_json=True)
            }
            open_slots = await (
                MentoringSlot.select()
                .where(
                    MentoringSlot.mentor.is_in(mentor_ids),
                    MentoringSlot.edition == edition_id,
                    MentoringSlot.status == SlotStatus.OPEN,
                    MentoringSlot.starts_at > now,
                )
                .order_by(MentoringSlot.starts_at)
            )
        by_mentor: dict[int, dict[str, Any]] = {}
        for match in matches:
            profile = profiles.get(match["mentor"])
            match["explanation_text"] = describe(match["explanation"], tag_names)
            match["mentor_timezone"] = profile["timezone"] if profile else zone
            match["slots"] = [
                slot
                for slot in open_slots
                if slot["mentor"] == match["mentor"]
                and profile is not None
                and not sessions.availability_problem(
                    slot["starts_at"], slot["ends_at"], sessions.Availability.of(profile)
                )
            ]
            by_mentor[match["mentor"]] = match
        rows = await (
            MentoringSession.select(*_SESSION_COLUMNS)
            .where(MentoringSession.startup == startup["id"], MentoringSession.match.edition == edition_id)
            .order_by(MentoringSession.starts_at)
        )
        for row in rows:
            _annotate(row, now=now)
            match = by_mentor.get(row["mentor"])
            row["mentor_timezone"] = match["mentor_timezone"] if match else zone
            row["reschedule_options"] = match["slots"] if match else []
        startup.update(matches=matches, timezone=zone, **_split(rows, now=now))
    return startups


async def bookable_slots(user_id: int, *, now: datetime) -> list[dict[str, Any]]:
    """Open slots the person's startups may book, each with the match to book it under."""
    return [
        {**slot, "match_id": match["id"], "mentor_name": match["mentor_name"], "startup_id": startup["id"]}
        for startup in await startup_page(user_id, now=now)
        for match in startup["matches"]
        for slot in match["slots"]
    ]


async def sessions_of_user(user_id: int) -> list[dict[str, Any]]:
    """Sessions where the person is the mentor or in the startup's team (notes left out)."""
    startup_ids = [
        r["startup"] for r in await StartupMember.select(StartupMember.startup).where(StartupMember.user == user_id)
    ]
    mine = MentoringSession.mentor == user_id
    if startup_ids:
        mine = mine | MentoringSession.startup.is_in(startup_ids)
    return await MentoringSession.select(*_SESSION_COLUMNS).where(mine).order_by(MentoringSession.starts_at)


# --- The organiser's overview. --------------------------------------------------------------


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


async def overview(edition_id: int, *, weeks: int, now: datetime) -> dict[str, Any]:
    """Sessions per published match, quiet startups, mentors over capacity, ratings per mentor."""
    weeks = max(1, min(MAX_WEEKS, weeks))
    since = now - timedelta(weeks=weeks)
    matches = await (
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
    rows: list[dict[str, Any]] = []
    if matches:
        rows = await (
            MentoringSession.select(*_SESSION_COLUMNS)
            .where(MentoringSession.match.is_in([m["id"] for m in matches]))
            .order_by(MentoringSession.starts_at)
        )
    capacity = {
        p["user"]: p["capacity"]
        for p in await MentorProfile.select(MentorProfile.user, MentorProfile.capacity).where(
            MentorProfile.edition == edition_id
        )
    }
    by_match: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_match[row["match"]].append(_annotate(row, now=now))
    for match in matches:
        own = by_match[match["id"]]
        held = [s for s in own if _took_place(s, now)]
        upcoming = [s for s in own if s["status"] == SessionStatus.BOOKED and s["starts_at"] > now]
        match.update(
            sessions=own,
            held=len(held),
            upcoming=len(upcoming),
            cancelled=sum(s["status"] == SessionStatus.CANCELLED for s in own),
            no_shows=sum(s["attendance"] == Attendance.NO_SHOW for s in own),
            last_at=max((s["starts_at"] for s in held), default=None),
            next_at=min((s["starts_at"] for s in upcoming), default=None),
            rating=_mean([s["rating"] for s in own if s["rating"] is not None]),
        )
    quiet: dict[int, dict[str, Any]] = {}
    for match in matches:
        recent = any(since <= s["starts_at"] for s in match["sessions"] if _took_place(s, now))
        entry = quiet.setdefault(
            match["startup"],
            {"startup_name": match["startup_name"], "mentors": [], "last_at": None, "next_at": None, "recent": False},
        )
        entry["mentors"].append(match["mentor_name"])
        entry["recent"] = entry["recent"] or recent
        entry["last_at"] = max((t for t in (entry["last_at"], match["last_at"]) if t), default=None)
        entry["next_at"] = min((t for t in (entry["next_at"], match["next_at"]) if t), default=None)
    mentors: dict[int, dict[str, Any]] = {}
    for match in matches:
        mentor = mentors.setdefault(
            match["mentor"],
            {
                "id": match["mentor"],
                "name": match["mentor_name"],
                "matches": 0,
                "held": 0,
                "ratings": [],
                "capacity": capacity.get(match["mentor"]),
            },
        )
        mentor["matches"] += 1
        mentor["held"] += match["held"]
        mentor["ratings"] += [s["rating"] for s in match["sessions"] if s["rating"] is not None]
    for mentor in mentors.values():
        mentor["over_capacity"] = mentor["capacity"] is not None and mentor["matches"] > mentor["capacity"]
        mentor["rated"] = len(mentor["ratings"])
        mentor["rating"] = _mean(mentor["ratings"])
    for match in matches:
        match["quiet"] = not quiet[match["startup"]]["recent"]
        match["mentor_stats"] = mentors[match["mentor"]]
    ordered = sorted(mentors.values(), key=lambda m: m["name"].lower())
    return {
        "weeks": weeks,
        "since": since,
        "matches": sorted(matches, key=lambda m: (m["startup_name"].lower(), m["mentor_name"].lower())),
        "quiet": sorted((q for q in quiet.values() if not q["recent"]), key=lambda q: q["startup_name"].lower()),
        "over_capacity": [m for m in ordered if m["over_capacity"]],
        "mentors": ordered,
    }


def _stamp(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _number(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def overview_csv(data: dict[str, Any]) -> str:
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
            f"no_session_in_last_{data['weeks']}_weeks",
            "mentor_matches",
            "mentor_capacity",
            "mentor_over_capacity",
            "mentor_rating",
            "mentor_ratings",
        ]
    )
    for match in data["matches"]:
        mentor = match["mentor_stats"]
        writer.writerow(
            [
                match["id"],
                safe_cell(mentor["name"]),
                safe_cell(match["startup_name"]),
                match["held"],
                match["upcoming"],
                match["cancelled"],
                match["no_shows"],
                _stamp(match["last_at"]),
                _stamp(match["next_at"]),
                _number(match["rating"]),
                "yes" if match["quiet"] else "no",
                mentor["matches"],
                "" if mentor["capacity"] is None else mentor["capacity"],
                "yes" if mentor["over_capacity"] else "no",
                _number(mentor["rating"]),
                mentor["rated"],
            ]
        )
    return out.getvalue()


# --- The personal calendar feed. -------------------------------------------------------------


async def calendar_events(user_id: int) -> list[CalendarEvent]:
    """A person's sessions, as mentor or as a member of the startup; cancelled ones stay, marked."""
    base = get_settings().base_url
    events: dict[str, CalendarEvent] = {}
    for row in await sessions_of_user(user_id):
        as_mentor = row["mentor"] == user_id
        cancelled = row["status"] == SessionStatus.CANCELLED
        summary = (
            _("Mentoring: %(startup)s") % {"startup": row["startup_name"]}
            if as_mentor
            else _("Mentoring with %(mentor)s") % {"mentor": row["mentor_name"]}
        )
        description = ""
        if cancelled:
            description = " ".join(part for part in (_("Cancelled."), row["cancel_reason"]) if part)
        uid = f"mentoring-session-{row['id']}"
        events[uid] = CalendarEvent(
            uid=uid,
            summary=summary,
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            description=description,
            location=row["location"],
            url=f"{base}{'/mentor/sessions' if as_mentor else '/startup/mentoring'}",
            cancelled=cancelled,
            # Booked is the first version of the event, cancelled the second.
            sequence=1 if cancelled else 0,
        )
    return list(events.values())
