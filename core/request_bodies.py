"""Request bodies read only when a route asks for one, after its guards, and within limits.

Litestar reads a body when a handler takes `data`, when a handler or the CSRF middleware asks for
the form, or when an error page shows a form again. All of that goes through `Request.body()`,
`json()` and `form()`, so this request class is the one place that:

- runs the route's guards before the first byte is read, so an anonymous client cannot make a
  guarded route parse anything;
- caps the bytes per kind of body (JSON, forms) and refuses, from the bytes alone, a body whose
  parsing would hold the event loop: too many JSON values, too many form fields;
- refuses what no database column can hold (NUL characters, whole numbers beyond 32 bits) beside
  the field, as `core.input_guard` does for the query string.

Streaming uploads (`core.uploads`) read `stream()` themselves with their own limits.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar._parsers import parse_url_encoded_form_data
from litestar.datastructures import FormMultiDict
from litestar.enums import RequestEncodingType
from litestar.serialization import decode_json
from litestar.types import Empty

from core.errors import BodyTooLarge, ValidationFailed
from core.i18n import gettext as _
from core.input_guard import NUL_IN_TEXT, UnreadableBody, json_problems
from core.rules import N_
from core.rules.bodies import (
    FIELD_TOO_LARGE,
    FORM_TOO_MANY_FIELDS,
    JSON_TOO_DEEP,
    JSON_TOO_MANY_VALUES,
    BodyLimits,
    form_shape,
    json_depth,
    json_value_bound,
)
from core.settings import get_settings

BODY_TOO_LARGE = N_("The request is too large (at most %(limit)s).")
_GUARDS_PASSED = "body_guards_passed"
_FORM_TYPES = {RequestEncodingType.URL_ENCODED.value, RequestEncodingType.MULTI_PART.value}


def _size(limit: int) -> str:
    return f"{limit // 1024} KiB" if limit < 1024 * 1024 else f"{limit / (1024 * 1024):g} MiB"


class LimitedRequest(Request[Any, Any, Any]):
    """The application's request class (`Litestar(request_class=...)`)."""

    @property
    def _limits(self) -> BodyLimits:
        return get_settings().body_limits

    async def _authorize_before_reading(self) -> None:
        # The CSRF middleware reads a form before Litestar runs the guards; the guards only look
        # at the session's user, so running them first here costs nothing and reads nothing.
        if self.scope.get(_GUARDS_PASSED) or "route_handler" not in self.scope:
            return
        if self.route_handler.resolve_guards():
            await self.route_handler.authorize_connection(connection=self)
        self.scope[_GUARDS_PASSED] = True  # type: ignore[typeddict-unknown-key]

    async def body(self) -> bytes:
        if self._body is not Empty:
            return self._body
        if (cached := self._connection_state.body) is not Empty:
            self._body = cached
            return cached
        await self._authorize_before_reading()
        content_type = self.content_type[0]
        limits = self._limits
        limit = limits.form_max_bytes if content_type in _FORM_TYPES else limits.json_max_bytes
        refusal = BodyTooLarge(_(BODY_TOO_LARGE) % {"limit": _size(limit)})
        if (self.content_length or 0) > limit:
            raise refusal
        chunks: list[bytes] = []
        received = 0
        async for chunk in self.stream():
            received += len(chunk)
            if received > limit:
                raise refusal
            chunks.append(chunk)
        body = b"".join(chunks)
        if content_type == RequestEncodingType.URL_ENCODED:
            self._refuse_unparseable_form(body, limits)
        self._body = self._connection_state.body = body
        return body

    def _refuse_unparseable_form(self, body: bytes, limits: BodyLimits) -> None:
        shape = form_shape(body, limits=limits)
        if shape.too_many_fields:
            raise BodyTooLarge(_(FORM_TOO_MANY_FIELDS) % {"limit": limits.form_max_fields})
        problems = dict.fromkeys(shape.oversized, FIELD_TOO_LARGE)
        if b"\x00" in body or b"%00" in body:
            form = FormMultiDict.from_form_data(_parse_form(shape.kept))
            problems |= {name: NUL_IN_TEXT for name, value in form.multi_items() if "\x00" in f"{name}{value}"}
        if problems:
            # What did arrive within the limits is shown again with the message.
            kept = FormMultiDict.from_form_data(_parse_form(shape.kept)).dict()
            self.scope["parsed_form"] = {  # type: ignore[typeddict-unknown-key]
                key: values if len(values) > 1 else values[0] for key, values in kept.items() if values
            }
            raise ValidationFailed(problems)

    async def json(self) -> Any:
        if self._json is not Empty:
            return self._json
        if (cached := self._connection_state.json) is not Empty:
            self._json = cached
            return cached
        body = await self.body()
        limits = self._limits
        if json_value_bound(body) > limits.json_max_values:
            raise BodyTooLarge(_(JSON_TOO_MANY_VALUES) % {"limit": limits.json_max_values})
        try:
            document = decode_json(body or b"null", type_decoders=self.route_handler.resolve_type_decoders())
        except RecursionError:
            raise UnreadableBody(_(JSON_TOO_DEEP) % {"limit": limits.json_max_depth}) from None
        except Exception:
            _refuse_undecodable(body)
            raise
        if json_depth(document) > limits.json_max_depth:
            raise UnreadableBody(_(JSON_TOO_DEEP) % {"limit": limits.json_max_depth})
        if problems := json_problems(document):
            raise ValidationFailed(problems)
        self._json = self._connection_state.json = document
        return document

    async def form(self) -> FormMultiDict:
        if self.content_type[0] == RequestEncodingType.MULTI_PART and self._connection_state.form is Empty:
            await self.body()  # within the form limit, after the guards; Litestar then parses it
        return await super().form()


def _parse_form(body: bytes) -> dict[str, Any]:
    return parse_url_encoded_form_data(body)


def _refuse_undecodable(body: bytes) -> None:
    try:
        msgspec.json.decode(body)
    except UnicodeDecodeError:
        raise UnreadableBody(N_("The request body is not valid UTF-8.")) from None
    except msgspec.DecodeError:
        return
