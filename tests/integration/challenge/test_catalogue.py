"""The public catalogue, problem pages, residents' voice and the public read API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from challenge.enums import SettlementKind
from challenge.tables import Comment, Edition, Endorsement, Municipality, Problem, ProblemAttachment
from core.clock import utc_now
from core.db import engine
from core.enums import Role
from core.i18n import format_datetime
from core.storage import get_storage
from core.tables import StoredFile
from tests.factories import (
    make_edition,
    make_municipality,
    make_open_edition,
    make_problem,
    make_user,
    set_timeline,
)
from tests.web import WebClient, field_error

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
CARD_TITLE = re.compile(r'<h3><a href="/problems/\d+">([^<]*)</a></h3>')


def titles(html: str) -> list[str]:
    """The problem titles a catalogue or home page lists, in order."""
    return CARD_TITLE.findall(html)


async def make_town(name: str, region: str, kind: SettlementKind) -> dict[str, Any]:
    return (
        await Municipality.insert(Municipality(name=name, region=region, population=10_000, kind=kind)).returning(
            *Municipality.all_columns()
        )
    )[0]


@pytest.fixture
async def catalogue() -> dict[str, Any]:
    """An edition with four published problems, and others that must never be listed."""
    edition = await make_open_edition(slug="2026")
    ivanjica = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    novi_sad = await make_town("Novi Sad", "South Bačka", SettlementKind.URBAN)
    cacak = await make_town("Čačak", "Moravica", SettlementKind.MIXED)
    e, published = edition["id"], {}
    for title, town, track, sdgs, summary in [
        ("Water losses in village networks", ivanjica, "smart_rural", [6, 11], "A third of the water is lost."),
        ("Parking search traffic", novi_sad, "smart_city", [11], "Drivers circle the centre for a free spot."),
        ("School bus routes", cacak, "smart_rural", [4, 16], "Children wait an hour for the bus."),
        ("Heating poverty in old blocks", novi_sad, "smart_city", [1, 7], "Flats too cold to live in."),
    ]:
        problem = await make_problem(
            edition_id=e, municipality_id=town["id"], title=title, track=track, sdgs=sdgs, summary=summary
        )
        published[title] = problem
    hidden = {}
    for status in ("draft", "submitted", "changes_requested", "archived", "withdrawn"):
        hidden[status] = await make_problem(
            edition_id=e, municipality_id=ivanjica["id"], status=status, title=f"Water meters ({status})"
        )
    other_edition = await make_edition(slug="2025", year=2025, name="Earlier Challenge")
    await make_problem(edition_id=other_edition["id"], municipality_id=novi_sad["id"], title="Street lighting")
    return {"edition": edition, "published": published, "unpublished": hidden, "towns": [ivanjica, novi_sad, cacak]}


FILTER_CASES = [
    ("", ["Heating poverty in old blocks", "School bus routes", "Parking search traffic",
          "Water losses in village networks"]),
    ("track=smart_city", ["Heating poverty in old blocks", "Parking search traffic"]),
    ("track=smart_rural", ["School bus routes", "Water losses in village networks"]),
    ("region=Moravica", ["School bus routes", "Water losses in village networks"]),
    ("kind=urban", ["Heating poverty in old blocks", "Parking search traffic"]),
    ("kind=mixed", ["School bus routes"]),
    ("sdg=1", ["Heating poverty in old blocks"]),
    ("sdg=11", ["Parking search traffic", "Water losses in village networks"]),
    ("sdg=6", ["Water losses in village networks"]),
    ("sdg=17", []),
    ("q=WATER", ["Water losses in village networks"]),
    ("q=drivers", ["Parking search traffic"]),
    ("track=smart_rural&sdg=16", ["School bus routes"]),
    ("region=Moravica&kind=rural&q=village", ["Water losses in village networks"]),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
async def test_catalogue_filters_list_exactly_the_matching_published_problems(
    client: WebClient, catalogue: dict, query: str, expected: list[str]
) -> None:
    response = await client.get(f"/problems?edition=2026&{query}")

    assert response.status_code == 200
    assert titles(response.text) == expected


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES)
async def test_api_filters_list_exactly_the_matching_published_problems(
    client: WebClient, catalogue: dict, query: str, expected: list[str]
) -> None:
    response = await client.get(f"/api/v1/editions/2026/problems?{query}")

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == expected


async def test_catalogue_shows_the_newest_edition_by_default_and_links_to_others(
    client: WebClient, catalogue: dict
) -> None:
    newest = await client.get("/problems")
    earlier = await client.get("/problems?edition=2025")
    unknown = await client.get("/problems?edition=1999")

    assert titles(newest.text) == titles((await client.get("/problems?edition=2026")).text)
    assert '<a href="/problems?edition=2025">Problems of Earlier Challenge (2025)</a>' in newest.text
    assert titles(earlier.text) == ["Street lighting"]
    assert unknown.status_code == 404


async def test_catalogue_card_shows_municipality_badges_sdgs_and_endorsements(
    client: WebClient, catalogue: dict
) -> None:
    await Problem.update({Problem.endorsement_count: 12}).where(
        Problem.id == catalogue["published"]["Parking search traffic"]["id"]
    )

    html = (await client.get("/problems?edition=2026&q=parking")).text

    assert "Novi Sad · South Bačka" in html
    assert '<span class="badge">urban</span>' in html
    assert '<span class="badge track-smart_city">Smart city</span>' in html
    assert '<abbr title="Sustainable cities and communities">11</abbr>' in html
    assert '<span class="endorsement-count">12</span>' in html


async def test_region_filter_offers_only_regions_with_published_problems(client: WebClient, catalogue: dict) -> None:
    await make_town("Subotica", "North Bačka", SettlementKind.URBAN)

    html = (await client.get("/problems?edition=2026")).text

    region_select = html[html.index('id="filter-region"') : html.index("</select>", html.index('id="filter-region"'))]
    assert re.findall(r'<option value="([^"]*)"', region_select) == ["", "Moravica", "South Bačka"]


async def test_most_endorsed_first(client: WebClient, catalogue: dict) -> None:
    for title, count in [("School bus routes", 3), ("Water losses in village networks", 9)]:
        await Problem.update({Problem.endorsement_count: count}).where(Problem.title == title)

    response = await client.get("/problems?edition=2026&sort=endorsed")

    assert titles(response.text) == [
        "Water losses in village networks",
        "School bus routes",
        "Heating poverty in old blocks",
        "Parking search traffic",
    ]


async def test_unpublished_problems_are_not_found_anywhere(client: WebClient, catalogue: dict) -> None:
    for problem in catalogue["unpublished"].values():
        page = await client.get(f"/problems/{problem['id']}")
        api = await client.get(f"/api/v1/problems/{problem['id']}")

        assert page.status_code == 404
        assert api.status_code == 404
        assert api.json() == {"status_code": 404, "detail": "This problem does not exist."}
    listed = (await client.get("/problems?edition=2026&q=meters")).text
    assert titles(listed) == []
    assert (await client.get("/api/v1/editions/2026/problems?q=meters")).json()["items"] == []


async def test_catalogue_pages_by_20_and_keeps_the_filters(client: WebClient) -> None:
    edition = await make_open_edition(slug="paged")
    town = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    for n in range(30):
        await make_problem(edition_id=edition["id"], municipality_id=town["id"], title=f"Rural problem {n:02d}")
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="City problem", track="smart_city")

    first = await client.get("/problems?edition=paged&track=smart_rural")
    second = await client.get("/problems?edition=paged&track=smart_rural&page=2")

    assert titles(first.text) == [f"Rural problem {n:02d}" for n in range(29, 9, -1)]
    assert 'href="?edition=paged&amp;track=smart_rural&amp;page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    assert titles(second.text) == [f"Rural problem {n:02d}" for n in range(9, -1, -1)]
    assert 'href="?edition=paged&amp;track=smart_rural&amp;page=1" rel="prev"' in second.text
    assert 'rel="next"' not in second.text


@pytest.fixture
def queries_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the application sends from now on."""
    engine_class = type(engine())
    original = engine_class.run_querystring
    seen: list[str] = []

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return seen


