"""Feedback to teams over HTTP: the organiser's choice per round, the judge's "for organisers
only", and what a team reads once the results are published: on its application page, in the
results mail and from the API, with its judges as letters and never by name."""

from __future__ import annotations

import html
import re

from challenge.tables import Application, Startup, StartupMember
from core.enums import Role
from core.tables import OutboxMessage
from judging.tables import Criterion, Round, RoundApplication, ScoreSheet
from tests.factories import PASSWORD, make_edition, make_score_sheet, make_user
from tests.web import WebClient

JUDGES = [("Dragana Sudić", "dragana@jury.rs"), ("Petar Ocenić", "petar@jury.rs")]


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def team_in(edition: dict, name: str, email: str) -> int:
    """A startup with its founder (`email`) and an accepted application; its id."""
    startup = (await Startup.insert(Startup(name=name, country="Serbia", city="Niš")).returning(Startup.id))[0]["id"]
    member = await make_user(
        email=email, name=f"{name} founder", role=Role.STARTUP, edition_id=edition["id"], organisation_id=startup
    )
    await StartupMember.insert(
        StartupMember(startup=startup, user=member["id"], edition=edition["id"], key=f"{edition['id']}:{member['id']}")
    )
    return (
        await Application.insert(
            Application(
                edition=edition["id"],
                startup=startup,
                track="smart_city",
                status="accepted",
                solution=f"{name} solves it.",
                active_key=f"{edition['id']}:{startup}:smart_city",
            )
        ).returning(Application.id)
    )[0]["id"]


async def scored_round(edition: dict, apps: list[int], **settings: object) -> tuple[int, list[int]]:
    """A closed round: both judges score every team on Impact and Team; the first advances."""
    round_id = (
        await Round.insert(
            Round(edition=edition["id"], name="Semi-final", status="closed", advance_count=1, **settings)
        ).returning(Round.id)
    )[0]["id"]
    impact, team = [
        (await Criterion.insert(Criterion(round=round_id, position=p, name=n)).returning(Criterion.id))[0]["id"]
        for p, n in [(1, "Impact"), (2, "Team")]
    ]
    judges = [await make_user(role=Role.JUDGE, edition_id=edition["id"], name=n, email=e) for n, e in JUDGES]
    scores = {apps[0]: [(9, 8), (7, 6)], apps[1]: [(5, 4), (3, 4)], apps[2]: [(6, 6), (6, 2)]}
    for position, application in enumerate(apps):
        await RoundApplication.insert(
            RoundApplication(
                round=round_id, application=application, key=f"{round_id}:{application}", advanced=position == 0
            )
        )
    for application in apps:
        for judge, (i, t) in zip(judges, scores[application], strict=True):
            comments = {str(impact): "Strong pilot plan.", str(team): "Hire a sales lead."}
            await make_score_sheet(
                round_id=round_id,
                judge_id=judge["id"],
                application_id=application,
                key=f"{round_id}:{judge['id']}:{application}",
                values={str(impact): i, str(team): t},
                comments=comments if judge is judges[0] else {str(impact): "Thin market evidence."},
                # The first judge keeps the Team comment for the organisers.
                private_comments=[str(team)] if judge is judges[0] else [],
                status="submitted",
                total=(i + t) / 2,
            )
    # A draft of a third judge counts for nothing.
    late = await make_user(role=Role.JUDGE, edition_id=edition["id"], name="Late Lazić", email="late@jury.rs")
    await make_score_sheet(
        round_id=round_id,
        judge_id=late["id"],
        application_id=apps[0],
        key=f"{round_id}:{late['id']}:{apps[0]}",
        values={str(impact): 1, str(team): 1},
        comments={str(impact): "Late Lazić's draft note."},
        status="draft",
    )
    return round_id, [impact, team]


async def _member(app_client: WebClient, email: str) -> WebClient:
    await app_client.login(email, PASSWORD)
    return app_client


