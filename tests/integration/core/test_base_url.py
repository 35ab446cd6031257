"""Links in mails follow the address the server is actually served on, unless BASE_URL says otherwise."""

from __future__ import annotations

import re

import httpx
import pytest

from core.tables import OutboxMessage
from tests.fixtures import ServerProcess, free_port, start_server, stop_server, wait_until_up

pytestmark = pytest.mark.slow


async def _sign_up(server: ServerProcess, email: str) -> str:
    """Sign up through the live server's form; the verification mail's body, links included."""
    async with httpx.AsyncClient(base_url=server.url) as browser:
        form = (await browser.get("/signup")).text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
        assert token is not None
        answer = await browser.post(
            "/signup",
            data={
                "_csrf_token": token.group(1),
                "name": "Vesna Vasić",
                "email": email,
                "password": "a long enough password 1",
                "password_confirm": "a long enough password 1",
            },
        )
        assert answer.status_code == 200, answer.text
    rows = await OutboxMessage.select(OutboxMessage.body_with_secrets).where(OutboxMessage.to_address == email)
    assert len(rows) == 1
    return rows[0]["body_with_secrets"]


async def _served(extra_env: dict[str, str], email: str) -> tuple[ServerProcess, str]:
    server = start_server(port=free_port(), extra_env={"SCHEDULER_ENABLED": "false", **extra_env})
    try:
        wait_until_up(server)
        return server, await _sign_up(server, email)
    finally:
        stop_server(server)


async def test_without_base_url_mailed_links_point_at_the_served_port(clean_db: None) -> None:
    server, body = await _served({"BASE_URL": ""}, "vesna@example.org")

    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(f"http://127.0.0.1:{server.port}/") for link in links), body


async def test_a_configured_base_url_wins_over_the_served_address(clean_db: None) -> None:
    _server, body = await _served({"BASE_URL": "https://challenge.example.org/"}, "vesna@example.org")

    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith("https://challenge.example.org/") for link in links), body
