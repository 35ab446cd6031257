"""A person's own data: the export holds exactly what is theirs; erasure leaves nothing that names them."""

from __future__ import annotations

import json

from challenge.tables import Comment, Endorsement
from tests.factories import make_edition, make_startup, make_user
from tests.integration.core.personal_data import (
    make_application,
    make_published_problem,
    make_stored_file,
    make_team,
    open_zip,
)


async def test_export_holds_exactly_the_persons_data(logged_in) -> None:
    web = await logged_in(email="ana@example.org", name="Ana Anić")
    ana = web.user
    other = await make_user(email="bo@example.org", name="Bo")
    edition = await make_edition()
    problem = await make_published_problem(edition["id"])
    startup = await make_startup(name="BusBee")
    await make_team(edition["id"], startup["id"], ana)
    deck = await make_stored_file(ana["id"], b"%PDF-1.4 ana's deck", "deck v2.pdf", "pitch_deck")
    await make_stored_file(other["id"], b"%PDF-1.4 not ana's", "other.pdf")
    await make_application(edition["id"], startup["id"], "submitted", deck["id"])
    await Comment.insert(Comment(problem=problem["id"], author=ana["id"], body="We need this."))
    await Comment.insert(Comment(problem=problem["id"], author=other["id"], body="Bo's comment."))
    await Endorsement.insert(Endorsement(problem=problem["id"], user=ana["id"], key=f"{problem['id']}:{ana['id']}"))

    response = await web.get("/account/export")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = open_zip(response.content)
    assert sorted(archive.namelist()) == [
        "challenge.json",
        "core.json",
        f"files/{deck['id']}-deck v2.pdf",
        "hackathon.json",
        "judging.json",
        "mentoring.json",
        "pilot_agreements.json",
    ]
    assert archive.read(f"files/{deck['id']}-deck v2.pdf") == b"%PDF-1.4 ana's deck"
    core = json.loads(archive.read("core.json"))
    assert [(row["email"], row["name"]) for row in core["account"]] == [("ana@example.org", "Ana Anić")]
    assert "password_hash" not in core["account"][0]
    assert [(m["role"], m["organisation_id"]) for m in core["memberships"]] == [("startup", startup["id"])]
    assert len(core["sessions"]) == 1
    assert [(f["id"], f["original_name"], f["path"]) for f in core["files"]] == [
        (deck["id"], "deck v2.pdf", f"files/{deck['id']}-deck v2.pdf")
    ]
    assert "key" not in core["files"][0]
    challenge = json.loads(archive.read("challenge.json"))
    assert [c["body"] for c in challenge["comments"]] == ["We need this."]
    assert [e["problem_title"] for e in challenge["endorsements"]] == ["Bus stops"]
    assert [(s["startup_name"], s["title"]) for s in challenge["team_memberships"]] == [("BusBee", "CEO")]
    assert [(a["status"], a["solution"], a["pitch_deck"]) for a in challenge["applications"]] == [
        ("submitted", "Sensors on every stop.", deck["id"])
    ]
    assert json.loads(archive.read("hackathon.json")) == {"panels": [], "schedule_items": []}
    assert json.loads(archive.read("judging.json")) == {
        "assignments": [],
        "declared_conflicts": [],
        "judge_profiles": [],
        "pairwise_votes": [],
        "score_sheets": [],
    }


async def test_export_of_another_person_is_never_reachable(logged_in, client) -> None:
    ana = await logged_in(email="ana@example.org", name="Ana")
    bo = await logged_in(email="bo@example.org", name="Bo")
    await make_stored_file(ana.user["id"], b"%PDF-1.4 ana only", "ana.pdf")

    bos = open_zip((await bo.get("/account/export")).content)
    anonymous = await client.get("/account/export")

    assert [n for n in bos.namelist() if n.startswith("files/")] == []
    assert [row["email"] for row in json.loads(bos.read("core.json"))["account"]] == ["bo@example.org"]
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")
    # The route takes no id: nothing to point at someone else.
    assert (await bo.get(f"/account/export?user_id={ana.user['id']}")).content[:2] == b"PK"


async def test_privacy_page_is_linked_from_every_page_in_every_language(client) -> None:
    home = await client.get("/")
    pages = {}
    for locale in ("en", "sr_Latn", "sr_Cyrl"):
        await client.post_form("/locale", {"locale": locale})
        pages[locale] = await client.get("/privacy")

    assert 'href="/privacy"' in home.text
    assert {locale: p.status_code for locale, p in pages.items()} == {"en": 200, "sr_Latn": 200, "sr_Cyrl": 200}
    assert "Privacy: what we store about you" in pages["en"].text
    assert "Privatnost" in pages["sr_Latn"].text
    assert "Приватност" in pages["sr_Cyrl"].text