async def test_catalogue_queries_do_not_grow_with_the_number_of_problems(client: WebClient, queries_run: list) -> None:
    edition = await make_open_edition(slug="bounded")
    towns = [await make_town(f"Town {n}", f"Region {n}", SettlementKind.RURAL) for n in range(3)]
    for n in range(3):
        await make_problem(edition_id=edition["id"], municipality_id=towns[n]["id"], title=f"Problem {n}")
    queries_run.clear()
    few = await client.get("/problems?edition=bounded")
    with_few = len(queries_run)
    for n in range(3, 30):
        await make_problem(edition_id=edition["id"], municipality_id=towns[n % 3]["id"], title=f"Problem {n}")
    queries_run.clear()
    many = await client.get("/problems?edition=bounded")

    assert len(titles(few.text)) == 3
    assert len(titles(many.text)) == 20
    assert 'rel="next"' in many.text
    assert len(queries_run) == with_few
    assert with_few <= 4


async def test_api_pages_by_20(client: WebClient) -> None:
    edition = await make_open_edition(slug="api-paged")
    town = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    for n in range(25):
        await make_problem(edition_id=edition["id"], municipality_id=town["id"], title=f"Problem {n:02d}")

    first = (await client.get("/api/v1/editions/api-paged/problems")).json()
    second = (await client.get("/api/v1/editions/api-paged/problems?page=2")).json()

    assert (len(first["items"]), first["page"], first["has_next"]) == (20, 1, True)
    assert [item["title"] for item in second["items"]] == [f"Problem {n:02d}" for n in range(4, -1, -1)]
    assert (second["page"], second["has_next"]) == (2, False)


