"""The organiser's overview of sessions, quiet startups, capacity and ratings, and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from core.clock import utc_now
from core.enums import Role
from tests.integration.mentoring.sessions_world import (
    booked_session,
    day_ahead,
    make_match,
    make_team,
    make_world,
    move_session_to,
    offered_slot,
)
from tests.web import WebClient


async def test_the_overview_shows_quiet_startups_capacity_and_ratings_and_exports_csv(logged_in) -> None:
    world = await make_world(logged_in, capacity=1)
    quiet_member, quiet_startup = await make_team(logged_in, world.edition, "ParkPulse")
    quiet_match = await make_match(world.edition, world.mentor, quiet_startup)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    session = await booked_session(world, await offered_slot(world.mentor, world.edition, day_ahead(), 10, 11))
    early = await world.member.post_form(f"/startup/mentoring/sessions/{session['id']}/rating", {"rating": "4"})
    held_at = (utc_now() - timedelta(days=3)).replace(microsecond=0)
    await move_session_to(session, held_at)
    rated = await world.member.post_form(
        f"/startup/mentoring/sessions/{session['id']}/rating", {"rating": "4", "feedback": "Very practical"}
    )
    bad = await world.member.post_form(f"/startup/mentoring/sessions/{session['id']}/rating", {"rating": "9"})
    base = f"/organiser/editions/{world.edition['id']}/mentoring"

    page = await organiser.get(f"{base}/overview")
    export = await organiser.get(f"{base}/overview.csv?weeks=2")
    forbidden = await world.mentor.get(f"{base}/overview")

    assert (early.status_code, rated.status_code, bad.status_code) == (409, 302, 422)
    assert "You can rate the session once it has started." in early.text
    assert "Choose from 1 (poor) to 5 (excellent)." in bad.text
    assert page.status_code == 200 and forbidden.status_code == 403
    quiet_section = page.text.split('id="quiet"')[1].split("</section>")[0]
    assert "ParkPulse" in quiet_section and "AgroSense" not in quiet_section
    assert "Mira Mentor: 2 startups for a capacity of 1" in page.text
    assert "Very practical" in page.text
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    by_startup = {row["startup"]: row for row in rows}
    assert by_startup["AgroSense"] == {
        "match_id": str(world.match_id),
        "mentor": "Mira Mentor",
        "startup": "AgroSense",
        "sessions_held": "1",
        "sessions_upcoming": "0",
        "sessions_cancelled": "0",
        "no_shows": "0",
        "last_session_at": held_at.isoformat(),
        "next_session_at": "",
        "match_rating": "4.00",
        "no_session_in_last_2_weeks": "no",
        "mentor_matches": "2",
        "mentor_capacity": "1",
        "mentor_over_capacity": "yes",
        "mentor_rating": "4.00",
        "mentor_ratings": "1",
    }
    assert (by_startup["ParkPulse"]["match_id"], by_startup["ParkPulse"]["no_session_in_last_2_weeks"]) == (
        str(quiet_match),
        "yes",
    )
    assert quiet_member is not None
