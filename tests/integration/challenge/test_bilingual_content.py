"""Problems and editions in Serbian and English: each reader sees their language, with a fallback
marked by its language, and Serbian in the reader's script."""

from __future__ import annotations

from challenge.tables import Edition, Municipality, Problem
from core.enums import Role
from tests.factories import COMPLETE_PROBLEM, make_edition, make_municipality, make_open_edition, make_problem
from tests.web import WebClient

LATIN_TITLE = "Gubici vode u seoskim mrežama: njive i džepovi"
CYRILLIC_TITLE = "Губици воде у сеоским мрежама: њиве и џепови"
LATIN_SUMMARY = "Trećina vode se izgubi pre slavine; podaci su na https://data.gov.rs/sr/."
CYRILLIC_SUMMARY = "Трећина воде се изгуби пре славине; подаци су на https://data.gov.rs/sr/."


async def _in(client: WebClient, locale: str) -> WebClient:
    await client.post_form("/locale", {"locale": locale})
    return client


async def _serbian_problem(**fields) -> dict:
    edition = await make_edition(slug="2026")
    town = await make_municipality(name="Ivanjica")
    texts = {"title": LATIN_TITLE, "summary": LATIN_SUMMARY, **fields}
    return await make_problem(edition_id=edition["id"], municipality_id=town["id"], language="sr", **texts)


async def test_a_cyrillic_reader_sees_a_latin_written_serbian_problem_in_cyrillic(client: WebClient) -> None:
    problem = await _serbian_problem()
    await _in(client, "sr_Cyrl")

    page = (await client.get(f"/problems/{problem['id']}")).text
    catalogue = (await client.get("/problems?edition=2026")).text

    assert f"<h1>{CYRILLIC_TITLE}</h1>" in page
    assert f'<p class="lead">{CYRILLIC_SUMMARY}</p>' in page
    assert f">{CYRILLIC_TITLE}</a></h3>" in catalogue
    assert LATIN_TITLE not in page + catalogue
    assert "Написано на" not in page


async def test_place_names_follow_the_readers_script(client: WebClient) -> None:
    problem = await _serbian_problem()
    await Municipality.update({Municipality.region: "Moravički okrug"}).where(Municipality.name == "Ivanjica")

    cyrillic = (await (await _in(client, "sr_Cyrl")).get(f"/problems/{problem['id']}")).text
    english = (await (await _in(client, "en")).get("/problems?edition=2026")).text

    assert "Ивањица · Моравички округ" in cyrillic
    assert "Ivanjica · Moravički okrug" in english


async def test_a_latin_reader_sees_a_cyrillic_written_serbian_problem_in_latin(client: WebClient) -> None:
    problem = await _serbian_problem(title=CYRILLIC_TITLE, summary=CYRILLIC_SUMMARY)
    await _in(client, "sr_Latn")

    page = (await client.get(f"/problems/{problem['id']}")).text

    assert f"<h1>{LATIN_TITLE}</h1>" in page
    assert f'<p class="lead">{LATIN_SUMMARY}</p>' in page


async def test_an_english_reader_sees_the_english_version(client: WebClient) -> None:
    problem = await _serbian_problem(
        translated_title="Water losses in village networks", translated_summary="A third of the water is lost."
    )
    await _in(client, "en")

    page = (await client.get(f"/problems/{problem['id']}")).text

    assert "<h1>Water losses in village networks</h1>" in page
    assert '<p class="lead">A third of the water is lost.</p>' in page
    assert "Written in" not in page
    assert LATIN_TITLE not in page


async def test_an_english_reader_without_an_english_version_sees_the_serbian_one_marked(client: WebClient) -> None:
    problem = await _serbian_problem()
    await _in(client, "en")

    page = (await client.get(f"/problems/{problem['id']}")).text
    catalogue = (await client.get("/problems?edition=2026")).text

    assert f'<h1 lang="sr-Latn">{LATIN_TITLE}</h1> <small class="written-in">Written in Serbian</small>' in page
    assert f'lang="sr-Latn">{LATIN_TITLE}</a> <small class="written-in">Written in Serbian</small></h3>' in catalogue


async def test_a_serbian_reader_without_a_serbian_version_sees_the_english_one_marked(client: WebClient) -> None:
    edition = await make_edition(slug="2026")
    town = await make_municipality()
    problem = await make_problem(
        edition_id=edition["id"], municipality_id=town["id"], language="en", title="Heat islands", translated_title=""
    )
    await _in(client, "sr_Cyrl")

    page = (await client.get(f"/problems/{problem['id']}")).text

    assert '<h1 lang="en">Heat islands</h1> <small class="written-in">Написано на енглеском</small>' in page