async def test_api_list_item_carries_the_municipality(client: WebClient, catalogue: dict) -> None:
    problem = catalogue["published"]["School bus routes"]

    body = (await client.get("/api/v1/editions/2026/problems?q=school")).json()

    assert body == {
        "items": [
            {
                "id": problem["id"],
                "title": "School bus routes",
                "summary": "Children wait an hour for the bus.",
                "track": "smart_rural",
                "sdgs": [4, 16],
                "endorsement_count": 0,
                "published_at": body["items"][0]["published_at"],
                "municipality": {
                    "id": catalogue["towns"][2]["id"],
                    "name": "Čačak",
                    "region": "Moravica",
                    "kind": "mixed",
                },
                "url": f"/api/v1/problems/{problem['id']}",
            }
        ],
        "page": 1,
        "has_next": False,
    }


async def test_api_rejects_an_unknown_filter_value(client: WebClient, catalogue: dict) -> None:
    bad_sdg = await client.get("/api/v1/editions/2026/problems?sdg=18")
    bad_track = await client.get("/api/v1/editions/2026/problems?track=space")
    unknown_edition = await client.get("/api/v1/editions/1999/problems")

    assert (bad_sdg.status_code, bad_track.status_code, unknown_edition.status_code) == (422, 422, 404)
    assert bad_sdg.json()["errors"] == {"sdg": "Expected `int` <= 17"}


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


async def test_endorse_once_then_a_second_endorsement_is_refused(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]

    first = await resident.post_form(f"/problems/{problem['id']}/endorse")
    after = await resident.get(f"/problems/{problem['id']}")
    second = await resident.post_form(f"/problems/{problem['id']}/endorse")

    assert first.status_code == 302
    assert first.headers["location"] == f"/problems/{problem['id']}"
    assert "Thank you: your endorsement is counted." in after.text
    assert "You endorsed this problem." in after.text
    assert '<p class="card-figure endorsement-count">1</p>' in after.text
    assert second.status_code == 409
    assert "You have already endorsed this problem." in second.text
    row = await Problem.select(Problem.endorsement_count).where(Problem.id == problem["id"]).first()
    assert row["endorsement_count"] == 1
    assert await Endorsement.count() == 1


async def test_unverified_user_cannot_endorse(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None, verified=False)
    problem = catalogue["published"]["School bus routes"]

    page = await resident.get(f"/problems/{problem['id']}")
    response = await resident.post_form(f"/problems/{problem['id']}/endorse")

    assert "Confirm your email address to endorse this problem." in page.text
    assert response.status_code == 403
    assert "Please confirm your email address first" in response.text
    assert await Endorsement.count() == 0


