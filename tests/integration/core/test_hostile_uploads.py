"""Hostile uploads on every upload entry point: forged types, empty and oversized files, bombs,
hostile file names. Refused files leave nothing behind; accepted ones are opaque, stored under a
generated name and served back as attachments."""

from __future__ import annotations

import io
import re
import secrets
import zipfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx

from challenge.controllers.startup import FORM_BODY_LIMIT
from challenge.tables import Application, Problem
from core.enums import Role
from core.settings import PROJECT_ROOT, get_settings
from core.storage import get_storage
from core.tables import StoredFile
from tests import s3
from tests.factories import make_municipality, make_open_edition
from tests.integration.core.test_hostile_input import registered_founder
from tests.web import WebClient, field_error

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 400
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>" + b" " * 300
TEXT = b"Just some words typed into a file called deck.pdf. " * 20
MB = 1024 * 1024


@cache
def _zip_bomb() -> bytes:
    """16 MB of zeros in a zip of about 16 KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (16 * MB))
    return buffer.getvalue()


@cache
def _pdf_bomb() -> bytes:
    """A valid-looking PDF whose one FlateDecode stream inflates to 16 MB, plus 5,000 nested arrays."""
    stream = zlib.compress(b"\0" * (16 * MB), 9)
    nested = b"[" * 5000 + b"]" * 5000
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /Nest " + nested + b" >> endobj\n"
        b"2 0 obj << /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


# What a refusal says about each forged file, given what the field accepts.
FORGED = {
    "zip.pdf": (_zip_bomb(), "a ZIP file"),  # never unpacked: refused by its first bytes
    "page.pdf": (HTML, "content we cannot recognise"),
    "setup.pdf": (EXE, "an EXE file"),
    "notes.pdf": (TEXT, "content we cannot recognise"),
}
PDF_OR_IMAGE = "JPEG image, PDF, PNG image, WebP image"

HOSTILE_NAMES = {
    "../../etc/passwd.pdf": "passwd.pdf",
    "/etc/cron.d/evil.pdf": "evil.pdf",
    "C:\\Windows\\System32\\evil.pdf": "evil.pdf",
    "..": "upload.pdf",
    "deck\x00.exe.pdf": "deck.exe.pdf",
    # The RTL override would show it as "invoiceexe.pdf"; the content, a PDF, names its extension.
    "invoice\u202efdp.exe": "invoicefdp.pdf",
    '<img src=x onerror=alert(1)>".pdf': '<img src=x onerror=alert(1)>".pdf',
    "a" * 5000 + ".pdf": "a" * 196 + ".pdf",
}


# Everything in the upload folder, temporary `.part` files included (under TEST_STORAGE=s3 the
# bucket's objects and pending multipart uploads, in the folder's layout).
_stored_files = s3.stored_files


def _quote(value: str) -> bytes:
    """A Content-Disposition parameter as a hostile client sends it: raw bytes, quotes escaped only."""
    return value.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8")


@dataclass
class Multipart:
    """A multipart body built by hand, so file names reach the server byte for byte."""

    fields: dict[str, str | list[str]]
    files: dict[str, tuple[str, bytes]]
    boundary: str = "----hostile" + secrets.token_hex(8)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def head(self) -> bytes:
        out = bytearray()
        for name, value in self.fields.items():
            for item in value if isinstance(value, list) else [value]:
                out += f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                out += item.encode() + b"\r\n"
        return bytes(out)

    def part_head(self, name: str, filename: str) -> bytes:
        return (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode()
            + _quote(filename)
            + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        )

    def tail(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode()

    def body(self) -> bytes:
        out = bytearray(self.head())
        for name, (filename, content) in self.files.items():
            out += self.part_head(name, filename) + content + b"\r\n"
        return bytes(out + self.tail())


async def _send(client: WebClient, url: str, form: Multipart) -> httpx.Response:
    headers = {"content-type": form.content_type, "x-csrftoken": await client.csrf_token()}
    return await client.http.post(url, content=form.body(), headers=headers)


@dataclass
class Endless:
    """A file body generated as it is read, with no Content-Length: counts what the server took."""

    form: Multipart
    field: str
    size: int
    chunk: int = MB
    sent: int = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.form.head() + self.form.part_head(self.field, "endless.pdf") + b"%PDF-1.7\n"
        block = b"0" * self.chunk
        while self.sent < self.size:
            self.sent += len(block)
            yield block
        yield b"\r\n" + self.form.tail()


# The three ways a file gets in -------------------------------------------------------------------


@dataclass
class Entry:
    """One upload entry point, with a client allowed to use it and a valid form around the file."""

    client: WebClient
    url: str
    field: str
    fields: dict[str, str | list[str]]
    max_bytes: int
    body_limit: int
    kept: str  # a typed value that must be on the form shown again ("" for the JSON API)
    accepted: str

    async def upload(self, filename: str, content: bytes) -> httpx.Response:
        return await _send(self.client, self.url, Multipart(self.fields, {self.field: (filename, content)}))


async def _api(logged_in) -> Entry:
    limit = get_settings().max_upload_bytes
    return Entry(await logged_in(Role.STARTUP), "/api/v1/files", "file", {}, limit, limit + 4 * MB, "", PDF_OR_IMAGE)


async def _pitch_deck(logged_in) -> Entry:
    founder, edition, problem = await registered_founder(logged_in)
    fields: dict[str, str | list[str]] = {
        "edition_id": str(edition["id"]),
        "track": "smart_rural",
        "action": "save",
        "sdgs": ["6"],
        "problems": [str(problem["id"])],
        "solution": "Acoustic leak sensors on the main pipes.",
        "pilot_plan": "Six weeks in two villages.",
    }
    return Entry(
        founder,
        "/startup/applications/new",
        "pitch_deck",
        fields,
        15 * MB,
        FORM_BODY_LIMIT,  # the deck, the texts and one answer file to an organisers' question
        "Six weeks in two villages.",
        "PDF",
    )


async def _attachment(logged_in) -> Entry:
    edition, town = await make_open_edition(), await make_municipality(name="Ivanjica")
    staff = await logged_in(Role.MUNICIPALITY, organisation_id=town["id"])
    fields: dict[str, str | list[str]] = {
        "edition_id": str(edition["id"]),
        "municipality_id": str(town["id"]),
        "action": "save",
        "title": "Snow clearing on village roads",
        "context": "Forty kilometres of gravel roads.",
    }
    return Entry(
        staff,
        "/municipality/problems/new",
        "attachment",
        fields,
        10 * MB,
        14 * MB,
        "Forty kilometres of gravel roads.",
        PDF_OR_IMAGE,
    )


ENTRIES = {"api": _api, "pitch_deck": _pitch_deck, "attachment": _attachment}


def _error(entry: Entry, response: httpx.Response) -> str | None:
    if entry.url.startswith("/api/"):
        return response.json().get("errors", {}).get(entry.field)
    return field_error(response.text, entry.field)


async def _nothing_kept() -> tuple[int, int, int, list[Path]]:
    """Stored files, applications, problem drafts (not the published one an application needs), files."""
    drafts = await Problem.count().where(Problem.status == "draft")
    return await StoredFile.count(), await Application.count(), drafts, _stored_files()


# Forged, empty and oversized files ----------------------------------------------------------------


async def _refusals(entry: Entry) -> dict[str, tuple[int, str | None, bool]]:
    """Each forged file's status, the message beside the field, and whether the typed text was kept."""
    results = {}
    for name, (content, _what) in FORGED.items():
        response = await entry.upload(name, content)
        results[name] = (response.status_code, _error(entry, response), entry.kept in response.text)
    return results


