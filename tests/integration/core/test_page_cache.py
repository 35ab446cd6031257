"""Public pages served from memory to anonymous visitors, and dropped when what they show changes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from challenge.tables import Problem
from core import pagecache
from core.enums import Role
from core.settings import get_settings
from core.tables import ContentVersion
from tests.factories import make_municipality, make_open_edition, make_problem
from tests.fixtures import http_client
from tests.web import WebClient

FORM_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PAGE_CACHE", "true")
    get_settings.cache_clear()
    pagecache.forget()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    pagecache.forget()


async def _world() -> dict:
    edition = await make_open_edition()
    town = await make_municipality()
    return await make_problem(edition_id=edition["id"], municipality_id=town["id"], title="Water losses in Ivanjica")


async def test_anonymous_visitors_share_one_rendering_until_public_data_changes(client: WebClient, logged_in) -> None:
    problem = await _world()
    first = await client.http.get(f"/problems/{problem['id']}")
    assert first.status_code == 200 and "Water losses in Ivanjica" in first.text
    assert "Water losses in Ivanjica" in (await client.http.get("/problems")).text

    # A change behind the services' back (no audit record) is not seen: the page comes from memory.
    await Problem.update({Problem.title: "Renamed without telling anyone"}).where(Problem.id == problem["id"])
    assert "Water losses in Ivanjica" in (await client.http.get(f"/problems/{problem['id']}")).text
    assert "Water losses in Ivanjica" in (await client.http.get("/problems")).text

    # A signed-in resident never gets the shared page: they see the data as it is, and their own name.
    resident = await logged_in(Role.MUNICIPALITY, name="Ana Resident")
    own = await resident.http.get(f"/problems/{problem['id']}")
    assert "Renamed without telling anyone" in own.text and "Ana Resident" in own.text

    # An endorsement goes through the service, is audited, and every cached page is dropped at once.
    voter = await logged_in(None)
    endorsed = await voter.post_form(f"/problems/{problem['id']}/endorse")
    assert endorsed.status_code in (302, 303)
    fresh = await client.http.get(f"/problems/{problem['id']}")
    assert "Renamed without telling anyone" in fresh.text
    assert "Renamed without telling anyone" in (await client.http.get("/problems")).text
    assert "Ana Resident" not in fresh.text


async def test_each_visitor_gets_their_own_csrf_token_in_a_cached_page(app, clean_db, pool) -> None:
    problem = await _world()
    tokens = []
    for _ in range(2):
        async with http_client(app) as http:
            page = await http.get(f"/problems/{problem['id']}")
            form_tokens = set(FORM_TOKEN.findall(page.text))
            assert form_tokens == {http.cookies["csrftoken"]}
            tokens.append(http.cookies["csrftoken"])
            # The language form on the cached page works for this visitor.
            switched = await http.post(
                "/locale", data={"locale": "sr_Latn", "next": "/problems", "_csrf_token": form_tokens.pop()}
            )
            assert switched.status_code in (302, 303)
            assert '<html lang="sr-Latn"' in (await http.get("/problems")).text
    assert tokens[0] != tokens[1]


async def test_a_change_made_by_another_worker_is_seen_within_the_token_lifetime(
    client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = await _world()
    assert "Water losses in Ivanjica" in (await client.http.get("/problems")).text
    await Problem.update({Problem.title: "Changed on another worker"}).where(Problem.id == problem["id"])
    # The other worker's change: a new token in the database, this worker's memory untouched.
    await ContentVersion.insert(ContentVersion(name=pagecache.PUBLIC, token="from-another-worker"))
    assert "Water losses in Ivanjica" in (await client.http.get("/problems")).text  # within the second
    monkeypatch.setattr(pagecache, "TOKEN_TTL", 0.0)
    assert "Changed on another worker" in (await client.http.get("/problems")).text
