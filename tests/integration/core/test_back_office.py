"""The audit log and the kernel's JSON endpoints, as organisers and machines see them."""

from __future__ import annotations

from core import audit
from core.enums import Role
from core.organiser.queries import PAGE_SIZE
from tests.factories import make_user
from tests.web import WebClient


async def test_audit_log_is_filterable(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await audit.record(
        actor_id=None,
        action="problem.published",
        entity="problem",
        entity_id=7,
        before={"status": "submitted"},
        after={"status": "published"},
    )
    await audit.record(actor_id=None, action="score.saved", entity="score", entity_id=9, after={"value": 8})

    everything = await organiser.get("/organiser/audit")
    problems = await organiser.get("/organiser/audit?entity=problem")
    scores = await organiser.get("/organiser/audit?action=score")

    assert everything.status_code == 200
    assert "problem.published" in problems.text
    assert "score.saved" not in problems.text
    assert "score.saved" in scores.text
    assert "problem.published" not in scores.text
    assert "<code>status</code>: <del>submitted</del> → <ins>published</ins>" in problems.text
    assert '<a href="/organiser/problems/7">problem #7</a>' in problems.text


async def test_the_audit_log_names_people_links_objects_and_compares_before_with_after(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER, email="olga@example.org", name="Olga Organiser")
    person = await make_user(email="ana@example.org", name="Ana Anić")
    await audit.record(
        actor_id=organiser.user["id"],
        action="user.roles",
        entity="user",
        entity_id=person["id"],
        before={"roles": ["mentor"], "locale": "en"},
        after={"roles": ["mentor", "judge"], "locale": "en", "note": "Asked by mail"},
    )
    await audit.record(
        actor_id=organiser.user["id"],
        action="application.shortlisted",
        entity="application",
        entity_id=12,
        before={"status": "submitted"},
        after={"status": "shortlisted"},
    )

    page = (await organiser.get("/organiser/audit")).text

    assert "Olga Organiser<br><small>olga@example.org</small>" in page
    assert '<a href="/organiser/people/?q=ana%40example.org">Ana Anić</a><br><small>user #' in page
    assert "<code>roles</code>: <del>Mentor</del> → <ins>mentor, judge</ins>" in page  # a code by its name
    assert "<code>note</code>: set to <ins>Asked by mail</ins>" in page
    assert "<code>locale</code>" not in page  # unchanged fields are left out
    assert '<a href="/organiser/applications/12">application #12</a>' in page
    assert "user #" + str(person["id"]) + "</small>" in page and '"roles"' not in page


async def test_me_describes_the_signed_in_user(logged_in) -> None:
    client: WebClient = await logged_in(Role.MENTOR, email="dragana@example.org", name="Dragana")

    response = await client.get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["name"], body["is_verified"]) == ("dragana@example.org", "Dragana", True)
    assert body["grants"] == [{"role": "mentor", "edition_id": None, "organisation_id": None}]


async def test_openapi_schema_lists_the_api(client: WebClient) -> None:
    response = await client.get("/schema/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/files", "/api/v1/editions"} <= set(paths)
    assert not any(path.startswith(("/organiser", "/login")) for path in paths)


async def test_api_docs_page_uses_only_local_assets(client: WebClient) -> None:
    response = await client.get("/schema")

    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in response.text
    assert "cdn" not in response.text.lower()


async def test_unknown_page_is_a_friendly_404(client: WebClient) -> None:
    response = await client.get("/no/such/page")

    assert response.status_code == 404
    assert "We could not find this page." in response.text
    assert "Skip to content" in response.text  # the normal layout, not a bare error


async def test_audit_and_outbox_pages_past_every_row_are_empty(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    await audit.record(actor_id=None, action="problem.published", entity="problem", entity_id=7)
    far = 10**18  # its OFFSET was beyond PostgreSQL's bigint: a 500

    audit_page = await organiser.get(f"/organiser/audit?page_number={far}")
    outbox_page = await organiser.get(f"/organiser/outbox?page_number={far}")

    assert (audit_page.status_code, outbox_page.status_code) == (200, 200)
    assert "problem.published" not in audit_page.text


async def test_a_long_audit_log_offers_the_older_page_and_ends_there(logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    for number in range(PAGE_SIZE + 1):
        await audit.record(actor_id=None, action="score.saved", entity="score", entity_id=number)

    first = (await organiser.get("/organiser/audit?entity=score")).text
    second = (await organiser.get("/organiser/audit?entity=score&page_number=2")).text

    assert ("page_number=2" in first, "page_number=3" in second) == (True, False)
    assert ("score #0" in first, "score #0" in second, "score #1" in second) == (False, True, False)
