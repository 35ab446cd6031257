"""Who reads an attached file: the same people whichever path uploaded and attached it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from challenge.tables import Application, Problem, ProblemAttachment, StartupMember
from core.clock import utc_now
from core.enums import Role
from core.tables import StoredFile
from judging.tables import JudgeAssignment, Round
from tests.factories import (
    COMPLETE_PROBLEM,
    make_edition_taking_applications,
    make_municipality,
    make_open_edition,
    make_problem,
)
from tests.web import WebClient

PDF = b"%PDF-1.7\n" + b"0" * 1000 + b"\n%%EOF\n"
TEXTS = {
    "solution": "Acoustic leak sensors on the main pipes.",
    "why_us": "We built this for two utilities already.",
    "pilot_plan": "Six weeks in two villages.",
    "impact": "A third less water lost.",
}
# Who asks for the deck of a submitted application addressing Ivanjica's problem, and what they get.
DECK_READERS = {
    "owner": 200,
    "cofounder": 200,
    "other_startup": 404,
    "assigned_judge": 200,
    "unassigned_judge": 404,
    "addressed_municipality": 200,
    "other_municipality": 404,
    "organiser": 200,
    "anonymous": 404,
}


async def _register(client: WebClient, edition: dict, name: str) -> int:
    response = await client.post_form(
        "/startup/register", {"edition_id": edition["id"], "name": name, "country": "Serbia", "city": "Niš"}
    )
    assert response.status_code == 302, response.text[:300]
    return (await StartupMember.select(StartupMember.startup).where(StartupMember.user == client.user["id"]).first())[
        "startup"
    ]


async def _deck_through_page(founder: WebClient, edition: dict, problem: dict) -> int:
    form = {
        "edition_id": str(edition["id"]),
        "track": "smart_rural",
        "action": "save",
        "sdgs": ["6"],
        "problems": [str(problem["id"])],
        **TEXTS,
    }
    response = await founder.upload(
        "/startup/applications/new", {"pitch_deck": ("deck.pdf", PDF, "application/pdf")}, form
    )
    assert response.status_code == 302, response.text[:500]
    return int(re.search(r"/startup/applications/(\d+)", response.headers["location"]).group(1))


async def _deck_through_api(founder: WebClient, edition: dict, problem: dict) -> int:
    uploaded = await founder.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text[:500]
    created = await founder.post_json(
        "/api/v1/startup/applications",
        {
            "edition_id": edition["id"],
            "track": "smart_rural",
            "problems": [problem["id"]],
            "sdgs": [6],
            "pitch_deck_file_id": uploaded.json()["id"],
            **TEXTS,
        },
    )
    assert created.status_code == 201, created.text[:500]
    return created.json()["id"]


@pytest.mark.parametrize("attach", [_deck_through_page, _deck_through_api], ids=["page", "api"])
async def test_a_pitch_deck_is_read_by_the_same_people_whichever_path_attached_it(logged_in, client, attach) -> None:
    edition = await make_edition_taking_applications()
    ivanjica, novi_sad = await make_municipality(name="Ivanjica"), await make_municipality(name="Novi Sad")
    problem = await make_problem(edition_id=edition["id"], municipality_id=ivanjica["id"])
    founder, rival = await logged_in(None), await logged_in(None)
    startup_id = await _register(founder, edition, "AgroSense")
    await _register(rival, edition, "ParkPulse")
    cofounder = await logged_in(None)
    await StartupMember.insert(
        StartupMember(
            startup=startup_id,
            user=cofounder.user["id"],
            edition=edition["id"],
            key=f"{edition['id']}:{cofounder.user['id']}",
        )
    )
    application_id = await attach(founder, edition, problem)
    await Application.update({Application.status: "submitted"}).where(Application.id == application_id)
    judge, bystander = (
        await logged_in(Role.JUDGE, edition_id=edition["id"]),
        await logged_in(Role.JUDGE, edition_id=edition["id"]),
    )
    round_id = (
        await Round.insert(
            Round(edition=edition["id"], name="Screening", status="open", opens_at=utc_now() - timedelta(days=1))
        ).returning(Round.id)
    )[0]["id"]
    await JudgeAssignment.insert(
        JudgeAssignment(
            round=round_id,
            judge=judge.user["id"],
            application=application_id,
            key=f"{round_id}:{judge.user['id']}:{application_id}",
        )
    )
    readers = {
        "owner": founder,
        "cofounder": cofounder,
        "other_startup": rival,
        "assigned_judge": judge,
        "unassigned_judge": bystander,
        "addressed_municipality": await logged_in(Role.MUNICIPALITY, organisation_id=ivanjica["id"]),
        "other_municipality": await logged_in(Role.MUNICIPALITY, organisation_id=novi_sad["id"]),
        "organiser": await logged_in(Role.ORGANISER),
        "anonymous": client,
    }
    deck_id = (await Application.select(Application.pitch_deck).where(Application.id == application_id).first())[
        "pitch_deck"
    ]

    got = {who: (await reader.get(f"/files/{deck_id}")).status_code for who, reader in readers.items()}

    assert got == DECK_READERS
    assert (await StoredFile.select(StoredFile.purpose).where(StoredFile.id == deck_id).first())["purpose"] == (
        "pitch_deck"
    )


async def test_a_problem_attachment_uploaded_through_the_api_is_attached_and_public_once_published(
    logged_in, client
) -> None:
    edition, ivanjica, novi_sad = await make_open_edition(), await make_municipality(), await make_municipality()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=ivanjica["id"])
    outsider = await logged_in(Role.MUNICIPALITY, organisation_id=novi_sad["id"])
    file_id = (await staff.upload("/api/v1/files", {"file": ("map.pdf", PDF, "application/pdf")})).json()["id"]
    form = {
        **COMPLETE_PROBLEM,
        "sdgs": ["6"],
        "open_data_links": "",
        "affected_count": "4200",
        "action": "save",
        "edition_id": str(edition["id"]),
        "municipality_id": str(ivanjica["id"]),
        "pending_attachment": str(file_id),
    }
    saved = await staff.upload(
        "/municipality/problems/new", {"attachment": ("", b"", "application/octet-stream")}, form
    )
    assert saved.status_code == 302, saved.text[:500]

    while_draft = [(await who.get(f"/files/{file_id}")).status_code for who in (staff, outsider, client)]
    await Problem.update({Problem.status: "published"}).where(Problem.edition == edition["id"])
    once_published = (await client.get(f"/files/{file_id}")).status_code

    assert await ProblemAttachment.count().where(ProblemAttachment.file == file_id) == 1
    assert while_draft == [200, 404, 404]
    assert once_published == 200


async def test_an_upload_attached_to_a_problem_cannot_become_a_pitch_deck(logged_in) -> None:
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    founder = await logged_in(None)
    await _register(founder, edition, "AgroSense")
    file_id = (await founder.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")})).json()["id"]
    await ProblemAttachment.insert(ProblemAttachment(problem=problem["id"], file=file_id))
    await StoredFile.update({StoredFile.purpose: "problem_attachment"}).where(StoredFile.id == file_id)

    response = await founder.post_json(
        "/api/v1/startup/applications",
        {"edition_id": edition["id"], "track": "smart_rural", "pitch_deck_file_id": file_id, **TEXTS},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"pitch_deck": "Upload your pitch deck (PDF)."}