async def test_unpublished_problem_cannot_be_endorsed_or_commented(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    draft = catalogue["unpublished"]["draft"]

    endorse = await resident.post_form(f"/problems/{draft['id']}/endorse")
    comment = await resident.post_form(f"/problems/{draft['id']}/comments", {"body": "Hello"})

    assert (endorse.status_code, comment.status_code) == (404, 404)
    assert (await Endorsement.count(), await Comment.count()) == (0, 0)


async def test_a_comment_appears_under_the_problem(logged_in, client: WebClient, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None, name="Milica Jovanović")
    problem = catalogue["published"]["School bus routes"]

    response = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "Our kids wait in the rain."})
    public = await client.get(f"/problems/{problem['id']}")

    comment = await Comment.select().where(Comment.problem == problem["id"]).first()
    assert response.status_code == 302
    assert response.headers["location"] == f"/problems/{problem['id']}#comment-{comment['id']}"
    assert comment["body"] == "Our kids wait in the rain."
    assert "<strong>Milica Jovanović</strong>" in public.text
    assert '<p class="prose">Our kids wait in the rain.</p>' in public.text


async def test_an_empty_comment_is_refused_beside_the_field(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]

    response = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "   "})

    assert response.status_code == 422
    assert field_error(response.text, "body") == "Write your comment first."
    assert "<h1>School bus routes</h1>" in response.text
    assert await Comment.count() == 0


async def test_a_too_long_comment_keeps_what_was_typed(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]
    typed = "The bus leaves at 6 & comes back <late>. " * 60

    response = await resident.post_form(f"/problems/{problem['id']}/comments", {"body": typed})

    assert response.status_code == 422
    assert field_error(response.text, "body") == "Please keep comments under 2,000 characters."
    kept = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f">{kept}</textarea>" in response.text
    assert await Comment.count() == 0


async def test_html_in_a_comment_is_shown_as_text(logged_in, client: WebClient, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None, name="<b>Mallory</b>")
    problem = catalogue["published"]["School bus routes"]

    await resident.post_form(f"/problems/{problem['id']}/comments", {"body": '<script>alert("x")</script>'})
    html = (await client.get(f"/problems/{problem['id']}")).text

    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


