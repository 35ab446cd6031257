"""The hackathon: today and tomorrow, its rooms, sessions and panels, and its built schedule."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from core.clock import utc_now
from core.demo.people import JUDGES, ORGANISER
from core.demo.world import ZONE, World
from hackathon import forms
from hackathon.queries.hackathons import load_hackathon
from hackathon.services import building, editing, setup
from hackathon.tables import ScheduleRun

HACKATHON_FORM = {
    "name": "Smart Challenge Hackathon", "venue": "Startit Centar, Novi Sad", "timezone": ZONE,
    "slot_minutes": "5", "pitch_minutes": "10", "office_hours_minutes": "30", "buffer_minutes": "5",
    "panel_sitting_minutes": "90", "panel_pause_minutes": "15", "pitches_per_team": "1", "office_hours_per_team": "1",
}  # fmt: skip
ROOMS = [("Main hall", "120"), ("Room Tesla", "20"), ("Room Pupin", "20"), ("Mentor corner", "12")]
# title, kind, day (0 or 1), from, to, room (index or None), for everyone.
HACKATHON_SESSIONS = [
    ("Opening and the municipalities' challenges", "talk", 0, "09:00", "09:45", 0, True),
    ("Lunch", "break", 0, "13:00", "14:00", None, True),
    ("Procurement for pilots: what a municipality may buy", "workshop", 0, "16:00", "17:00", 0, False),
    ("Lunch", "break", 1, "12:30", "13:30", None, True),
    ("Final pitches and awards", "talk", 1, "16:00", "18:00", 0, True),
]
PANELS = [("Panel City", [1, 4, 7]), ("Panel Rural", [0, 3, 5])]  # indexes into JUDGES


async def hackathon(world: World) -> None:
    """Today and tomorrow: rooms, talks and breaks, two panels (the schedule is built once this is committed)."""
    organiser = await world.as_user(ORGANISER)
    day = utc_now().astimezone(ZoneInfo(ZONE)).date()
    dates = [day, day + timedelta(days=1)]
    # The organiser's forms, filled in: the demo's values go through the same checks as a person's.
    hackathon_id = await setup.create_hackathon(
        user=organiser,
        edition_id=world.edition,
        command=forms.hackathon_command(
            {
                **HACKATHON_FORM,
                "starts_at": f"{dates[0].isoformat()}T09:00",
                "ends_at": f"{dates[1].isoformat()}T18:00",
            }
        ),
    )
    rooms = [
        await setup.add_room(
            user=organiser,
            hackathon_id=hackathon_id,
            command=forms.room_command({"room_name": name, "capacity": capacity}, ZONE),
        )
        for name, capacity in ROOMS
    ]
    created = await load_hackathon(hackathon_id)
    for title, kind, on_day, start, end, room, everyone in HACKATHON_SESSIONS:
        form = {
            "session_kind": kind,
            "session_title": title,
            "session_starts_at": f"{dates[on_day].isoformat()}T{start}",
            "session_ends_at": f"{dates[on_day].isoformat()}T{end}",
            "session_room": "" if room is None else str(rooms[room]),
            "session_everyone": "on" if everyone else "",
        }
        command = forms.session_command(form, created, set(rooms))
        await setup.add_session(user=organiser, hackathon_id=hackathon_id, command=command)
    for name, members in PANELS:
        judge_ids = [world.users[JUDGES[i][0]] for i in members]
        panel = forms.panel_command({"panel_name": name, "judge_ids": [str(j) for j in judge_ids]}, set(judge_ids))
        await setup.add_panel(user=organiser, hackathon_id=hackathon_id, command=panel)
    world.hackathon = hackathon_id


async def build_schedule(world: World) -> None:
    """The solver builds the schedule; the organiser publishes it."""
    organiser = await world.as_user(ORGANISER)
    hackathon_id = world.hackathon
    run_id = await building.start_run(user=organiser, hackathon_id=hackathon_id, time_limit_seconds=5)
    await building.wait_for_runs()
    run = await ScheduleRun.select().where(ScheduleRun.id == run_id).first().output(load_json=True)
    if run["status"] != "done" or run["unplaced"]:
        print(f"demo: the schedule run ended {run['status']} with {len(run['unplaced'] or [])} items unplaced")
    await editing.publish(user=organiser, hackathon_id=hackathon_id)