def _expected_refusals(entry: Entry) -> dict[str, tuple[int, str | None, bool]]:
    return {
        name: (422, f"“{name}” contains {what}, whatever its name says. Accepted: {entry.accepted}.", True)
        for name, (_content, what) in FORGED.items()
    }


async def test_forged_and_empty_files_are_refused_beside_the_field_on_every_entry_point(logged_in) -> None:
    for make in ENTRIES.values():
        entry = await make(logged_in)

        refusals = await _refusals(entry)
        empty = await entry.upload("deck.pdf", b"")

        assert refusals == _expected_refusals(entry), entry.url
        assert (empty.status_code, _error(entry, empty)) == (422, "“deck.pdf” is empty."), entry.url
        assert entry.kept in empty.text
        assert await _nothing_kept() == (0, 0, 0, [])
    assert len(_zip_bomb()) < MB


async def test_a_png_renamed_pdf_is_a_png_where_images_are_welcome_and_refused_as_a_deck(logged_in) -> None:
    api, deck = await _api(logged_in), await _pitch_deck(logged_in)

    accepted = await api.upload("scan.pdf", PNG)
    refused = await deck.upload("deck.pdf", PNG)

    assert accepted.status_code == 201
    assert (accepted.json()["name"], accepted.json()["content_type"]) == ("scan.png", "image/png")
    download = await api.client.get(accepted.json()["url"])
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"] == "attachment; filename=\"scan.png\"; filename*=UTF-8''scan.png"
    assert refused.status_code == 422
    assert _error(deck, refused) == "“deck.pdf” contains a PNG image, whatever its name says. Accepted: PDF."
    assert deck.kept in refused.text