async def test_organiser_hides_a_comment_and_restores_it(logged_in, client: WebClient, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    organiser: WebClient = await logged_in(Role.ORGANISER, name="Ana Organiser")
    problem = catalogue["published"]["School bus routes"]
    await resident.post_form(f"/problems/{problem['id']}/comments", {"body": "Call me at 064 123 4567"})
    comment = await Comment.select().first()

    hidden = await organiser.post_form(f"/comments/{comment['id']}/hide", {"reason": "Personal data"})
    seen_by_resident = await resident.get(f"/problems/{problem['id']}")
    seen_by_public = await client.get(f"/problems/{problem['id']}")
    seen_by_api = (await client.get(f"/api/v1/problems/{problem['id']}")).json()
    seen_by_organiser = await organiser.get(f"/problems/{problem['id']}")
    restored = await organiser.post_form(f"/comments/{comment['id']}/restore")
    seen_after_restore = await resident.get(f"/problems/{problem['id']}")

    assert hidden.status_code == 302
    assert hidden.headers["location"] == f"/problems/{problem['id']}#comment-{comment['id']}"
    assert "064 123 4567" not in seen_by_resident.text
    assert "064 123 4567" not in seen_by_public.text
    assert seen_by_api["comments"] == []
    assert "Call me at 064 123 4567" in seen_by_organiser.text
    assert "Hidden from residents because: Personal data" in seen_by_organiser.text
    assert f'action="/comments/{comment["id"]}/restore"' in seen_by_organiser.text
    assert restored.status_code == 302
    assert "Call me at 064 123 4567" in seen_after_restore.text
    row = await Comment.select(Comment.hidden, Comment.hidden_reason).where(Comment.id == comment["id"]).first()
    assert row == {"hidden": False, "hidden_reason": ""}


async def test_hiding_without_a_reason_is_refused_beside_that_comment(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    problem = catalogue["published"]["School bus routes"]
    for body in ("First comment", "Second comment"):
        await resident.post_form(f"/problems/{problem['id']}/comments", {"body": body})
    _, second = await Comment.select(Comment.id).order_by(Comment.id)

    response = await organiser.post_form(f"/comments/{second['id']}/hide", {"reason": " "})

    assert response.status_code == 422
    assert re.findall(r'id="e-reason-(\d+)" class="field-error">([^<]*)<', response.text) == [
        (str(second["id"]), "Say why the comment is hidden.")
    ]
    assert field_error(response.text, "body") is None
    assert await Comment.count().where(Comment.hidden == True) == 0  # noqa: E712


async def test_residents_cannot_moderate(logged_in, catalogue: dict) -> None:
    author: WebClient = await logged_in(None)
    other: WebClient = await logged_in(None)
    problem = catalogue["published"]["School bus routes"]
    await author.post_form(f"/problems/{problem['id']}/comments", {"body": "Fine comment"})
    comment = await Comment.select().first()

    page = await other.get(f"/problems/{problem['id']}")
    response = await other.post_form(f"/comments/{comment['id']}/hide", {"reason": "I disagree"})

    assert f'action="/comments/{comment["id"]}/hide"' not in page.text
    assert response.status_code == 403
    assert await Comment.count().where(Comment.hidden == True) == 0  # noqa: E712


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


async def test_api_endorse_returns_the_count_and_refuses_a_second_time(logged_in, catalogue: dict) -> None:
    resident: WebClient = await logged_in(None)
    problem = catalogue["published"]["Parking search traffic"]
    url = f"/api/v1/problems/{problem['id']}/endorse"

    first = await resident.post_json(url, {})
    second = await resident.post_json(url, {})

    assert (first.status_code, first.json()) == (201, {"problem_id": problem["id"], "endorsement_count": 1})
    assert (second.status_code, second.json()) == (
        409,
        {"status_code": 409, "detail": "You have already endorsed this problem."},
    )
    assert await Endorsement.count() == 1


async def test_api_endorse_needs_a_signed_in_verified_user(logged_in, client: WebClient, catalogue: dict) -> None:
    unverified: WebClient = await logged_in(None, verified=False)
    url = f"/api/v1/problems/{catalogue['published']['Parking search traffic']['id']}/endorse"

    anonymous = await client.post_json(url, {})
    refused = await unverified.post_json(url, {})

    assert anonymous.status_code == 401
    assert refused.status_code == 403
    assert await Endorsement.count() == 0


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


async def test_editions_list_every_edition_with_its_catalogue(client: WebClient, catalogue: dict) -> None:
    html = (await client.get("/editions")).text

    assert re.findall(r'<h2><a href="/editions/([^"]+)">', html) == ["2026", "2025"]
    assert '<a href="/problems?edition=2025">Problems</a>' in html


async def test_home_shows_the_six_newest_problems_of_the_current_edition(client: WebClient) -> None:
    edition = await make_open_edition(slug="home", year=2027)
    town = await make_town("Ivanjica", "Moravica", SettlementKind.RURAL)
    for n in range(8):
        await make_problem(edition_id=edition["id"], municipality_id=town["id"], title=f"Problem {n}")
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="Draft", status="draft")

    html = (await client.get("/")).text

    assert titles(html) == [f"Problem {n}" for n in range(7, 1, -1)]
    assert '<a href="/problems?edition=home" role="button" class="secondary">' in html


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


async def test_moderating_an_unknown_comment_is_not_found(logged_in) -> None:
    organiser: WebClient = await logged_in(Role.ORGANISER)

    hide = await organiser.post_form("/comments/999/hide", {"reason": ""})
    restore = await organiser.post_form("/comments/999/restore")

    assert (hide.status_code, restore.status_code) == (404, 404)


async def test_the_catalogue_opens_on_the_newest_edition_that_has_problems(client: WebClient) -> None:
    current = await make_edition(year=2026, slug="with-problems")
    await make_edition(year=2027, slug="copied-but-empty")
    town = await make_municipality()
    await make_problem(edition_id=current["id"], municipality_id=town["id"], title="Visible by default")

    response = await client.get("/problems")

    assert response.status_code == 200
    assert "Visible by default" in response.text


async def test_an_empty_platform_has_a_friendly_catalogue(client: WebClient) -> None:
    response = await client.get("/problems")

    assert response.status_code == 200
    assert "No edition has been opened yet." in response.text


async def test_a_page_number_past_every_problem_is_an_empty_page(client: WebClient, catalogue: dict) -> None:
    far = 10**18  # its OFFSET was beyond the database's 64-bit integers: a 500 or a 404

    api = await client.get(f"/api/v1/editions/2026/problems?page={far}")
    page = await client.get(f"/problems?edition=2026&page={far}")

    assert api.status_code == 200
    assert (api.json()["items"], api.json()["has_next"]) == ([], False)
    assert page.status_code == 200
    assert "Parking search traffic" not in page.text