async def test_a_published_round_shows_each_team_its_scores_and_anonymous_comments_nowhere_naming_a_judge(
    logged_in, client
) -> None:
    edition = await make_edition()
    apps = [
        await team_in(edition, "AgroSense", "mila@agrosense.rs"),
        await team_in(edition, "ParkPulse", "luka@parkpulse.rs"),
        await team_in(edition, "FlowCity", "ivan@flowcity.rs"),
    ]
    round_id, _ = await scored_round(edition, apps, feedback_scores="raw_mean", feedback_comments=True)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    founder = await _member(client, "mila@agrosense.rs")

    before = await founder.get(f"/startup/applications/{apps[0]}")
    before_api = await founder.get(f"/api/v1/judging/applications/{apps[0]}/feedback")
    published = await organiser.post_form(f"/organiser/rounds/{round_id}/publish", {"outcome": "finalist"})
    told = _text((await organiser.get(f"/organiser/rounds/{round_id}/")).text)
    page = await founder.get(f"/startup/applications/{apps[0]}")
    api = await founder.get(f"/api/v1/judging/applications/{apps[0]}/feedback")

    assert "Judges&#39; feedback" not in before.text and before_api.json()["rounds"] == []
    assert published.status_code == 302
    assert "3 teams were mailed their judges' feedback." in told
    text = _text(page.text)
    assert "Judges' feedback" in text and "Semi-final" in text
    # Impact: AgroSense 8 (9 and 7); the field 4, 6, 8.
    assert "Your mean: 8 from 2 judges, place 1 of 3 teams." in text
    assert "All teams: lowest 4, middle half 5–7, median 6, highest 8." in text
    assert "Judge A Impact Strong pilot plan. Judge B Impact Thin market evidence." in text
    assert "Hire a sales lead" not in text and "draft note" not in text
    body = api.json()
    assert body["application_id"] == apps[0]
    [shown] = body["rounds"]
    assert (shown["round_name"], shown["scores_mode"]) == ("Semi-final", "raw_mean")
    assert [(s["name"], s["mean"], s["place"]) for s in shown["scores"]] == [("Impact", 8.0, 1), ("Team", 7.0, 1)]
    assert shown["scores"][0]["field"] == {
        "teams": 3,
        "minimum": 4.0,
        "lower_quartile": 5.0,
        "median": 6.0,
        "upper_quartile": 7.0,
        "maximum": 8.0,
    }
    assert shown["comments"] == [
        {
            "letter": "A",
            "comments": [
                {
                    "criterion_id": shown["scores"][0]["criterion_id"],
                    "criterion": "Impact",
                    "text": "Strong pilot plan.",
                }
            ],
        },
        {
            "letter": "B",
            "comments": [
                {
                    "criterion_id": shown["scores"][0]["criterion_id"],
                    "criterion": "Impact",
                    "text": "Thin market evidence.",
                }
            ],
        },
    ]
    mails = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.body_text).where(
        OutboxMessage.subject == "Judges' feedback: Semi-final"
    )
    assert sorted(m["to_address"] for m in mails) == ["ivan@flowcity.rs", "luka@parkpulse.rs", "mila@agrosense.rs"]
    mail = next(m["body_text"] for m in mails if m["to_address"] == "mila@agrosense.rs")
    assert "- Impact: 8 (scale 1–10); place 1 of 3; all teams: lowest 4, middle half 5–7, highest 8" in mail
    assert "Judge A:\n- Impact: Strong pilot plan." in mail
    assert f"/startup/applications/{apps[0]}#feedback" in mail
    for seen in (page.text, api.text, *(m["body_text"] for m in mails)):
        for name, email in [*JUDGES, ("Late Lazić", "late@jury.rs")]:
            assert name not in seen and email not in seen


async def test_only_the_team_and_organisers_read_the_feedback(logged_in, client) -> None:
    edition = await make_edition()
    apps = [await team_in(edition, n, f"founder@{n.lower()}.rs") for n in ("AgroSense", "ParkPulse", "FlowCity")]
    round_id, _ = await scored_round(edition, apps, feedback_scores="normalised_mean")
    await Round.update({Round.status: "published"}).where(Round.id == round_id)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    other_team = await _member(client, "founder@parkpulse.rs")

    url = f"/api/v1/judging/applications/{apps[0]}/feedback"
    mine = await other_team.get(f"/api/v1/judging/applications/{apps[1]}/feedback")

    assert (await other_team.get(url)).status_code == 404
    assert (await other_team.get(f"/startup/applications/{apps[0]}")).status_code == 404
    assert (await judge.get(url)).status_code == 404
    organisers = await organiser.get(url)
    assert organisers.status_code == 200 and organisers.json()["rounds"][0]["scores_mode"] == "normalised_mean"
    # Normalised without comments: the round shares no comments, so none are shown.
    [round_] = mine.json()["rounds"]
    assert round_["comments"] == [] and [s["place"] for s in round_["scores"]] == [3, 2]


