"""Markup and formulas typed into a startup's profile, its application, a judging round and its
scores stay inert from screening to the published results: escaped in HTML, literal and
formula-safe in CSV; `{{7*7}}` is never evaluated."""

from __future__ import annotations

import re
from datetime import timedelta

from challenge.tables import Application, Startup
from core.clock import utc_now
from core.enums import Role
from judging.tables import Criterion, JudgeAssignment
from tests.factories import make_edition_taking_applications, make_municipality, make_problem, set_timeline
from tests.integration.core.hostile_text import cell_with, csv_rows, hostile, inertness
from tests.web import WebClient

# Startups, applications, screening, judging and results --------------------------------------------

STARTUP_FIELDS = ("legal_form", "city", "sector", "pitch")
APPLICATION_FIELDS = ("solution", "why_us", "traction", "pilot_plan", "impact")
FORMULA = '=HYPERLINK("https://evil.example","x") '
PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"


async def _applied_with_hostile_texts(organiser: WebClient, founder: WebClient, edition: dict, problem: dict) -> int:
    """An eligibility question asked, a startup registered and an application with a deck
    submitted, every text of them hostile; the application's id."""
    asked = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/questions", {"text": hostile("Q-text"), "kind": "text"}
    )
    question = (await organiser.get(f"/organiser/editions/{edition['id']}/questions")).text
    question_id = re.findall(r"/questions/(\d+)/delete", question)[0]
    website = 'https://agro.example/"><script>alert(1)</script>'
    registered = await founder.post_form(
        "/startup/register",
        {
            "edition_id": edition["id"],
            "name": FORMULA + hostile("S-name"),
            "country": "Serbia",
            "title": hostile("S-title")[:80],
            "website": website,
            **{f: hostile(f"S-{f}") for f in STARTUP_FIELDS},
        },
    )
    texts = {name: hostile(f"A-{name}") for name in APPLICATION_FIELDS}
    applied = await founder.upload(
        "/startup/applications/new",
        {"pitch_deck": (hostile("D-deck") + ".pdf", PDF, "application/pdf")},
        {
            "edition_id": str(edition["id"]),
            "track": "smart_rural",
            "problems": [str(problem["id"])],
            "sdgs": ["6"],
            "video_url": 'https://video.example/"><img src=x onerror=alert(1)>',
            f"q{question_id}": hostile("A-answer"),
            "action": "submit",
            **texts,
        },
    )
    assert (asked.status_code, registered.status_code, applied.status_code) == (302, 302, 302), applied.text[:500]
    return (await Application.select(Application.id).first())["id"]


