"""The chrome speaks English and Serbian in both scripts; the choice sticks."""

from __future__ import annotations

from core.sessions import COOKIE_NAME
from core.tables import SessionRecord, User
from tests.factories import PASSWORD, make_user
from tests.web import WebClient, field_error


async def test_language_switch_translates_the_chrome(client: WebClient) -> None:
    latin = await client.post_form("/locale", {"locale": "sr_Latn", "next": "/login"})
    latin_page = await client.get("/login")
    await client.post_form("/locale", {"locale": "sr_Cyrl"})
    cyrillic_page = await client.get("/login")

    assert latin.headers["location"] == "/login"
    assert '<html lang="sr-Latn"' in latin_page.text
    assert "Prijavite se" in latin_page.text
    assert '<html lang="sr-Cyrl"' in cyrillic_page.text
    assert "Пријавите се" in cyrillic_page.text


async def test_browser_language_is_the_default(client: WebClient) -> None:
    response = await client.get("/login", headers={"Accept-Language": "sr-RS,sr;q=0.9"})

    assert "Пријавите се" in response.text


async def test_field_errors_are_translated(client: WebClient) -> None:
    await client.post_form("/locale", {"locale": "sr_Latn"})

    response = await client.post_form(
        "/signup", {"name": "Mila", "email": "mila@example.org", "password": "short", "password_confirm": "short"}
    )

    assert response.status_code == 422
    assert field_error(response.text, "password") == "Lozinka mora imati najmanje 10 znakova."


async def test_signed_in_users_keep_their_language(client: WebClient) -> None:
    await make_user(email="ana@example.org")
    await client.login("ana@example.org", PASSWORD)
    await client.post_form("/locale", {"locale": "sr_Cyrl"})
    await client.post_form("/logout")

    await client.login("ana@example.org", PASSWORD)
    response = await client.get("/account")

    assert "Српски" in response.text
    assert "Ваш налог" in response.text


async def test_the_language_outlives_signing_out_but_the_session_does_not(client: WebClient) -> None:
    await make_user(email="ana@example.org")
    await client.login("ana@example.org", PASSWORD)
    await client.post_form("/locale", {"locale": "sr_Cyrl"})
    signed_in_session = client.http.cookies.get(COOKIE_NAME)
    await client.post_form("/logout")

    after = await client.get("/login")

    assert '<html lang="sr-Cyrl"' in after.text
    assert client.http.cookies.get(COOKIE_NAME) != signed_in_session
    assert await SessionRecord.count().where(SessionRecord.user_id == (await User.select(User.id).first())["id"]) == 0
    client.http.cookies.set(COOKIE_NAME, signed_in_session)
    assert "Пријавите се" in (await client.get("/account", follow_redirects=True)).text  # signed out for good