async def test_a_round_that_shares_nothing_shows_and_mails_nothing(logged_in, client) -> None:
    edition = await make_edition()
    apps = [await team_in(edition, n, f"founder@{n.lower()}.rs") for n in ("AgroSense", "ParkPulse", "FlowCity")]
    round_id, _ = await scored_round(edition, apps)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    founder = await _member(client, "founder@agrosense.rs")

    await organiser.post_form(f"/organiser/rounds/{round_id}/publish", {"outcome": "finalist"})

    assert (await Round.select(Round.status).where(Round.id == round_id).first())["status"] == "published"
    assert "Judges&#39; feedback" not in (await founder.get(f"/startup/applications/{apps[0]}")).text
    assert (await founder.get(f"/api/v1/judging/applications/{apps[0]}/feedback")).json()["rounds"] == []
    assert await OutboxMessage.count().where(OutboxMessage.subject.like("Judges' feedback%")) == 0


async def test_the_organiser_sets_feedback_on_the_round_form_and_the_judge_keeps_a_comment_private(logged_in) -> None:
    edition = await make_edition()
    organiser: WebClient = await logged_in(Role.ORGANISER)
    form = {
        "name": "Screening",
        "method": "weighted_rubric",
        "entry": "all_submitted",
        "judges_per_application": "1",
        "max_per_judge": "10",
        "advance_count": "1",
        "normalisation": "judge_offset",
    }
    refused = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/", {**form, "feedback_scores": "everything"}
    )
    created = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/",
        {**form, "feedback_scores": "normalised_mean", "feedback_comments": "on"},
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    shown = (await organiser.get(f"/organiser/rounds/{round_id}/")).text

    assert refused.status_code == 422 and 'value="Screening"' in refused.text
    stored = await Round.select(Round.feedback_scores, Round.feedback_comments).where(Round.id == round_id).first()
    assert stored == {"feedback_scores": "normalised_mean", "feedback_comments": True}
    assert (
        '<option value="normalised_mean" selected>' in shown and 'name="feedback_comments" value="on" checked' in shown
    )

    criterion = (await Criterion.insert(Criterion(round=round_id, name="Impact")).returning(Criterion.id))[0]["id"]
    await Round.update({Round.status: "open"}).where(Round.id == round_id)
    application = await team_in(edition, "AgroSense", "mila@agrosense.rs")
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    assignment = await make_score_sheet(
        round_id=round_id, judge_id=judge.user["id"], application_id=application, key=f"{round_id}:x:{application}"
    )
    sheet_url = f"/judge/assignments/{assignment}"

    shared = _text((await judge.get(sheet_url)).text)
    saved = await judge.post_form(
        sheet_url,
        {
            f"c{criterion}": "7",
            f"c{criterion}_comment": "Only for you.",
            f"c{criterion}_private": "on",
            "action": "save",
        },
    )
    kept = await judge.get(sheet_url)

    assert "Shared with the team once the results are published, signed only “Judge A”, “B”…" in shared
    assert saved.status_code == 302
    row = (
        await ScoreSheet.select(ScoreSheet.private_comments)
        .where(ScoreSheet.assignment == assignment)
        .first()
        .output(load_json=True)
    )
    assert row["private_comments"] == [str(criterion)]
    assert f'name="c{criterion}_private" value="on" checked' in kept.text
    assert "Kept for the organisers: the team will not see this comment." in _text(kept.text)


async def test_a_judge_keeps_a_comment_for_the_organisers_through_the_api(logged_in) -> None:
    edition = await make_edition()
    round_id = (await Round.insert(Round(edition=edition["id"], name="Screening", status="open")).returning(Round.id))[
        0
    ]["id"]
    impact, team = [
        (await Criterion.insert(Criterion(round=round_id, position=p, name=n)).returning(Criterion.id))[0]["id"]
        for p, n in [(1, "Impact"), (2, "Team")]
    ]
    application = await team_in(edition, "AgroSense", "mila@agrosense.rs")
    judge: WebClient = await logged_in(Role.JUDGE, edition_id=edition["id"])
    assignment = await make_score_sheet(
        round_id=round_id, judge_id=judge.user["id"], application_id=application, key=f"{round_id}:y:{application}"
    )

    saved = await judge.http.put(
        f"/api/v1/judging/assignments/{assignment}/sheet",
        json={
            "values": {str(impact): 6},
            "comments": {str(impact): "Shared.", str(team): "Private."},
            # Team has a comment to keep back; Impact's stays shared, an unknown id is ignored.
            "organisers_only": [team, 999],
        },
        headers={"x-csrftoken": await judge.csrf_token()},
    )

    assert saved.status_code == 200
    row = (
        await ScoreSheet.select(ScoreSheet.comments, ScoreSheet.private_comments)
        .where(ScoreSheet.assignment == assignment)
        .first()
        .output(load_json=True)
    )
    assert row == {"comments": {str(impact): "Shared.", str(team): "Private."}, "private_comments": [str(team)]}
