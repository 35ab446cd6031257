from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Stream
from litestar.status_codes import HTTP_303_SEE_OTHER

from core import files
from core.errors import ValidationFailed
from core.permissions import login_required
from core.schemas import FileOut
from core.settings import get_settings
from core.storage import S3Storage, get_storage, off_loop
from core.uploads import PDF_OR_IMAGE, FileRule, named_for_content, receive_form

AnyRequest = Request[Any, Any, Any]
# Room for the form fields around the file; beyond this the stream is cut off with 413.
_BODY_SLACK = 4 * 1024 * 1024


def _file_out(row: files.FileRow) -> FileOut:
    return FileOut(
        id=row.id,
        name=named_for_content(row.original_name, row.content_type),
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        url=f"/files/{row.id}",
    )


class FileController(Controller):
    @post(
        "/api/v1/files",
        guards=[login_required],
        exclude_from_csrf=True,  # checked inside the stream, before any byte is stored
        request_max_body_size=get_settings().max_upload_bytes + _BODY_SLACK,
        summary="Upload a document (PDF, PNG, JPEG or WebP)",
        description="multipart/form-data with a `file` part; type sniffed from content, size-limited.",
        tags=["files"],
    )
    async def upload(self, request: AnyRequest) -> FileOut:
        storage = get_storage()
        rule = FileRule(allowed_types=PDF_OR_IMAGE, max_bytes=get_settings().max_upload_bytes, required=True)
        form = await receive_form(request, rules={"file": rule}, storage=storage)
        if form.errors:
            await files.discard_received(storage, form.files)
            raise ValidationFailed(form.errors)
        row = await files.record_upload(owner_id=request.user.id, received=form.files["file"])
        return _file_out(row)

    @get("/api/v1/files/{file_id:int}", guards=[login_required], tags=["files"], summary="A file's metadata")
    async def metadata(self, request: AnyRequest, file_id: FromPath[int]) -> FileOut:
        return _file_out(await files.readable_file(user=request.user, file_id=file_id))

    @get("/files/{file_id:int}", include_in_schema=False)
    async def download(self, request: AnyRequest, file_id: FromPath[int]) -> Response[Any]:
        # No login guard: some files are public (attachments of published problems); the policy decides.
        row = await files.readable_file(user=request.scope.get("user"), file_id=file_id)
        # Files recorded before names followed their content get the right extension here too.
        name = named_for_content(row.original_name, row.content_type)
        # The plain fallback keeps printable ASCII only, without the quote and backslash that
        # would end or escape it; the exact name travels percent-encoded (RFC 6266).
        fallback = "".join(ch for ch in name if " " <= ch <= "~" and ch not in '"\\').strip() or "download"
        disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
        storage = get_storage()
        if isinstance(storage, S3Storage) and get_settings().s3_presigned_downloads:
            url = await off_loop(
                storage,
                partial(storage.presigned_download, disposition=disposition, content_type=row.content_type),
                row.key,
            )
            # The address is this reader's for a minute: no shared cache may hand it to the next one.
            return Redirect(url, status_code=HTTP_303_SEE_OTHER, headers={"Cache-Control": "private, no-store"})
        handle = await off_loop(storage, storage.open, row.key)

        def chunks() -> Any:
            # A sync generator: Litestar pulls it in a worker thread, so reading S3 never blocks the loop.
            with handle:
                while chunk := handle.read(64 * 1024):
                    yield chunk

        return Stream(
            chunks(),
            media_type=row.content_type,
            headers={
                "Content-Disposition": disposition,
                "X-Content-Type-Options": "nosniff",
                "Content-Length": str(row.size),
            },
        )