async def test_a_file_one_byte_over_the_limit_is_refused_and_the_form_kept(logged_in) -> None:
    for make in ENTRIES.values():
        entry = await make(logged_in)
        over = PDF + b"0" * (entry.max_bytes - len(PDF) + 1)

        response = await entry.upload("deck.pdf", over)

        megabytes = entry.max_bytes // MB
        assert (response.status_code, _error(entry, response)) == (422, f"The file is larger than {megabytes} MB.")
        assert entry.kept in response.text
        assert await _nothing_kept() == (0, 0, 0, [])


async def test_a_file_exactly_at_the_limit_is_accepted(logged_in) -> None:
    entry = await _api(logged_in)

    response = await entry.upload("deck.pdf", PDF + b"0" * (entry.max_bytes - len(PDF)))

    assert (response.status_code, response.json()["size"]) == (201, entry.max_bytes)


async def test_an_endless_upload_is_cut_off_with_413_after_the_body_limit(logged_in) -> None:
    for make in ENTRIES.values():
        entry = await make(logged_in)
        endless = Endless(Multipart(entry.fields, {}), entry.field, size=1024 * MB)
        declared = Endless(Multipart(entry.fields, {}), entry.field, size=1024 * MB)
        headers = {"content-type": endless.form.content_type, "x-csrftoken": await entry.client.csrf_token()}

        streamed = await entry.client.http.post(entry.url, content=endless, headers=headers)
        announced = await entry.client.http.post(
            entry.url, content=declared, headers={**headers, "content-length": str(2 * 1024 * MB)}
        )

        # Streamed: the server stopped reading within a chunk of its limit. Announced: it read nothing.
        assert streamed.status_code == 413, entry.url
        assert entry.body_limit <= endless.sent <= entry.body_limit + 2 * MB, (entry.url, endless.sent)
        assert (announced.status_code, declared.sent) == (413, 0), entry.url
        assert await _nothing_kept() == (0, 0, 0, [])


# Bombs and hostile names: accepted, but only as opaque bytes --------------------------------------


async def test_a_pdf_bomb_is_stored_byte_for_byte_and_served_as_an_attachment(logged_in) -> None:
    entry = await _pitch_deck(logged_in)

    bomb = _pdf_bomb()

    response = await entry.upload("bomb.pdf", bomb)

    assert response.status_code == 302, response.text[:300]
    deck = await StoredFile.select().first()
    assert (deck["content_type"], deck["size"], deck["original_name"]) == ("application/pdf", len(bomb), "bomb.pdf")
    stored = _stored_files()
    assert stored == [get_settings().upload_dir / deck["key"][:2] / deck["key"]]
    assert not stored[0].resolve().is_relative_to(PROJECT_ROOT / "static")  # outside the web root
    with get_storage().open(deck["key"]) as handle:
        assert handle.read() == bomb
    download = await entry.client.get(f"/files/{deck['id']}")
    assert download.content == bomb
    assert download.headers["content-type"] == "application/pdf"