async def test_startup_application_and_judging_texts_are_inert_from_screening_to_results(logged_in, client) -> None:
    edition = await make_edition_taking_applications(slug="hostile")
    town = await make_municipality(name="Ivanjica")
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="Water losses")
    organiser = await logged_in(Role.ORGANISER)
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    judge = await logged_in(Role.JUDGE, edition_id=edition["id"], name=hostile("U-judge"), email="ana@jury.example")
    founder = await logged_in(None, name=hostile("U-founder"))
    application_id = await _applied_with_hostile_texts(organiser, founder, edition, problem)
    noted = await staff.post_form(
        f"/municipality/applications/{application_id}/fit-notes",
        {"note": hostile("F-note"), "municipality_id": town["id"]},
    )
    round_id = await _scored_round(organiser, judge, edition, application_id)
    assert noted.status_code == 302

    others = ["A-answer", "Q-text", "F-note", "R-name", "K-crit", "J-comment", "M-msg", "U-judge", "U-founder"]
    labels = [*(f"S-{f}" for f in ("name", *STARTUP_FIELDS)), *(f"A-{f}" for f in APPLICATION_FIELDS), *others]
    startup_id = (await Startup.select(Startup.id).first())["id"]
    pages = {
        "founder dashboard": (await founder.get("/startup")).text,
        "founder profile": (await founder.get(f"/startup/{startup_id}/profile")).text,
        "founder application": (await founder.get(f"/startup/applications/{application_id}")).text,
        "organiser list": (await organiser.get(f"/organiser/editions/{edition['id']}/applications")).text,
        "organiser application": (await organiser.get(f"/organiser/applications/{application_id}")).text,
        "municipality list": (await staff.get("/municipality/applications")).text,
        "municipality application": (await staff.get(f"/municipality/applications/{application_id}")).text,
        "judge queue": (await judge.get(f"/judge/rounds/{round_id}")).text,
        "judge sheet": (await judge.get(f"/judge/assignments/{await _assignment_id()}")).text,
        "round": (await organiser.get(f"/organiser/rounds/{round_id}")).text,
        "results": (await client.get(f"/editions/{edition['slug']}/results")).text,
    }
    exports = {
        "applications": await organiser.get(f"/organiser/editions/{edition['id']}/applications/export.csv"),
        "scores": await organiser.get(f"/organiser/rounds/{round_id}/scores.csv"),
    }

    content = [f"A-{f}" for f in APPLICATION_FIELDS]
    assert {page: inertness(html, labels) for page, html in pages.items()} == {
        "founder dashboard": ([], ["S-name", "M-msg", "U-founder"]),
        "founder profile": ([], ["S-name", *(f"S-{f}" for f in STARTUP_FIELDS), "U-founder"]),
        "founder application": ([], [*content, "M-msg", "U-founder"]),
        "organiser list": ([], ["S-name", "S-city"]),
        "organiser application": (
            [],
            ["S-name", "S-city", *content, "A-answer", "Q-text", "F-note", "M-msg", "U-founder"],
        ),
        "municipality list": ([], ["S-name", "S-city"]),
        "municipality application": ([], ["S-name", "S-city", *content, "A-answer", "Q-text", "F-note"]),
        "judge queue": ([], ["S-name", "R-name", "U-judge"]),
        "judge sheet": ([], [*content, "R-name", "K-crit", "J-comment", "U-judge"]),  # blind: no startup name
        "round": ([], ["S-name", "R-name", "K-crit", "U-judge"]),
        "results": ([], ["S-name", "S-city"]),
    }
    # Links keep their hostile tail inside the attribute; the deck's name is shown, escaped.
    shown = pages["organiser application"]
    assert 'href="https://agro.example/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in shown
    assert 'href="https://video.example/&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in shown
    assert "onerror=alert(1)&gt; {{7*7}}.pdf</a>" in shown
    # In CSV the text is literal, and a cell that would run as a formula starts with a quote.
    assert {name: response.headers["content-type"].split(";")[0] for name, response in exports.items()} == {
        "applications": "text/csv",
        "scores": "text/csv",
    }
    assert cell_with(csv_rows(exports["applications"].content), "S-name") == "'" + FORMULA + hostile("S-name")
    assert cell_with(csv_rows(exports["scores"].content), "S-name") == "'" + FORMULA + hostile("S-name")


async def _assignment_id() -> int:
    return (await JudgeAssignment.select(JudgeAssignment.id).first())["id"]


async def _scored_round(organiser: WebClient, judge: WebClient, edition: dict, application_id: int) -> int:
    """A round named, ruled and commented with hostile text, scored, closed, advanced and published."""
    created = await organiser.post_form(
        f"/organiser/editions/{edition['id']}/judging/",
        {
            "name": hostile("R-name"),
            "method": "weighted_rubric",
            "entry": "all_submitted",
            "judges_per_application": "1",
            "max_per_judge": "10",
            "advance_count": "1",
            "normalisation": "judge_offset",
        },
    )
    round_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    rubric = {
        "criteria-0-name": hostile("K-crit"),
        "criteria-0-guidance": hostile("K-guidance"),
        "criteria-0-weight": "1",
        "criteria-0-scale_min": "1",
        "criteria-0-scale_max": "10",
    }
    for step, data in (("rubric", rubric), ("open", {}), ("assign", {})):
        response = await organiser.post_form(f"/organiser/rounds/{round_id}/{step}", data)
        assert response.status_code == 302, (step, response.text[:500])
    criterion = (await Criterion.select(Criterion.id).first())["id"]
    scored = await judge.post_form(
        f"/judge/assignments/{await _assignment_id()}",
        {f"c{criterion}": "8", f"c{criterion}_comment": hostile("J-comment"), "action": "submit"},
    )
    assert scored.status_code == 302, scored.text[:500]
    for step, data in (("close", {}), ("advance", {"mode": "top", "min_rural": "0", "max_per_municipality": "0"})):
        response = await organiser.post_form(f"/organiser/rounds/{round_id}/{step}", data)
        assert response.status_code == 302, (step, response.text[:500])
    # A final round: its finalists' names go public as winners, once applications have closed.
    await Application.update({Application.status: "finalist"}).where(Application.id == application_id)
    now = utc_now()
    await set_timeline(
        edition["id"],
        problem_intake=now - timedelta(days=30),
        applications=now - timedelta(days=20),
        screening=now - timedelta(days=1),
    )
    published = await organiser.post_form(
        f"/organiser/rounds/{round_id}/publish", {"outcome": "winner", "message": hostile("M-msg")}
    )
    assert published.status_code == 302, published.text[:500]
    return round_id
