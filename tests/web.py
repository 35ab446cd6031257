"""An HTTP client that behaves like a browser: cookies, CSRF tokens, form posts."""

from __future__ import annotations

import re
from typing import Any

import httpx
from httpx import Response

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def without_csrf(html: str) -> str:
    """A page with its CSRF tokens blanked: two answers compared byte for byte, bar the one random part."""
    return CSRF_FIELD.sub('name="_csrf_token" value=""', html)


class WebClient:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.http = client
        # Tests look at redirects themselves, like a test of a form post should.
        self.http.follow_redirects = False

    async def get(self, url: str, **kwargs: Any) -> Response:
        return await self.http.get(url, **kwargs)

    async def csrf_token(self) -> str:
        token = self.http.cookies.get("csrftoken")
        if token is None:
            await self.http.get("/login")
            token = self.http.cookies.get("csrftoken")
        assert token, "the CSRF cookie was not set"
        return token

    async def post_form(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True) -> Response:
        form = dict(data or {})
        if csrf:
            form["_csrf_token"] = await self.csrf_token()
        return await self.http.post(url, data=form)

    async def post_json(self, url: str, payload: Any) -> Response:
        return await self.http.post(url, json=payload, headers={"x-csrftoken": await self.csrf_token()})

    async def put_json(self, url: str, payload: Any) -> Response:
        return await self.http.put(url, json=payload, headers={"x-csrftoken": await self.csrf_token()})

    async def upload(
        self,
        url: str,
        files: dict[str, tuple[str, bytes, str]],
        data: dict[str, str] | None = None,
        *,
        csrf: bool = True,
    ) -> Response:
        headers = {"x-csrftoken": await self.csrf_token()} if csrf else {}
        return await self.http.post(url, files=files, data=data or {}, headers=headers)

    async def login(self, email: str, password: str) -> Response:
        response = await self.post_form("/login", {"email": email, "password": password})
        assert response.status_code in (302, 303), response.text[:500]
        return response


def field_error(html: str, field: str) -> str | None:
    """The error shown beside `field` on a rendered form, if any."""
    match = re.search(rf'id="e-{re.escape(field)}" class="field-error">([^<]*)<', html)
    return match.group(1) if match else None