async def test_hostile_file_names_are_kept_only_as_cleaned_metadata(logged_in) -> None:
    entry = await _api(logged_in)

    names = {}
    for raw in HOSTILE_NAMES:
        response = await entry.upload(raw, PDF)
        assert response.status_code == 201, (raw, response.text[:300])
        names[raw] = response.json()["name"]

    assert names == HOSTILE_NAMES
    root = get_settings().upload_dir.resolve()
    rows = await StoredFile.select(StoredFile.key, StoredFile.original_name).order_by(StoredFile.id)
    assert [row["original_name"] for row in rows] == list(HOSTILE_NAMES.values())
    # Only generated hex names, each inside the upload folder, one per upload.
    assert all(re.fullmatch(r"[0-9a-f]{32}", row["key"]) for row in rows)
    assert sorted(path.resolve() for path in _stored_files()) == sorted(root / r["key"][:2] / r["key"] for r in rows)
    assert not Path("/etc/cron.d/evil.pdf").exists()
    # Served back as a download, never rendered: the quote cannot end the header's file name.
    tagged = await StoredFile.select(StoredFile.id).where(StoredFile.original_name.like("<img%")).first()
    download = await entry.client.get(f"/files/{tagged['id']}")
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        'attachment; filename="<img src=x onerror=alert(1)>.pdf"; '
        "filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%22.pdf"
    )


async def test_hostile_names_appear_escaped_on_every_page_that_lists_the_file(logged_in) -> None:
    name = "<img src=x onerror=alert(1)>.pdf"
    escaped = "&lt;img src=x onerror=alert(1)&gt;.pdf"
    deck = await _pitch_deck(logged_in)
    saved = await deck.upload(name, PDF)
    application_url = saved.headers["location"]
    attachment = await _attachment(logged_in)
    refused = await _send(
        attachment.client,
        attachment.url,
        Multipart({**attachment.fields, "title": "x" * 300}, {"attachment": (name, PDF)}),
    )

    pages = {
        "deck on the form": (await deck.client.get(application_url)).text,
        "deck on the application": (await deck.client.get(application_url.removesuffix("/edit"))).text,
        "attachment pending on the form shown again": refused.text,
    }

    assert refused.status_code == 422
    assert {page: (escaped in html, "<img src=x" in html) for page, html in pages.items()} == {
        page: (True, False) for page in pages
    }


# Bodies that are not multipart at all, or stop half-way -------------------------------------------

MALFORMED = "The form arrived incomplete or malformed. Please send it again."


async def test_a_body_cut_off_mid_file_is_refused_and_leaves_no_temporary_file(logged_in) -> None:
    for make in ENTRIES.values():
        entry = await make(logged_in)
        form = Multipart(entry.fields, {})
        headers = {"content-type": form.content_type, "x-csrftoken": await entry.client.csrf_token()}
        cut_off = form.head() + form.part_head(entry.field, "deck.pdf") + PDF  # no closing boundary

        response = await entry.client.http.post(entry.url, content=cut_off, headers=headers)

        assert (response.status_code, _form_message(entry, response)) == (422, MALFORMED), entry.url
        assert entry.kept in response.text  # the fields that did arrive are on the form again
        assert await _nothing_kept() == (0, 0, 0, [])


async def test_garbage_and_absurd_part_headers_are_a_4xx_never_a_500(logged_in) -> None:
    entry = await _attachment(logged_in)
    form = Multipart(entry.fields, {})
    token = await entry.client.csrf_token()
    huge_header = form.head() + form.part_head("attachment", "x" * (100 * 1024)) + PDF + b"\r\n" + form.tail()
    bodies = {
        "no boundary at all": (form.content_type, b"\x00\xff" * 5000),
        "a header line of 100 KB": (form.content_type, huge_header),
        "not multipart": ("application/pdf", PDF),
        "boundary missing": ("multipart/form-data", form.body()),
    }

    statuses = {}
    for what, (content_type, body) in bodies.items():
        response = await entry.client.http.post(
            entry.url, content=body, headers={"content-type": content_type, "x-csrftoken": token}
        )
        statuses[what] = response.status_code

    assert statuses == {what: 422 for what in bodies}
    assert await _nothing_kept() == (0, 0, 0, [])


def _form_message(entry: Entry, response: httpx.Response) -> str | None:
    """The message above the form (the problem's `detail` for the JSON API)."""
    if entry.url.startswith("/api/"):
        return response.json()["detail"]
    match = re.search(r'<p class="form-error" role="alert">([^<]*)</p>', response.text)
    return match.group(1) if match else None
