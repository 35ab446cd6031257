"""The pilots' open data: what the files hold (accepted values only, no draft, no comment), that
they parse, and that the DCAT-AP description names every file at an address that serves it."""

from __future__ import annotations

import csv
import io
import json

from tests.integration.pilots.public_world import DRAFT_TITLE, HIDDEN_COMMENT, make_public_world
from tests.web import WebClient

BASE = "http://testserver/open-data/pilots"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_measurements_csv_holds_the_accepted_values_only(client: WebClient) -> None:
    w = await make_public_world()

    response = await client.get("/open-data/pilots/measurements.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="measurements.csv"'
    assert [(int(r["id"]), r["measured_on"], float(r["value"])) for r in rows(response.text)] == [
        (w.accepted_ids[0], "2026-10-01", 380.0),
        (w.accepted_ids[1], "2026-11-01", 350.0),
        (w.accepted_ids[2], "2026-12-01", 330.5),
    ]
    assert {r["kpi_id"] for r in rows(response.text)} == {str(w.kpi_id)}


async def test_the_files_leave_drafts_private_milestones_and_comments_out(client: WebClient) -> None:
    w = await make_public_world()

    pilots = rows((await client.get("/open-data/pilots/pilots.csv")).text)
    kpis = rows((await client.get("/open-data/pilots/kpis.csv")).text)
    milestones = rows((await client.get("/open-data/pilots/milestones.csv")).text)
    feedback = (await client.get("/open-data/pilots/feedback.csv")).text

    assert [int(p["id"]) for p in pilots] == [w.pilot_id, w.completed_id]
    assert (pilots[0]["sdgs"], pilots[0]["locations"], pilots[0]["budget_eur"]) == (
        "2;6",
        "Kušići;Ivanjica centre",
        "12000",
    )
    assert pilots[0]["page_url"] == f"http://testserver/pilots/{w.pilot_id}"
    assert "data_terms" not in pilots[0]
    assert [(k["name"], k["direction"], k["baseline_value"], k["target_value"]) for k in kpis] == [
        ("Litres of water used per hectare", "down", "400.0", "300.0")
    ]
    assert [(m["title"], m["status"], m["refusals"]) for m in milestones] == [
        ("Sensors installed", "achieved", ""),
        ("Farmers trained", "refused", "municipality: Only four of twenty farms came."),
    ]
    assert rows(feedback) == [
        {
            "pilot_id": str(w.pilot_id),
            "month": "2026-10",
            "ratings": "2",
            "mean_rating": "4.5",
            "local_ratings": "2",
            "rating_1": "0",
            "rating_2": "0",
            "rating_3": "0",
            "rating_4": "1",
            "rating_5": "1",
        },
        {
            "pilot_id": str(w.pilot_id),
            "month": "2026-11",
            "ratings": "1",
            "mean_rating": "2.0",
            "local_ratings": "0",
            "rating_1": "0",
            "rating_2": "1",
            "rating_3": "0",
            "rating_4": "0",
            "rating_5": "0",
        },
    ]
    assert "SMS" not in feedback and HIDDEN_COMMENT not in feedback


async def test_the_json_document_holds_it_all_under_its_licence(client: WebClient) -> None:
    w = await make_public_world()

    response = await client.get("/open-data/pilots/pilots.json")
    document = response.json()

    assert response.headers["content-type"].startswith("application/json")
    assert document["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert [p["id"] for p in document["pilots"]] == [w.pilot_id, w.completed_id]
    assert document["pilots"][0]["sdgs"] == [2, 6]
    assert [m["value"] for m in document["measurements"]] == [380.0, 350.0, 330.5]
    assert [m["title"] for m in document["milestones"]] == ["Sensors installed", "Farmers trained"]
    assert [(f["month"], f["ratings"]) for f in document["feedback"]] == [("2026-10", 2), ("2026-11", 1)]
    assert DRAFT_TITLE not in response.text and HIDDEN_COMMENT not in response.text
    assert "Draft feedback" not in response.text and "Draft KPI" not in response.text


async def test_the_dcat_description_names_every_file_at_an_address_that_serves_it(client: WebClient) -> None:
    await make_public_world()

    response = await client.get("/open-data/pilots/dcat.jsonld")
    dataset = json.loads(response.text)

    assert response.headers["content-type"].startswith("application/ld+json")
    assert dataset["@type"] == "dcat:Dataset"
    assert dataset["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert dataset["dct:title"][0] == {
        "@value": "Smart-city and smart-rural pilots: progress, KPIs and residents' feedback",
        "@language": "en",
    }
    assert dataset["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert dataset["dct:publisher"]["foaf:name"] == "Smart Cities & Smart Rural Challenge"
    assert {"dct:issued", "dct:modified", "dct:description"} <= set(dataset)
    downloads = [d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]]
    assert downloads == [
        f"{BASE}/{name}"
        for name in ("pilots.csv", "kpis.csv", "measurements.csv", "milestones.csv", "feedback.csv", "pilots.json")
    ]
    for distribution in dataset["dcat:distribution"]:
        served = await client.get(distribution["dcat:downloadURL"]["@id"].removeprefix("http://testserver"))
        assert served.status_code == 200
        media_type = distribution["dcat:mediaType"]["@id"].removeprefix(MEDIA_TYPES)
        assert served.headers["content-type"].split(";")[0] == media_type
        assert distribution["dct:format"]["@id"].endswith(("/CSV", "/JSON"))


async def test_the_dcat_description_names_each_file_in_the_three_languages(client: WebClient) -> None:
    dataset = json.loads((await client.get("/open-data/pilots/dcat.jsonld")).text)
    pilots = dataset["dcat:distribution"][0]

    assert pilots["dct:title"] == [
        {"@value": "Pilots", "@language": "en"},
        {"@value": "Pilot-projekti", "@language": "sr-Latn"},
        {"@value": "Пилот-пројекти", "@language": "sr-Cyrl"},
    ]
    assert pilots["dct:description"] == [
        {"@value": "Public pilots and their agreed terms.", "@language": "en"},
        {"@value": "Javni piloti i njihovi dogovoreni uslovi.", "@language": "sr-Latn"},
        {"@value": "Јавни пилоти и њихови договорени услови.", "@language": "sr-Cyrl"},
    ]


async def test_the_open_data_page_names_the_licence_and_links_every_file(client: WebClient) -> None:
    await make_public_world()

    html = (await client.get("/open-data/pilots")).text

    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    for name in (
        "pilots.csv",
        "kpis.csv",
        "measurements.csv",
        "milestones.csv",
        "feedback.csv",
        "pilots.json",
        "dcat.jsonld",
    ):
        assert f'href="/open-data/pilots/{name}"' in html, name


async def test_the_licence_is_a_setting(client: WebClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.settings import get_settings

    monkeypatch.setenv("OPEN_DATA_LICENCE", "CC0 1.0")
    monkeypatch.setenv("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/publicdomain/zero/1.0/")
    get_settings.cache_clear()
    try:
        document = (await client.get("/open-data/pilots/pilots.json")).json()
        dataset = (await client.get("/open-data/pilots/dcat.jsonld")).json()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert document["licence"] == {"name": "CC0 1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}
    assert dataset["dct:license"] == {"@id": "https://creativecommons.org/publicdomain/zero/1.0/"}


async def test_with_no_pilot_the_files_are_empty_but_valid(client: WebClient) -> None:
    measurements = await client.get("/open-data/pilots/measurements.csv")
    dataset = (await client.get("/open-data/pilots/dcat.jsonld")).json()

    assert measurements.text.splitlines() == ["id,kpi_id,pilot_id,measured_on,value"]
    assert "dct:modified" not in dataset and len(dataset["dcat:distribution"]) == 6


async def test_the_files_are_built_once_per_public_change(client: WebClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core import pagecache
    from core.audit import record
    from core.settings import get_settings
    from pilots.tables import Pilot

    w = await make_public_world()
    monkeypatch.setenv("PAGE_CACHE", "true")
    get_settings.cache_clear()
    pagecache.forget()
    try:
        first = await client.get("/open-data/pilots/pilots.csv")
        await Pilot.update({Pilot.title: "Renamed pilot"}).where(Pilot.id == w.pilot_id)
        cached = await client.get("/open-data/pilots/pilots.csv")
        cached_json = (await client.get("/open-data/pilots/pilots.json")).text
        await record(actor_id=None, action="pilot.renamed", entity="pilot", entity_id=w.pilot_id)
        fresh = await client.get("/open-data/pilots/pilots.csv")
    finally:
        monkeypatch.delenv("PAGE_CACHE")
        get_settings.cache_clear()
        pagecache.forget()

    titles = [rows(response.text)[0]["title"] for response in (first, cached, fresh)]
    assert titles == ["Soil sensors for Ivanjica's farms", "Soil sensors for Ivanjica's farms", "Renamed pilot"]
    assert "Renamed pilot" in cached_json  # built for the first time after the change
    assert cached.headers["content-disposition"] == 'attachment; filename="pilots.csv"'
    assert cached.headers["content-type"].startswith("text/csv")
