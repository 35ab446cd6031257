"""Markup, template syntax and script URLs typed into every reachable text field stay inert on
every page, export and calendar that shows them: escaped in HTML, literal (and formula-safe) in
CSV, escaped per RFC 5545 in iCal; `{{7*7}}` is never evaluated; no `href="javascript:`."""

from __future__ import annotations

from challenge.tables import Application, Problem, Startup
from core.enums import Role
from tests.factories import (
    COMPLETE_PROBLEM,
    PASSWORD,
    make_edition,
    make_edition_taking_applications,
    make_municipality,
    make_open_edition,
)
from tests.integration.core.hostile_text import SCRIPT, cell_with, csv_rows, hostile, inertness
from tests.web import field_error

SCRIPT_URLS = (
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
)
URL_REFUSED = "Each link must be a full web address starting with https://"

# Problems and residents' comments ------------------------------------------------------------------

PROBLEM_FIELDS = (
    "title",
    "summary",
    "context",
    "affected_groups",
    "tried_before",
    "data_available",
    "pilot_location",
    "contact_name",
)


async def test_problem_texts_and_comments_are_inert_on_every_page_and_export(logged_in, client) -> None:
    edition, town = await make_open_edition(slug="hostile"), await make_municipality(name="Ivanjica")
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    organiser = await logged_in(Role.ORGANISER)
    resident = await logged_in(None)
    texts = {name: hostile(f"P-{name}") for name in PROBLEM_FIELDS}
    form = {
        **COMPLETE_PROBLEM,
        "sdgs": ["6"],
        "affected_count": "4200",
        "edition_id": str(edition["id"]),
        "municipality_id": str(town["id"]),
        "action": "submit",
        **texts,
        "open_data_links": 'https://data.example/"onmouseover="alert(1)',
    }
    submitted = await staff.upload("/municipality/problems/new", {"attachment": ("", b"", "application/pdf")}, form)
    problem_id = (await Problem.select(Problem.id).first())["id"]
    published = await organiser.post_form(f"/organiser/problems/{problem_id}/review", {"action": "publish"})
    commented = await resident.post_form(f"/problems/{problem_id}/comments", {"body": hostile("C-body")})
    assert (submitted.status_code, published.status_code, commented.status_code) == (302, 302, 302)

    labels = [f"P-{name}" for name in PROBLEM_FIELDS]
    pages = {
        "home": (await client.get("/")).text,
        "catalogue": (await client.get("/problems")).text,
        "search": (await client.get("/problems?q=P-title")).text,
        "problem": (await client.get(f"/problems/{problem_id}")).text,
        "staff view": (await staff.get(f"/municipality/problems/{problem_id}")).text,
        "staff list": (await staff.get("/municipality/")).text,
        "review queue": (await organiser.get(f"/organiser/editions/{edition['id']}/problems")).text,
        "review": (await organiser.get(f"/organiser/problems/{problem_id}")).text,
    }
    export = await organiser.get(f"/organiser/editions/{edition['id']}/problems.csv")

    assert {page: inertness(html, [*labels, "C-body"]) for page, html in pages.items()} == {
        "home": ([], ["P-title", "P-summary"]),
        "catalogue": ([], ["P-title", "P-summary"]),
        "search": ([], ["P-title", "P-summary"]),
        "problem": ([], [*labels, "C-body"]),
        "staff view": ([], labels),
        "staff list": ([], ["P-title"]),
        "review queue": ([], ["P-title"]),
        "review": ([], labels),
    }
    comment_id = int(commented.headers["location"].rsplit("-", 1)[1])
    hidden = await organiser.post_form(f"/comments/{comment_id}/hide", {"reason": hostile("C-reason")})
    moderated = (await organiser.get(f"/problems/{problem_id}")).text
    assert hidden.status_code == 302
    assert inertness(moderated, ["C-body", "C-reason"]) == ([], ["C-body", "C-reason"])
    problem_page = pages["problem"]
    assert 'href="https://data.example/&#34;onmouseover=&#34;alert(1)"' in problem_page
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"].startswith("attachment;")
    assert cell_with(csv_rows(export.content), "P-title") == texts["title"]  # literal: CSV is not HTML


async def test_script_urls_are_refused_in_every_link_field(logged_in) -> None:
    staff_edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    edition = await make_edition_taking_applications()
    founder = await logged_in(None)
    assert (
        await founder.post_form(
            "/startup/register", {"edition_id": edition["id"], "name": "AgroSense", "country": "Serbia", "city": "Niš"}
        )
    ).status_code == 302
    startup_id = (await Startup.select(Startup.id).first())["id"]
    profile = {"name": "AgroSense", "country": "Serbia", "city": "Niš"}

    refusals = {}
    for url in SCRIPT_URLS:
        link = await staff.upload(
            "/municipality/problems/new",
            {"attachment": ("", b"", "application/pdf")},
            {
                "edition_id": str(staff_edition["id"]),
                "municipality_id": str(town["id"]),
                "title": "Snow",
                "open_data_links": url,
                "action": "save",
            },
        )
        website = await founder.post_form(f"/startup/{startup_id}/profile", {**profile, "website": url})
        video = await founder.post_json(
            "/api/v1/startup/applications", {"edition_id": edition["id"], "track": "smart_rural", "video_url": url}
        )
        refusals[url] = (
            (link.status_code, field_error(link.text, "open_data_links")),
            (website.status_code, field_error(website.text, "website")),
            (video.status_code, video.json()["errors"].get("video_url")),
        )

    assert refusals == dict.fromkeys(SCRIPT_URLS, ((422, URL_REFUSED),) * 3)
    assert (await Problem.count(), await Application.count()) == (0, 0)
    assert (await Startup.select(Startup.website).first())["website"] == ""


# Input reflected straight back: search boxes, error pages, the sign-in's `next` ---------------------


async def test_reflected_input_is_escaped_and_next_never_leaves_the_site(logged_in, client) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_edition()
    user = await logged_in(None)
    query = hostile("Q-search")

    pages = {
        "catalogue search": (await client.get("/problems", params={"q": query, "region": query})).text,
        "applications search": (
            await organiser.get(f"/organiser/editions/{edition['id']}/applications", params={"q": query})
        ).text,
        "not found": (await client.get("/problems/" + SCRIPT)).text,
        "sign-in form": (await client.get("/login", params={"next": "/x" + query})).text,
    }
    redirects = {}
    for target in ("javascript:alert(1)", "//evil.example/"):
        response = await user.post_form("/login", {"email": user.user["email"], "password": PASSWORD, "next": target})
        redirects[target] = response.headers["location"]

    assert {page: inertness(html, ["Q-search"]) for page, html in pages.items()} == {
        "catalogue search": ([], ["Q-search"]),
        "applications search": ([], ["Q-search"]),
        "not found": ([], []),
        "sign-in form": ([], ["Q-search"]),
    }
    assert redirects == dict.fromkeys(redirects, "/account")