async def test_searching_in_cyrillic_finds_a_problem_written_in_latin(client: WebClient) -> None:
    await _serbian_problem()
    await _in(client, "sr_Cyrl")

    found = (await client.get("/problems?edition=2026&q=сеоским")).text

    assert CYRILLIC_TITLE in found


async def test_staff_write_a_problem_in_serbian_with_an_english_version(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality(name="Kladovo")
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    form = {
        **COMPLETE_PROBLEM,
        "sdgs": ["6"],
        "open_data_links": "",
        "affected_count": "650",
        "action": "save",
        "edition_id": str(edition["id"]),
        "municipality_id": str(town["id"]),
        "title": LATIN_TITLE,
        "language": "sr",
        "translated_title": "Water losses",
        "translated_summary": "Lost water.",
        "translated_context": "Old pipes.",
    }

    new_form = (await staff.get(f"/municipality/problems/new?edition_id={edition['id']}")).text
    response = await staff.upload(
        "/municipality/problems/new", {"attachment": ("", b"", "application/octet-stream")}, form
    )

    assert 'name="language"' in new_form and 'name="translated_title"' in new_form
    assert response.status_code == 302, response.text[:400]
    stored = await Problem.select(
        Problem.language, Problem.translated_title, Problem.translated_summary, Problem.translated_context
    ).first()
    assert stored == {
        "language": "sr",
        "translated_title": "Water losses",
        "translated_summary": "Lost water.",
        "translated_context": "Old pipes.",
    }


async def test_a_language_that_is_neither_is_refused_beside_the_field(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])

    response = await staff.upload(
        "/municipality/problems/new",
        {"attachment": ("", b"", "application/octet-stream")},
        {
            "edition_id": str(edition["id"]),
            "municipality_id": str(town["id"]),
            "title": "Snow",
            "language": "de",
            "translated_title": "Sneg",
            "action": "save",
        },
    )

    assert response.status_code == 422
    assert 'id="e-language" class="field-error">Choose Serbian or English.<' in response.text
    assert 'value="Sneg"' in response.text


async def test_the_api_takes_and_gives_both_versions(logged_in) -> None:
    edition, town = await make_open_edition(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])

    response = await staff.post_json(
        "/api/v1/problems",
        {
            "edition_id": edition["id"],
            "municipality_id": town["id"],
            "title": "Heat islands",
            "language": "en",
            "translated_title": "Toplotna ostrva",
        },
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["language"], body["title"], body["translated_title"]) == ("en", "Heat islands", "Toplotna ostrva")


async def test_an_organiser_names_an_edition_in_both_languages_and_each_reader_sees_theirs(
    logged_in, client: WebClient
) -> None:
    organiser = await logged_in(Role.ORGANISER)
    response = await organiser.post_form(
        "/organiser/editions/new",
        {
            "name": "Pametni gradovi i pametna sela",
            "language": "sr",
            "translated_name": "Smart Cities and Villages",
            "description": "Opštine donose probleme.",
            "translated_description": "Towns bring problems.",
            "year": "2027",
            "slug": "2027",
            "timezone": "Europe/Belgrade",
            "tracks": ["smart_city"],
            "starts_problem_intake": "2027-02-01T09:00",
        },
    )
    assert response.status_code == 302, response.text[:400]

    english = (await (await _in(client, "en")).get("/editions/2027")).text
    cyrillic = (await (await _in(client, "sr_Cyrl")).get("/editions/2027")).text
    results = (await client.get("/editions/2027/results")).text

    assert "<h1>Smart Cities and Villages</h1>" in english
    assert '<p class="lead">Towns bring problems.</p>' in english
    assert "<h1>Паметни градови и паметна села</h1>" in cyrillic
    assert '<p class="lead">Општине доносе проблеме.</p>' in cyrillic
    assert "Паметни градови и паметна села 2027" in results
    stored = await Edition.select(Edition.language, Edition.translated_name).first()
    assert stored == {"language": "sr", "translated_name": "Smart Cities and Villages"}


async def test_the_demo_speaks_both_languages(client: WebClient) -> None:
    from core.demo import load_demo

    await load_demo()

    english = (await (await _in(client, "en")).get("/problems?edition=2026")).text
    cyrillic = (await (await _in(client, "sr_Cyrl")).get("/problems?edition=2026")).text
    home = (await client.get("/")).text

    assert ">Drinking water losses in village networks</a></h3>" in english
    assert ">Губици питке воде у сеоским мрежама</a></h3>" in cyrillic
    # A demo problem with no Serbian version is shown as written, marked, never transliterated.
    assert '<a href="/problems/' in cyrillic
    assert 'lang="en">Predicting failures in the district heating network</a>' in cyrillic
    assert "<h1>Изазов паметних градова и паметних села</h1>" in home
