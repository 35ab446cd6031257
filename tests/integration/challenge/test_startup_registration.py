"""Finding the startup registration, and an unverified founder told before the form, over HTTP."""

from __future__ import annotations

from challenge.tables import Startup
from core.enums import Role
from core.tables import OutboxMessage
from tests.factories import make_edition_taking_applications, make_municipality, make_problem
from tests.fixtures import http_client
from tests.web import WebClient

PROFILE = {"name": "AgroSense", "country": "Serbia", "city": "Niš", "sector": "Water", "title": "CEO"}


async def test_a_signed_in_person_without_a_startup_is_led_to_the_registration(logged_in) -> None:
    edition = await make_edition_taking_applications(name="Water Challenge")
    person: WebClient = await logged_in(None)

    home = (await person.get("/")).text
    account = (await person.get("/account")).text
    dashboard = (await person.get("/startup")).text

    for page in (home, account):
        assert '<a href="/startup" role="button" class="secondary">Register your startup</a>' in page
    assert '<li><a href="/startup">Register your startup</a></li>' in home  # the header, on every page
    assert f'href="/startup/register?edition_id={edition["id"]}"' in dashboard


async def test_a_startup_member_is_not_offered_a_second_registration(logged_in) -> None:
    edition = await make_edition_taking_applications()
    founder: WebClient = await logged_in(None)
    await founder.post_form("/startup/register", {"edition_id": edition["id"], **PROFILE})

    home = (await founder.get("/")).text

    assert "Register your startup" not in home
    assert '<li><a href="/startup">Startup</a></li>' in home


async def test_an_organiser_is_not_offered_the_registration_in_the_header(logged_in) -> None:
    await make_edition_taking_applications()
    organiser: WebClient = await logged_in(Role.ORGANISER)

    assert '<li><a href="/startup">Register your startup</a></li>' not in (await organiser.get("/")).text


async def test_an_unverified_founder_is_told_before_the_form_and_offered_the_link_again(logged_in) -> None:
    edition = await make_edition_taking_applications()
    founder: WebClient = await logged_in(None, verified=False)

    page = (await founder.get(f"/startup/register?edition_id={edition['id']}")).text

    notice, form = page.index("First confirm your email address"), page.index('action="/startup/register"')
    assert notice < form
    assert founder.user["email"] in page[notice:form]
    assert 'action="/verify/resend"' in page[notice:form]
    assert f'name="next" value="/startup/register?edition_id={edition["id"]}"' in page[notice:form]
    assert page.count('action="/verify/resend"') == 1  # the page's own notice, not the general one too


async def test_a_refused_registration_keeps_everything_typed_and_names_the_reason(logged_in) -> None:
    edition = await make_edition_taking_applications()
    founder: WebClient = await logged_in(None, verified=False)

    response = await founder.post_form("/startup/register", {"edition_id": edition["id"], **PROFILE})

    assert response.status_code == 409
    assert "Confirm your email address first" in response.text and "Nothing you typed was lost." in response.text
    for value in ("AgroSense", "Niš", "Water", "CEO"):
        assert f'value="{value}"' in response.text
    assert await Startup.count() == 0


async def test_sending_the_link_again_comes_back_to_the_startup_form(logged_in) -> None:
    edition = await make_edition_taking_applications()
    founder: WebClient = await logged_in(None, verified=False)
    back = f"/startup/register?edition_id={edition['id']}"

    response = await founder.post_form("/verify/resend", {"next": back})
    elsewhere = await founder.post_form("/verify/resend", {"next": "https://evil.example/"})

    assert response.status_code == 302 and response.headers["location"] == back
    assert elsewhere.headers["location"] == "/account"
    assert await OutboxMessage.count().where(OutboxMessage.to_address == founder.user["email"]) >= 1


async def test_a_problem_page_leads_each_visitor_towards_applying(logged_in, app) -> None:
    edition = await make_edition_taking_applications()
    problem = await make_problem(edition_id=edition["id"], municipality_id=(await make_municipality())["id"])
    person: WebClient = await logged_in(None)
    founder: WebClient = await logged_in(None)
    await founder.post_form("/startup/register", {"edition_id": edition["id"], **PROFILE})
    visitor = WebClient(http_client(app))

    pages = [(await client.get(f"/problems/{problem['id']}")).text for client in (visitor, person, founder)]
    await visitor.http.aclose()

    aside = [page[page.index('id="apply-heading"') :] for page in pages]
    assert '<a href="/signup" role="button" class="secondary">Join the challenge</a>' in aside[0]
    assert '<a href="/startup" role="button" class="secondary">Register your startup</a>' in aside[1]
    assert f'href="/startup/applications/new?edition_id={edition["id"]}&amp;problem={problem["id"]}"' in aside[2]
