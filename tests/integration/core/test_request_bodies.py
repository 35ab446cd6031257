"""Request bodies are read only by routes that take one, after their guards, within limits that
keep parsing short: JSON 1 MiB / 10,000 values / 32 levels, forms 1 MiB / 1,000 fields / 128 KiB
a field. Beyond a limit the answer is 413; a field that is too large is named (422), the rest kept."""

from __future__ import annotations

import json

from core.enums import Role
from core.tables import User
from tests.factories import make_municipality, make_open_edition
from tests.web import WebClient, field_error

MB = 1024 * 1024
NUL_JSON = json.dumps({"title": "a\x00b"}).encode()


async def send(client: WebClient, method: str, url: str, body: bytes, content_type: str, *, csrf: bool = True):
    headers = {"content-type": content_type}
    if csrf:
        headers["x-csrftoken"] = await client.csrf_token()
    return await client.http.request(method, url, content=body, headers=headers)


async def test_a_route_that_takes_no_body_never_reads_one(client: WebClient) -> None:
    # Before, an app-wide hook parsed every body, so a NUL in one refused a health check.
    answers = {
        "json": (await send(client, "GET", "/healthz", NUL_JSON, "application/json")).status_code,
        "form": (await send(client, "GET", "/healthz", b"a=%00", "application/x-www-form-urlencoded")).status_code,
        "page": (await send(client, "GET", "/problems", NUL_JSON, "application/json")).status_code,
        "huge": (
            await send(client, "GET", "/healthz", b"[" + b"0," * 2_000_000 + b"0]", "application/json")
        ).status_code,
    }

    assert answers == {"json": 200, "form": 200, "page": 200, "huge": 200}


async def test_a_guarded_route_refuses_a_stranger_before_reading_the_body(client: WebClient) -> None:
    # The CSRF middleware reads a form's token from the body, before Litestar runs the guards:
    # the guards run first, so a stranger's oversized form is never parsed (302, not 413).
    token = await client.csrf_token()
    oversized_form = f"_csrf_token={token}&".encode() + b"x=1&" * 5000
    json_answer = await send(client, "POST", "/api/v1/problems", NUL_JSON, "application/json")
    form_answer = await send(
        client, "POST", "/organiser/invites", oversized_form, "application/x-www-form-urlencoded", csrf=False
    )

    assert (json_answer.status_code, json_answer.json()["detail"]) == (401, "Sign in first.")
    assert (form_answer.status_code, form_answer.headers["location"]) == (302, "/login?next=/")


async def test_json_bodies_beyond_their_limits_are_413_with_the_limit(logged_in) -> None:
    await make_open_edition()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=(await make_municipality())["id"])
    bodies = {
        "over a mebibyte": json.dumps({"title": "x" * MB}).encode(),
        "too many values": json.dumps({"title": "x", "sdgs": [1] * 10_001}).encode(),
        "nested 33 deep": b'{"title": ' + b"[" * 33 + b"]" * 33 + b"}",
    }

    answers = {}
    for what, body in bodies.items():
        response = await send(staff, "POST", "/api/v1/problems", body, "application/json")
        answers[what] = (response.status_code, response.json()["detail"])

    assert answers == {
        "over a mebibyte": (413, "The request is too large (at most 1 MiB)."),
        "too many values": (413, "The request holds too many values (at most 10000)."),
        "nested 33 deep": (400, "The request is nested too deeply (at most 32 levels)."),
    }


async def test_json_within_the_limits_still_names_a_nul_beside_its_field(logged_in) -> None:
    await make_open_edition()
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=(await make_municipality())["id"])

    response = await send(staff, "POST", "/api/v1/problems", NUL_JSON, "application/json")

    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"title": "Remove the invisible NUL character from this text."},
    )


async def test_a_form_with_too_many_fields_or_bytes_is_413(client: WebClient) -> None:
    token = await client.csrf_token()
    many = f"_csrf_token={token}&".encode() + b"&".join(b"f%d=1" % i for i in range(1_000))
    large = f"_csrf_token={token}&".encode() + b"&".join(b"f%d=" % i + b"x" * 100_000 for i in range(11))

    answers = [
        (await send(client, "POST", "/signup", body, "application/x-www-form-urlencoded")).status_code
        for body in (many, large)
    ]

    assert answers == [413, 413]


async def test_a_form_field_too_large_is_named_and_the_rest_is_kept(client: WebClient) -> None:
    response = await client.post_form(
        "/signup", {"name": "Ana Anić", "email": "ana@example.org", "password": "p" * (128 * 1024 + 1)}
    )

    assert response.status_code == 422
    assert field_error(response.text, "password") == "This field is too large."
    assert 'value="Ana Anić"' in response.text
    assert 'value="ana@example.org"' in response.text
    assert await User.count() == 0


async def test_a_multipart_body_to_a_route_that_does_not_stream_is_held_to_the_form_limit(client: WebClient) -> None:
    response = await client.http.post(
        "/signup",
        files={"blob": ("a.bin", b"x" * (MB + 1), "application/octet-stream")},
        data={"name": "Ana"},
        headers={"x-csrftoken": await client.csrf_token()},
    )

    assert response.status_code == 413


async def test_a_streamed_upload_form_with_too_many_parts_is_413(logged_in) -> None:
    person = await logged_in(Role.STARTUP)
    boundary = "b0undary"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n1\r\n'.encode()
    body = part * 1_001 + f"--{boundary}--\r\n".encode()

    response = await send(person, "POST", "/api/v1/files", body, f"multipart/form-data; boundary={boundary}")

    assert (response.status_code, response.json()["detail"]) == (413, "The form has too many fields (at most 1000).")
