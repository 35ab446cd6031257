"""A problem's public page and its API: the statement, how to apply, attachments, the edition's timeline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from challenge.tables import Edition, Endorsement, Problem, ProblemAttachment
from core.clock import utc_now
from core.enums import Role
from core.i18n import format_datetime
from core.storage import get_storage
from core.tables import StoredFile
from tests.factories import (
    make_edition,
    make_user,
    set_timeline,
)
from tests.integration.challenge.catalogue_world import PDF
from tests.web import WebClient


async def test_problem_page_shows_the_whole_statement(client: WebClient, catalogue: dict) -> None:
    problem = catalogue["published"]["Water losses in village networks"]
    await Problem.update(
        {Problem.open_data_links: ["https://data.gov.rs/sr/datasets/water", "javascript:alert(1)"]}
    ).where(Problem.id == problem["id"])

    html = (await client.get(f"/problems/{problem['id']}")).text

    for text in [
        "<h1>Water losses in village networks</h1>",
        "A third of the water is lost.",
        "Old pipes, no metering between the pumping station and the villages.",
        "Households in 14 villages, two schools",
        "(about 4,200 people)",
        "Manual leak detection once a year.",
        "Monthly pumping volumes since 2019.",
        '<a href="https://data.gov.rs/sr/datasets/water" rel="nofollow noopener">',
        "<li>6. Clean water and sanitation</li>",
        "<li>11. Sustainable cities and communities</li>",
        "<dd>€10,000 to €50,000</dd>",
        "<dd>pilot project</dd>",
        "<dd>Kušići and Bratljevo</dd>",
        'Jelena Marković · <a href="mailto:jelena@ivanjica.rs">jelena@ivanjica.rs</a>',
        "Ivanjica · Moravica",
    ]:
        assert text in html, text
    assert "javascript:alert" not in html


async def test_how_to_apply_gives_the_opening_date_in_the_edition_timezone(client: WebClient, catalogue: dict) -> None:
    opens = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)
    await set_timeline(catalogue["edition"]["id"], problem_intake=utc_now() - timedelta(days=1), applications=opens)
    problem = catalogue["published"]["School bus routes"]

    html = (await client.get(f"/problems/{problem['id']}")).text

    when = format_datetime(opens, "Europe/Belgrade")
    assert "10:00" in when
    assert f"Applications open on {when}." in html


async def test_how_to_apply_says_when_applications_are_open(client: WebClient, catalogue: dict) -> None:
    closes = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)
    await set_timeline(
        catalogue["edition"]["id"],
        problem_intake=utc_now() - timedelta(days=10),
        applications=utc_now() - timedelta(days=1),
        screening=closes,
    )
    problem = catalogue["published"]["School bus routes"]

    html = (await client.get(f"/problems/{problem['id']}")).text

    assert f"Applications are open. They close on {format_datetime(closes, 'Europe/Belgrade')}." in html


async def test_anonymous_visitors_are_invited_to_sign_in_to_take_part(client: WebClient, catalogue: dict) -> None:
    problem = catalogue["published"]["School bus routes"]

    html = (await client.get(f"/problems/{problem['id']}")).text
    endorse = await client.post_form(f"/problems/{problem['id']}/endorse")

    assert f'<a href="/login?next=/problems/{problem["id"]}">Sign in to endorse this problem</a>' in html
    assert f'<a href="/login?next=/problems/{problem["id"]}">Sign in to comment</a>' in html
    assert 'action="/problems/' not in html
    assert endorse.status_code == 302
    assert endorse.headers["location"].startswith("/login?next=")
    assert await Endorsement.count() == 0


async def _attach(problem: dict[str, Any], owner_id: int, name: str = "Network map.pdf") -> int:
    writer = get_storage().writer()
    writer.write(PDF)
    writer.commit()
    file_id = (
        await StoredFile.insert(
            StoredFile(
                key=writer.key,
                original_name=name,
                content_type="application/pdf",
                size=len(PDF),
                sha256="0" * 64,
                owner=owner_id,
                purpose="problem_attachment",
            )
        ).returning(StoredFile.id)
    )[0]["id"]
    await ProblemAttachment.insert(ProblemAttachment(problem=problem["id"], file=file_id))
    return file_id


async def test_attachments_of_published_problems_are_listed_and_downloadable(
    logged_in, client: WebClient, catalogue: dict
) -> None:
    staff = await make_user(role=Role.MUNICIPALITY, organisation_id=catalogue["towns"][0]["id"])
    problem = catalogue["published"]["Water losses in village networks"]
    file_id = await _attach(problem, staff["id"])
    resident: WebClient = await logged_in(None)

    html = (await client.get(f"/problems/{problem['id']}")).text
    api = (await client.get(f"/api/v1/problems/{problem['id']}")).json()
    download = await resident.get(f"/files/{file_id}")

    assert f'<a href="/files/{file_id}">Network map.pdf</a>' in html
    assert api["attachments"] == [
        {
            "id": file_id,
            "name": "Network map.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "url": f"/files/{file_id}",
        }
    ]
    assert download.status_code == 200
    assert download.content == PDF


async def test_attachments_of_a_draft_stay_private(logged_in, catalogue: dict) -> None:
    staff = await make_user(role=Role.MUNICIPALITY, organisation_id=catalogue["towns"][0]["id"])
    file_id = await _attach(catalogue["unpublished"]["draft"], staff["id"], name="Draft notes.pdf")
    stranger: WebClient = await logged_in(None)

    response = await stranger.get(f"/files/{file_id}")

    assert response.status_code == 404


async def test_api_problem_detail(client: WebClient, catalogue: dict) -> None:
    problem = catalogue["published"]["Water losses in village networks"]

    body = (await client.get(f"/api/v1/problems/{problem['id']}")).json()

    assert body == {
        "id": problem["id"],
        "edition_id": catalogue["edition"]["id"],
        "title": "Water losses in village networks",
        "track": "smart_rural",
        "summary": "A third of the water is lost.",
        "context": "Old pipes, no metering between the pumping station and the villages.",
        "affected_groups": "Households in 14 villages, two schools",
        "affected_count": 4200,
        "tried_before": "Manual leak detection once a year.",
        "data_available": "Monthly pumping volumes since 2019.",
        "open_data_links": ["https://data.gov.rs/sr/datasets/water"],
        "sdgs": [6, 11],
        "budget_range": "10k_50k",
        "procurement_path": "pilot",
        "pilot_location": "Kušići and Bratljevo",
        "contact_name": "Jelena Marković",
        "contact_email": "jelena@ivanjica.rs",
        "endorsement_count": 0,
        "published_at": body["published_at"],
        "municipality": {"id": catalogue["towns"][0]["id"], "name": "Ivanjica", "region": "Moravica", "kind": "rural"},
        "attachments": [],
        "comments": [],
    }


async def test_api_phases_gives_the_timeline_and_the_current_phase(client: WebClient) -> None:
    edition = await make_edition(slug="timeline")
    intake, applications = datetime(2020, 1, 10, 8, 0, tzinfo=UTC), datetime(2099, 3, 1, 9, 0, tzinfo=UTC)
    await set_timeline(edition["id"], problem_intake=intake, applications=applications)

    body = (await client.get("/api/v1/editions/timeline/phases")).json()

    assert body == {
        "edition": "timeline",
        "timezone": "Europe/Belgrade",
        "current_phase": "problem_intake",
        "phases": [
            {
                "phase": "problem_intake",
                "starts_at": "2020-01-10T08:00:00Z",
                "ends_at": "2099-03-01T09:00:00Z",
                "current": True,
            },
            {"phase": "applications", "starts_at": "2099-03-01T09:00:00Z", "ends_at": None, "current": False},
        ],
    }


async def test_edition_page_shows_the_timeline_in_its_timezone(client: WebClient) -> None:
    edition = await make_edition(slug="timeline", name="Smart Rural 2026")
    await Edition.update({Edition.prize_text: "€20,000 for pilots", Edition.programme_text: "Mentoring in Niš"}).where(
        Edition.id == edition["id"]
    )
    intake, applications = datetime(2020, 1, 10, 8, 0, tzinfo=UTC), datetime(2099, 7, 1, 9, 0, tzinfo=UTC)
    await set_timeline(edition["id"], problem_intake=intake, applications=applications)

    html = (await client.get("/editions/timeline")).text

    phases = re.findall(r'<li( class="current" aria-current="step")?>\s*<span class="phase-name">([^<]*)</span>', html)
    assert phases == [(' class="current" aria-current="step"', "Problem intake"), ("", "Applications")]
    assert format_datetime(intake, "Europe/Belgrade") in html
    assert format_datetime(applications, "Europe/Belgrade") in html
    assert "11:00" in format_datetime(applications, "Europe/Belgrade")  # summer time
    assert "€20,000 for pilots" in html
    assert "Mentoring in Niš" in html
    assert '<a href="/problems?edition=timeline" role="button">' in html


async def test_openapi_documents_the_catalogue_api(client: WebClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()

    operations = {
        (path, method): (operation["tags"], operation["summary"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if path.startswith(("/api/v1/problems", "/api/v1/editions/{slug}/"))
    }
    assert operations == {
        ("/api/v1/editions/{slug}/problems", "get"): (
            ["editions", "problems"],
            "The edition's published problems, filtered, 20 per page",
        ),
        ("/api/v1/editions/{slug}/phases", "get"): (
            ["editions"],
            "The edition's phase timeline and the phase in force now",
        ),
        ("/api/v1/editions/{slug}/questions", "get"): (
            ["applications", "editions"],
            "The organisers' own application questions of the edition, in order",
        ),
        ("/api/v1/problems/{problem_id}", "get"): (
            ["problems"],
            "One published problem, with its attachments and visible comments",
        ),
        ("/api/v1/problems/{problem_id}/endorse", "post"): (
            ["problems"],
            "Endorse a published problem (once per verified person)",
        ),
        ("/api/v1/problems", "post"): (["problems"], "Draft a problem (and submit it with `submit: true`)"),
        ("/api/v1/problems/{problem_id}", "put"): (["problems"], "Replace a draft (and submit it with `submit: true`)"),
        ("/api/v1/problems/{problem_id}/withdraw", "post"): (["problems"], "Withdraw a problem (its staff)"),
        ("/api/v1/problems/{problem_id}/review", "post"): (
            ["problems"],
            "Request changes (with a comment), publish or archive (organisers)",
        ),
    }
