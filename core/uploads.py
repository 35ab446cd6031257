"""Multipart forms parsed as a stream: file bytes go to storage as they arrive.

Litestar would buffer the whole body first; here python-multipart parses chunk by chunk, the
size limit is enforced mid-stream and the content type comes from the first bytes (magic
numbers), never from the client's name or header. So a 1 GB upload never sits in memory and a
renamed executable never passes for a PDF.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import Any

import anyio
import filetype
from litestar import Request
from litestar.utils.scope.state import ScopeState
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from core import csrf
from core.errors import BodyTooLarge, PermissionDenied, ValidationFailed
from core.i18n import gettext as _
from core.input_guard import NUL_IN_TEXT
from core.rules import N_
from core.rules.bodies import FORM_TOO_MANY_FIELDS
from core.rules.text import direction_control_errors
from core.sessions import Session, session_of
from core.settings import get_settings
from core.storage import Storage, StorageWriter, off_loop

log = logging.getLogger(__name__)

SNIFF_BYTES = 262  # what `filetype` needs to recognise every type it knows
# An XLSX is a ZIP whose identifying entries may start a few KB in: a rule accepting it looks further.
SPREADSHEET_SNIFF_BYTES = 8192
MAX_FIELD_BYTES = 256 * 1024
MAX_FIELDS_TOTAL_BYTES = 2 * 1024 * 1024
# A part's header line carries the client's file name: long names are cut to size later
# (`safe_filename`), so only absurd ones make the form unreadable.
MAX_PART_HEADER_BYTES = 64 * 1024
MALFORMED = N_("The form arrived incomplete or malformed. Please send it again.")

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CONTENT_TYPE_NAMES = {
    "application/pdf": N_("PDF"),
    "image/png": N_("PNG image"),
    "image/jpeg": N_("JPEG image"),
    "image/webp": N_("WebP image"),
    CSV: N_("CSV"),
    XLSX: N_("Excel spreadsheet (XLSX)"),
    ODS: N_("OpenDocument spreadsheet (ODS)"),
}
# What a refused file turned out to contain, as the sentence of the refusal says it.
CONTENT_PHRASES = {
    "application/pdf": N_("a PDF"),
    "image/png": N_("a PNG image"),
    "image/jpeg": N_("a JPEG image"),
    "image/webp": N_("a WebP image"),
    XLSX: N_("an Excel spreadsheet"),
    ODS: N_("an OpenDocument spreadsheet"),
}
OTHER_CONTENT = N_("a %(kind)s file")
OTHER_CONTENT_VOWEL = N_("an %(kind)s file")  # "an EXE file"


@dataclass(frozen=True)
class FileRule:
    """What a file field accepts."""

    allowed_types: frozenset[str]
    max_bytes: int
    required: bool = False
    # How many first bytes decide what the file is (more for XLSX, see SPREADSHEET_SNIFF_BYTES).
    sniff_bytes: int = SNIFF_BYTES

    def describe(self) -> str:
        return ", ".join(sorted(_(CONTENT_TYPE_NAMES[t]) if t in CONTENT_TYPE_NAMES else t for t in self.allowed_types))


PDF_ONLY = frozenset({"application/pdf"})
PDF_OR_IMAGE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp"})
SPREADSHEETS = frozenset({CSV, XLSX, ODS})
# Text has no magic number: a CSV is accepted as UTF-8 throughout with no control characters
# but tab and line ends (checked as it streams, to its last byte), so no binary passes as one.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NOT_CSV = N_("“%(name)s” is not a CSV file: a CSV must be UTF-8 text. Accepted: %(accepted)s.")


def is_text(text: str) -> bool:
    """Whether decoded text is plain text: no control characters but tab, line feed and carriage return."""
    return NOT_TEXT.search(text) is None


@dataclass(frozen=True)
class ReceivedFile:
    field: str
    key: str
    original_name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class ParsedForm:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, ReceivedFile] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1] if values else default

    def as_dict(self) -> dict[str, str]:
        return {name: values[-1] for name, values in self.fields.items()}


# The extension each accepted type is stored and served with, whatever the client called the file.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    CSV: "csv",
    XLSX: "xlsx",
    ODS: "ods",
}
MAX_NAME = 200


def safe_filename(raw: str) -> str:
    """The file's own name, stripped of paths and control characters, for display only."""
    name = PurePosixPath(raw.replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .")
    return name[:MAX_NAME] or "upload"


def named_for_content(name: str, content_type: str) -> str:
    """`name` with the extension of what the file really is: a PDF called `poly.html` is kept and
    downloaded as `poly.pdf`, so no program opens it as a web page."""
    extension = EXTENSIONS.get(content_type)
    if extension is None:
        return name
    path = PurePosixPath(name)
    stem = (path.stem if path.suffix else name).rstrip(" .") or "upload"
    return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"


class _PartState:
    def __init__(self) -> None:
        self.headers: dict[str, bytes] = {}
        self.header_field = b""
        self.header_value = b""
        self.name = ""
        self.filename: str | None = None
        self.buffer = bytearray()
        self.writer: StorageWriter | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self.content_type = ""
        self.rejected = False
        # Set for a CSV: every byte after the first ones must decode as UTF-8 text too.
        self.text: codecs.IncrementalDecoder | None = None


class _StreamingForm:
    def __init__(self, *, rules: dict[str, FileRule], storage: Storage, csrf_header: str | None, session: Session):
        self.rules = rules
        self.storage = storage
        self.csrf_header = csrf_header
        self.session = session
        self.result = ParsedForm()
        self.part = _PartState()
        self.fields_bytes = 0
        self.parts = 0
        self.max_parts = get_settings().body_limits.form_max_fields
        self.csrf_checked = False
        self.open_writers: list[StorageWriter] = []

    # python-multipart callbacks -------------------------------------------------------------
    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > self.max_parts:
            # Each part costs a handful of Python callbacks: thousands of empty ones are an attack.
            raise BodyTooLarge(_(FORM_TOO_MANY_FIELDS) % {"limit": self.max_parts})
        self.part = _PartState()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.part.header_field.decode("latin-1").lower()] = self.part.header_value
        self.part.header_field = b""
        self.part.header_value = b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.part.headers.get("content-disposition", b""))
        self.part.name = params.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = params.get(b"filename")
        self.part.filename = raw_filename.decode("utf-8", "replace") if raw_filename is not None else None
        if self.part.filename is not None:
            self._require_csrf()
            if self.part.name in self.result.files:
                # A second file for the same field would leave the first one orphaned in storage.
                self.part.rejected = True
                self.result.errors[self.part.name] = N_("Send one file per field.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        part = self.part
        if part.filename is None:
            if part.rejected:
                return
            self.fields_bytes += len(chunk)
            if len(part.buffer) + len(chunk) > MAX_FIELD_BYTES or self.fields_bytes > MAX_FIELDS_TOTAL_BYTES:
                # A field error, not an exception: uploads already received stay with the form.
                self.result.errors[part.name or "form"] = N_("This field is too long.")
                part.rejected = True
                part.buffer = bytearray()
                return
            part.buffer += chunk
            return
        if part.rejected:
            return
        rule = self.rules.get(part.name)
        if rule is None:
            part.rejected = True
            return
        part.size += len(chunk)
        if part.size > rule.max_bytes:
            self._reject(
                _("The file is larger than %(megabytes)s MB.") % {"megabytes": rule.max_bytes // (1024 * 1024)}
            )
            return
        part.digest.update(chunk)
        if part.writer is None:
            part.buffer += chunk
            if len(part.buffer) >= rule.sniff_bytes:
                self._start_writing(rule)
        elif self._still_text(chunk, rule):
            part.writer.write(chunk)

    def on_part_end(self) -> None:
        part = self.part
        if part.filename is None:
            if not part.rejected:
                value = part.buffer.decode("utf-8", "replace")
                if "\x00" in value:
                    # PostgreSQL cannot store it: named beside the field, the rest of the text kept.
                    self.result.errors[part.name] = NUL_IN_TEXT
                    value = value.replace("\x00", "")
                self.result.fields.setdefault(part.name, []).append(value)
            return
        rule = self.rules.get(part.name)
        if part.rejected or rule is None:
            return
        if part.size == 0:
            if part.filename:
                # A named file without content is a broken file, not "nothing chosen": say so.
                self.result.errors[part.name] = _("“%(name)s” is empty.") % {"name": safe_filename(part.filename)}
            return  # an empty file input without a name: nothing chosen
        if part.writer is None:
            self._start_writing(rule)
        if part.writer is None or not self._still_text(b"", rule, final=True):
            return
        part.writer.commit()
        self.open_writers.remove(part.writer)
        self.result.files[part.name] = ReceivedFile(
            field=part.name,
            key=part.writer.key,
            original_name=named_for_content(safe_filename(part.filename or ""), part.content_type),
            content_type=part.content_type,
            size=part.size,
            sha256=part.digest.hexdigest(),
        )

    # helpers --------------------------------------------------------------------------------
    def _require_csrf(self) -> None:
        if self.csrf_checked:
            return
        # The same check as core.csrf's middleware, which these streaming routes bypass.
        token = self.csrf_header or self.result.get(csrf.FORM_FIELD) or None
        if not csrf.token_valid(self.session, token):
            raise PermissionDenied(
                N_("The form's security token is missing or invalid. Reload the page and try again.")
            )
        self.csrf_checked = True

    def _start_writing(self, rule: FileRule) -> None:
        part = self.part
        kind = filetype.guess(bytes(part.buffer))
        sniffed = kind.mime if kind else "unknown"
        if kind is None and CSV in rule.allowed_types:
            part.text = codecs.getincrementaldecoder("utf-8")()
            if not self._still_text(bytes(part.buffer), rule):
                return
            sniffed = CSV
        if sniffed not in rule.allowed_types:
            if kind is None:
                what = _("content we cannot recognise")
            elif sniffed in CONTENT_PHRASES:
                what = _(CONTENT_PHRASES[sniffed])
            else:
                extension = kind.extension.upper()
                phrase = OTHER_CONTENT_VOWEL if extension[0] in "AEIOU" else OTHER_CONTENT
                what = _(phrase) % {"kind": extension}
            self._reject(
                _("“%(name)s” contains %(content)s, whatever its name says. Accepted: %(accepted)s.")
                % {"name": safe_filename(part.filename or ""), "content": what, "accepted": rule.describe()}
            )
            return
        part.content_type = sniffed
        part.writer = self.storage.writer()
        self.open_writers.append(part.writer)
        part.writer.write(bytes(part.buffer))
        part.buffer = bytearray()

    def _still_text(self, chunk: bytes, rule: FileRule, *, final: bool = False) -> bool:
        """For a CSV, whether the bytes so far are still UTF-8 text; refuses the file when not."""
        part = self.part
        if part.text is None:
            return True
        try:
            text = part.text.decode(chunk, final=final)
        except UnicodeDecodeError:
            text = "\x00"
        if is_text(text):
            return True
        self._reject(_(NOT_CSV) % {"name": safe_filename(part.filename or ""), "accepted": rule.describe()})
        return False

    def _reject(self, message: str) -> None:
        part = self.part
        part.rejected = True
        if part.writer is not None:
            part.writer.abort()
            self.open_writers.remove(part.writer)
            part.writer = None
        part.buffer = bytearray()
        self.result.errors[part.name] = message

    def abort(self) -> None:
        # Each one on its own: one failing call (an S3 hiccup) must not leave the others behind.
        # An unfinished multipart upload that fails to abort is the sweeper's; a stored file is not.
        cleanups = [writer.abort for writer in self.open_writers]
        cleanups += [partial(self.storage.delete, received.key) for received in self.result.files.values()]
        # Logged, not raised: the request's own outcome (a refusal, a disconnect) is what the
        # client gets, and the error is the operator's to see.
        for cleanup in cleanups:
            try:
                cleanup()
            except Exception:
                log.exception("an aborted upload could not be cleaned up")


async def receive_form(request: Request[Any, Any, Any], *, rules: dict[str, FileRule], storage: Storage) -> ParsedForm:
    """Parse a multipart form from the request stream; files go straight to `storage`.

    Size and type problems are collected per field in `ParsedForm.errors` (the rest of the form
    is kept, so the page can be shown again with the user's input); missing CSRF raises.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise ValidationFailed({"form": N_("Send the form as multipart/form-data.")})
    form = _StreamingForm(
        rules=rules,
        storage=storage,
        csrf_header=request.headers.get(csrf.HEADER),
        session=session_of(request.scope),
    )
    parser = MultipartParser(
        params[b"boundary"],
        callbacks={
            "on_part_begin": form.on_part_begin,
            "on_header_field": form.on_header_field,
            "on_header_value": form.on_header_value,
            "on_header_end": form.on_header_end,
            "on_headers_finished": form.on_headers_finished,
            "on_part_data": form.on_part_data,
            "on_part_end": form.on_part_end,
        },
        max_header_size=MAX_PART_HEADER_BYTES,
    )
    try:
        async for chunk in request.stream():
            # The callbacks write to storage as they go: a storage that waits on the network (S3)
            # does so in a worker thread (which carries this task's context: locale, user).
            await off_loop(storage, parser.write, chunk)
        await off_loop(storage, parser.finalize)
        # python-multipart does not check that the body ended with its closing boundary.
        complete = parser.state == MultipartState.END
    except FormParserError:
        complete = False
    except BaseException:
        # Also when the client went away or the task is cancelled: no half-upload stays behind.
        with anyio.CancelScope(shield=True):
            await off_loop(storage, form.abort)
        raise
    if not complete:
        await off_loop(storage, form.abort)  # a file cut off mid-way must not linger half-written
    form._require_csrf()  # a form without files must carry the token too
    # The middleware skips routes that check the token themselves, so it never put one in the
    # scope: without this, a form shown again after an error would carry an empty token.
    ScopeState.from_scope(request.scope).csrf_token = csrf.token_for(form.session) or ""
    if not complete:
        received = {name: values if len(values) > 1 else values[0] for name, values in form.result.fields.items()}
        # What did arrive is shown again (our own scope key, which Litestar's scope type does not know).
        request.scope.setdefault("parsed_form", received)  # type: ignore[typeddict-item]
        raise ValidationFailed({"form": MALFORMED}, MALFORMED)
    for name, message in direction_control_errors(
        (name, value) for name, values in form.result.fields.items() for value in values
    ).items():
        form.result.errors.setdefault(name, message)
    for name, rule in rules.items():
        if rule.required and name not in form.result.files and name not in form.result.errors:
            form.result.errors[name] = N_("Please choose a file.")
    return form.result
