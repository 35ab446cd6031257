"""The demo edition and the command line a newcomer meets first."""

from __future__ import annotations

import os
import subprocess
import sys

from challenge.tables import Application, Edition, Endorsement, Municipality, Problem, Startup
from core.demo import DEMO_PASSWORD, MUNICIPALITIES, PEOPLE, STARTUPS, load_demo
from core.enums import Role
from core.tables import Membership, User
from tests.conftest import ROOT
from tests.web import WebClient


async def test_demo_loads_once() -> None:
    first, second = await load_demo(), await load_demo()

    assert (first, second) == (True, False)
    assert await Edition.count() == 2  # this year's and last year's
    assert await Problem.count().where(Problem.status == "published") == 9  # 7 this year, 2 last year
    counted = sum(row["endorsement_count"] for row in await Problem.select(Problem.endorsement_count))
    assert await Endorsement.count() == counted > 0
    kinds = {
        row["municipality.kind"]
        for row in await Problem.select(Problem.municipality.kind).where(Problem.status == "published")
    }
    assert kinds == {"urban", "rural", "mixed"}
    assert await Municipality.count() == len(MUNICIPALITIES)
    assert await Startup.count() == len(STARTUPS)
    statuses = await Application.select(Application.status, Application.edition.year.as_alias("year"))
    assert {row["status"] for row in statuses if row["year"] == 2026} == {
        "draft",
        "submitted",
        "shortlisted",
        "rejected",
        "accepted",
        "finalist",
    }
    assert sorted(row["status"] for row in statuses if row["year"] == 2025) == [
        "finalist",
        "finalist",
        "finalist",
        "rejected",
        "winner",
        "winner",
    ]
    assert await User.count() == len({email for email, *_ in PEOPLE} | await _other_demo_emails())


async def _other_demo_emails() -> set[str]:
    from core.demo import JUDGES, MENTORS, RESIDENTS, STAFF

    rows = await User.select(User.email)
    founders = {row["email"] for row in rows if row["email"].endswith(".example")}
    return (
        {e for e, *_ in JUDGES}
        | {e for e, *_ in MENTORS}
        | {e for e, _ in RESIDENTS}
        | {e for e, *_ in STAFF}
        | founders
    )


async def test_every_demo_login_works_and_reaches_its_home(client: WebClient, app) -> None:
    await load_demo()
    homes = {
        Role.ORGANISER: "/organiser/",
        Role.MUNICIPALITY: "/municipality",
        Role.STARTUP: "/startup",
        Role.MENTOR: "/mentor/",
        Role.JUDGE: "/judge/",
        None: "/account",
    }
    for email, _name, role, _organisation in PEOPLE:
        await client.login(email, DEMO_PASSWORD)
        response = await client.get(homes[role])
        assert response.status_code == 200, (email, homes[role])
        await client.post_form("/logout")


async def test_last_years_results_are_public(client: WebClient) -> None:
    await load_demo()

    page = (await client.get("/editions/2025/results")).text

    assert "AgroSense" in page and "ParkPulse" in page and "WaterWatch Balkans" in page


async def test_home_page_shows_the_demo_edition(client: WebClient) -> None:
    await load_demo()

    response = await client.get("/")

    assert response.status_code == 200
    assert "Smart Cities &amp; Smart Rural Challenge" in response.text
    assert "Smart rural" in response.text


def test_create_organiser_from_the_command_line() -> None:
    env = {**os.environ, "ORGANISER_PASSWORD": "a long organiser secret"}

    result = subprocess.run(
        [sys.executable, "-m", "core", "create-organiser", "boss@example.org", "--name", "Boss"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Organiser boss@example.org is ready." in result.stdout


async def test_created_organiser_has_the_role() -> None:
    from core.accounts.services import create_organiser

    user_id = await create_organiser(email="Boss@Example.org", name="Boss", password="a long organiser secret")

    assert await Membership.select(Membership.role).where(Membership.user == user_id) == [{"role": "organiser"}]
    assert (await User.objects().get(User.id == user_id)).email == "boss@example.org"


def test_create_organiser_refuses_a_weak_password() -> None:
    env = {**os.environ, "ORGANISER_PASSWORD": "short"}

    result = subprocess.run(
        [sys.executable, "-m", "core", "create-organiser", "boss@example.org"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "password: Use at least 10 characters." in result.stderr


async def test_the_demo_command_on_a_loaded_demo_only_prints_the_logins() -> None:
    # A repeated `make run`: the demo step says the demo is there without importing the whole app.
    await load_demo()
    script = "import sys\nfrom core.cli import main\nmain(['demo'])\nprint('app imported:', 'core.app' in sys.modules)"

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "Demo edition already present." in result.stdout
    assert f"Demo logins (password for all: {DEMO_PASSWORD}):" in result.stdout
    assert "app imported: False" in result.stdout
    assert await Edition.count() == 2
