"""The organiser's application list: its body and its CSV kept until an audited change to what they
show, never handed to someone without the right, each reader's CSRF token their own; and the
problem filter, a text input with a datalist that works as a plain form (no JavaScript)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest

from challenge.services import applications
from challenge.tables import Application, Startup
from core import audit, db, pagecache
from core.auth import load_current_user
from core.enums import Role
from core.settings import get_settings
from tests.integration.challenge.test_screening import _world
from tests.web import WebClient, field_error

FORM_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PAGE_CACHE", "true")
    get_settings.cache_clear()
    pagecache.forget()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    pagecache.forget()


def _names(html: str) -> list[str]:
    return [n for n in ("AgroSense", "FlowCity", "=LeakTech", "AgroSense Labs") if f">{n}</a>" in html]


def _bulk_form_token(html: str) -> str:
    form = html.split('action="/organiser/editions/')[1]
    match = FORM_TOKEN.search(form)
    assert match is not None
    return match.group(1)


async def test_the_list_is_kept_until_an_audited_change_and_each_reader_gets_their_own_csrf_token(
    cache_on: None, logged_in
) -> None:
    edition, _rural, _urban, ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    olga: WebClient = await logged_in(Role.ORGANISER, name="Olga Organiser")
    petar: WebClient = await logged_in(Role.ORGANISER, name="Petar Organiser")

    first = await olga.get(base)
    assert first.status_code == 200 and _names(first.text) == ["AgroSense", "FlowCity", "=LeakTech"]

    # A change behind the services' back (no audit record) is not seen: the body comes from memory.
    await Startup.update({Startup.name: "AgroSense Labs"}).where(Startup.name == "AgroSense")
    kept = await petar.get(base)
    assert _names(kept.text) == ["AgroSense", "FlowCity", "=LeakTech"]
    # ... with Petar's own header and CSRF token, not Olga's.
    assert "Petar Organiser" in kept.text and "Olga Organiser" not in kept.text
    assert _bulk_form_token(kept.text) == await petar.csrf_token()
    assert _bulk_form_token(first.text) == await olga.csrf_token() != await petar.csrf_token()

    # An audited change (a status change through its service) drops it for everyone at once.
    organiser = await load_current_user(olga.user["id"])  # type: ignore[attr-defined]
    await applications.change_status(user=organiser, application_ids=[ids["flow"]], status="rejected")
    fresh = await petar.get(base)
    assert _names(fresh.text) == ["FlowCity", "=LeakTech", "AgroSense Labs"]
    assert fresh.text.count("badge status-rejected") == 1


@pytest.mark.parametrize("entity", sorted(pagecache.FRAGMENT_ENTITIES[pagecache.SCREENING]))
async def test_every_audited_change_to_what_the_list_shows_drops_it(cache_on: None, logged_in, entity: str) -> None:
    edition, _rural, _urban, ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    organiser: WebClient = await logged_in(Role.ORGANISER)
    assert "badge status-shortlisted" not in (await organiser.get(base)).text
    csv_before = (await organiser.get(base + "export.csv")).text

    await Application.update({Application.status: "shortlisted"}).where(Application.id == ids["agro"])
    assert "badge status-shortlisted" not in (await organiser.get(base)).text
    assert (await organiser.get(base + "export.csv")).text == csv_before

    async with db.transaction():
        # Without an edition (an edition's record names it by its id): every edition's list goes.
        entity_id = edition["id"] if entity == "edition" else 1
        await audit.record(actor_id=None, action=f"{entity}.changed", entity=entity, entity_id=entity_id)
    assert (await organiser.get(base)).text.count("badge status-shortlisted") == 1
    assert "shortlisted" in (await organiser.get(base + "export.csv")).text


async def test_a_change_other_pages_show_keeps_the_list(cache_on: None, logged_in) -> None:
    edition, _rural, _urban, ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    organiser: WebClient = await logged_in(Role.ORGANISER)
    await organiser.get(base)
    await Application.update({Application.status: "shortlisted"}).where(Application.id == ids["agro"])
    async with db.transaction():
        await audit.record(actor_id=None, action="score.given", entity="score_sheet", entity_id=1)
    assert "badge status-shortlisted" not in (await organiser.get(base)).text


async def test_a_change_in_another_edition_keeps_the_list_and_one_in_this_edition_drops_it(
    cache_on: None, logged_in
) -> None:
    edition, _rural, _urban, ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    organiser: WebClient = await logged_in(Role.ORGANISER)
    await organiser.get(base)
    await Application.update({Application.status: "shortlisted"}).where(Application.id == ids["agro"])
    other = edition["id"] + 1
    async with db.transaction():
        await audit.record(actor_id=None, action="application.x", entity="application", entity_id=1, edition_id=other)
        await audit.record(actor_id=None, action="edition.changed", entity="edition", entity_id=other)
    assert "badge status-shortlisted" not in (await organiser.get(base)).text
    async with db.transaction():
        await audit.record(
            actor_id=None, action="application.x", entity="application", entity_id=ids["agro"], edition_id=edition["id"]
        )
    assert (await organiser.get(base)).text.count("badge status-shortlisted") == 1


async def test_a_kept_list_is_never_shown_to_someone_without_the_right(cache_on: None, logged_in) -> None:
    edition, _rural, _urban, _ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    organiser: WebClient = await logged_in(Role.ORGANISER)
    assert (await organiser.get(base)).status_code == 200
    assert (await organiser.get(base + "export.csv")).status_code == 200
    for role in (Role.STARTUP, Role.MUNICIPALITY, Role.JUDGE, None):
        other: WebClient = await logged_in(role)
        for url in (base, base + "export.csv"):
            refused = await other.get(url)
            assert refused.status_code == 403, (role, url)
            assert "AgroSense" not in refused.text


async def test_the_problem_filter_takes_a_typed_title_as_a_plain_form(logged_in) -> None:
    edition, rural, _urban, _ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    organiser: WebClient = await logged_in(Role.ORGANISER)

    listing = (await organiser.get(base)).text
    datalist = listing.split('<datalist id="problem-titles">')[1].split("</datalist>")[0]
    assert datalist == '<option value="Traffic jams (Novi Sad)"><option value="Water losses (Ivanjica)">'
    assert 'list="problem-titles"' in listing and '<select id="f-problem"' not in listing

    for typed in ("Water losses (Ivanjica)", "water  LOSSES", " Water losses "):
        page = await organiser.get(base, params={"problem": typed})
        assert page.status_code == 200, typed
        assert _names(page.text) == ["AgroSense", "=LeakTech"], typed
        assert field_error(page.text, "problem") is None
        # The input shows the problem as the datalist names it; links name it by its id from then on.
        assert 'value="Water losses (Ivanjica)"' in page.text
        water = re.search(r'href="/organiser/editions/\d+/applications/export.csv\?problem=(\d+)"', page.text)
        assert water is not None
        by_id = await organiser.get(base, params={"problem": water.group(1)})
        assert _names(by_id.text) == ["AgroSense", "=LeakTech"]
        assert 'value="Water losses (Ivanjica)"' in by_id.text

    exported = await organiser.get(base + "export.csv", params={"problem": "Water losses"})
    assert [row["startup"] for row in csv.DictReader(io.StringIO(exported.text))] == ["'=LeakTech", "AgroSense"]
    assert rural["name"] == "Ivanjica"


async def test_an_unknown_problem_is_a_field_error_and_matches_nothing(logged_in) -> None:
    edition, _rural, _urban, _ids = await _world()
    base = f"/organiser/editions/{edition['id']}/applications/"
    organiser: WebClient = await logged_in(Role.ORGANISER)

    page = await organiser.get(base, params={"problem": "Water <losses> 2"})
    assert page.status_code == 422
    assert field_error(page.text, "problem") == ("No problem of this edition has this title: choose one from the list.")
    assert (
        'id="f-problem" name="problem"' in page.text and 'aria-invalid="true" aria-describedby="e-problem"' in page.text
    )
    assert 'value="Water &lt;losses&gt; 2"' in page.text  # what was typed is kept, escaped
    assert _names(page.text) == [] and "No application matches these filters." in page.text

    # Whoever asks for the CSV or the JSON of an unresolved title gets nothing, never every application.
    exported = await organiser.get(base + "export.csv", params={"problem": "Water <losses> 2"})
    assert list(csv.DictReader(io.StringIO(exported.text))) == []
