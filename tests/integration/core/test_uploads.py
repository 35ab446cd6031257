"""Uploads: streamed to storage, sniffed by content, size-limited, served only to those allowed."""

from __future__ import annotations

import hashlib

from core.enums import Role
from core.settings import get_settings
from core.tables import StoredFile
from tests import s3
from tests.web import WebClient

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 400
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400


# The upload folder's files, or under TEST_STORAGE=s3 the bucket's objects in the folder's layout.
_stored_files = s3.stored_files


async def test_pdf_upload_is_stored_and_served_to_its_owner(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"file": ("Pitch deck.pdf", PDF, "application/pdf")})

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == ("Pitch deck.pdf", "application/pdf", len(PDF))
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    download = await client.get(body["url"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_a_pdf_named_html_is_stored_and_served_as_a_pdf(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"file": ("poly.html", PDF, "text/html")})
    download = await client.get(response.json()["url"])

    assert response.status_code == 201
    assert (response.json()["name"], response.json()["content_type"]) == ("poly.pdf", "application/pdf")
    assert (await StoredFile.select(StoredFile.original_name).first())["original_name"] == "poly.pdf"
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == "attachment; filename=\"poly.pdf\"; filename*=UTF-8''poly.pdf"


async def test_a_file_recorded_under_a_foreign_extension_is_downloaded_under_its_own(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    file_id = (await client.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")})).json()["id"]
    await StoredFile.update({StoredFile.original_name: 'Izveštaj "Q1".html'}).where(StoredFile.id == file_id)

    download = await client.get(f"/files/{file_id}")

    assert download.headers["content-disposition"] == (
        "attachment; filename=\"Izvetaj Q1.pdf\"; filename*=UTF-8''Izve%C5%A1taj%20%22Q1%22.pdf"
    )


async def test_forged_extension_is_rejected_with_a_clear_message(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"file": ("deck.pdf", EXE, "application/pdf")})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "file": "“deck.pdf” contains an EXE file, whatever its name says. "
        "Accepted: JPEG image, PDF, PNG image, WebP image."
    }
    assert await StoredFile.count() == 0
    assert _stored_files() == []


async def test_unrecognisable_content_is_rejected(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"file": ("notes.pdf", b"just some text " * 40, "application/pdf")})

    assert response.status_code == 422
    assert "contains content we cannot recognise" in response.json()["errors"]["file"]


async def test_too_large_upload_is_stopped_mid_stream(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    too_big = PDF + b"0" * (get_settings().max_upload_bytes + 1)

    response = await client.upload("/api/v1/files", {"file": ("big.pdf", too_big, "application/pdf")})

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": "The file is larger than 2 MB."}
    assert _stored_files() == []


async def test_path_traversal_name_is_neutralised(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"file": ("../../etc/passwd.png", PNG, "image/png")})

    assert response.status_code == 201
    assert response.json()["name"] == "passwd.png"
    stored = _stored_files()
    assert len(stored) == 1
    assert stored[0].is_relative_to(get_settings().upload_dir)
    assert "passwd" not in stored[0].name


async def test_upload_without_csrf_token_is_refused_before_storing(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")}, csrf=False)

    assert response.status_code == 403
    assert _stored_files() == []


async def test_missing_file_is_a_field_error(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.upload("/api/v1/files", {"other": ("x.pdf", PDF, "application/pdf")})

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": "Please choose a file."}


async def test_other_users_cannot_download(logged_in) -> None:
    owner: WebClient = await logged_in(Role.STARTUP)
    stranger: WebClient = await logged_in(Role.STARTUP)
    organiser: WebClient = await logged_in(Role.ORGANISER)
    url = (await owner.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")})).json()["url"]

    assert (await stranger.get(url)).status_code == 404
    assert (await organiser.get(url)).status_code == 200


async def test_anonymous_upload_is_refused(client: WebClient) -> None:
    response = await client.upload("/api/v1/files", {"file": ("deck.pdf", PDF, "application/pdf")})

    assert response.status_code == 401


async def test_upload_beyond_the_body_cap_is_cut_off_and_leaves_nothing(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)
    huge = PDF + b"0" * (get_settings().max_upload_bytes + 8 * 1024 * 1024)

    response = await client.upload("/api/v1/files", {"file": ("huge.pdf", huge, "application/pdf")})

    assert response.status_code == 413
    assert _stored_files() == []


async def test_two_files_in_one_field_are_refused_without_orphans(logged_in) -> None:
    client: WebClient = await logged_in(Role.STARTUP)

    response = await client.http.post(
        "/api/v1/files",
        files=[("file", ("a.pdf", PDF, "application/pdf")), ("file", ("b.pdf", PDF, "application/pdf"))],
        headers={"x-csrftoken": await client.csrf_token()},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": "Send one file per field."}
    assert _stored_files() == []
    assert await StoredFile.count() == 0
