"""Every kind of response carries the same security headers, HSTS only where cookies are HTTPS-only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from core.calendar import feed_token
from core.enums import Role
from core.settings import get_settings
from tests.factories import make_municipality, make_open_edition, make_problem
from tests.fixtures import http_client
from tests.web import WebClient

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-src 'none'; worker-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
EXPECTED = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    "permissions-policy": PERMISSIONS,
}
HSTS = "max-age=63072000; includeSubDomains"
# What the policy refuses to run or apply: scripts without src, style elements and attributes,
# event handler attributes, script URLs.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def security_headers(response: httpx.Response) -> dict[str, list[str]]:
    """Each security header of `response` with every value it was sent with (a header sent twice shows)."""
    names = (*EXPECTED, "strict-transport-security")
    return {name: response.headers.get_list(name) for name in names if name in response.headers}


async def _responses(client: WebClient, startup: WebClient) -> dict[str, httpx.Response]:
    """One response of every kind the platform sends, each with the status it should have."""
    edition = await make_open_edition()
    town = await make_municipality()
    problem = await make_problem(edition_id=edition["id"], municipality_id=town["id"])
    uploaded = await startup.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")})
    responses = {
        "page": await client.get(f"/problems/{problem['id']}"),
        "form page": await client.get("/login"),
        "json": await client.get("/healthz"),
        "json error": await client.get("/api/v1/files/999999"),
        "static file": await client.get("/static/css/app.css"),
        "unrouted 404": await client.get("/no/such/page"),
        "error page": await client.get("/problems/999999"),
        "file download": await startup.get(uploaded.json()["url"]),
        "calendar feed": await startup.get(f"/calendar/{await feed_token(startup.user['id'])}"),
        "swagger ui": await client.get("/schema"),
        "openapi json": await client.get("/schema/openapi.json"),
        "redirect": await client.get("/organiser/"),
    }
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "page": 200,
        "form page": 200,
        "json": 200,
        "json error": 401,
        "static file": 200,
        "unrouted 404": 404,
        "error page": 404,
        "file download": 200,
        "calendar feed": 200,
        "swagger ui": 200,
        "openapi json": 200,
        "redirect": 302,
    }
    return responses


async def test_security_headers_on_every_kind_of_response(client: WebClient, logged_in) -> None:
    startup = await logged_in(Role.STARTUP)

    responses = await _responses(client, startup)

    expected = {name: [value] for name, value in EXPECTED.items()}
    assert {name: security_headers(response) for name, response in responses.items()} == {
        name: expected for name in responses
    }


@pytest.fixture
async def secure_app_client(monkeypatch: pytest.MonkeyPatch, clean_db: None, pool: None) -> AsyncIterator[WebClient]:
    """A client of an application started with COOKIE_SECURE on."""
    from core.app import create_app

    monkeypatch.setenv("COOKIE_SECURE", "true")
    get_settings.cache_clear()
    try:
        app = create_app(run_scheduler=False)
        async with http_client(app) as http:
            yield WebClient(http)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_pages_carry_no_inline_script_or_style(client: WebClient, logged_in) -> None:
    organiser = await logged_in(Role.ORGANISER)
    edition = await make_open_edition()
    town = await make_municipality()
    await make_problem(edition_id=edition["id"], municipality_id=town["id"], sdgs=[6, 11])
    pages = {
        "home": await client.get("/"),
        "unrouted 404": await client.get("/no/such/page"),
        "swagger ui": await client.get("/schema"),
        "dashboard with charts": await organiser.get(f"/organiser/editions/{edition['id']}/dashboard"),
    }

    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(pages, 200) | {
        "unrouted 404": 404
    }
    assert pages["dashboard with charts"].text.count("<svg") == 4
    assert {name: INLINE.findall(response.text) for name, response in pages.items()} == {name: [] for name in pages}


async def test_strict_transport_security_only_when_cookies_are_secure(
    client: WebClient, secure_app_client: WebClient
) -> None:
    plain = [await client.get(path) for path in ("/", "/static/css/app.css", "/no/such/page", "/healthz")]
    secure = [await secure_app_client.get(path) for path in ("/", "/static/css/app.css", "/no/such/page", "/healthz")]

    assert [response.headers.get_list("strict-transport-security") for response in plain] == [[], [], [], []]
    assert [response.headers.get_list("strict-transport-security") for response in secure] == [[HSTS]] * 4
    assert [response.headers["content-security-policy"] for response in secure] == [CSP] * 4
