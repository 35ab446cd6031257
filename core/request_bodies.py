"""Request bodies read only when a route asks for one, after its guards, and within limits.

Litestar reads a body when a handler takes `data`, when a handler or the CSRF middleware asks for
the form, or when an error page shows a form again. All of that goes through `Request.body()`,
`json()` and `form()`, so this request class is the one place that:

- runs the route's guards before the first byte is read, so an anonymous client cannot make a
  guarded route parse anything;
- caps the bytes per kind of body (JSON, forms) and refuses, from the bytes alone, a body whose
  parsing would hold the event loop: too many JSON values, too many form fields;
- refuses what no database column can hold (NUL characters, whole numbers beyond 32 bits) beside
  the field, as `core.input_guard` does for the query string, and names and titles carrying an
  invisible text-direction control (`core.rules.text`).

Streaming uploads (`core.uploads`) read `stream()` themselves with their own limits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Final, TypeVar

import anyio
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
    json_may_be_deeper,
    json_may_hold_direction_controls,
    json_may_hold_unstorable,
    json_value_bound,
)
from core.rules.text import direction_control_errors
from core.settings import get_settings

T = TypeVar("T")
INLINE_PARSE_BYTES = 16 * 1024
BODY_TOO_LARGE = N_("The request is too large (at most %(limit)s).")
_GUARDS_PASSED: Final = "body_guards_passed"
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
        body = self._body = self._connection_state.body = b"".join(chunks)
        if content_type == RequestEncodingType.URL_ENCODED:
            # Parsed here, once, for every reader: Litestar's form() and its form extractor both
            # take the parsed form from the connection state.
            self._connection_state.form = await self._parse_form(body, limits)
        return body

    async def _parse_form(self, body: bytes, limits: BodyLimits) -> dict[str, Any]:
        shape = form_shape(body, limits=limits)
        if shape.too_many_fields:
            raise BodyTooLarge(_(FORM_TOO_MANY_FIELDS) % {"limit": limits.form_max_fields})
        form = await _off_the_loop(len(shape.kept), _parse_url_encoded, shape.kept)
        problems = dict.fromkeys(shape.oversized, FIELD_TOO_LARGE)
        fields = list(FormMultiDict.from_form_data(form).multi_items())
        problems |= direction_control_errors(fields)
        if b"\x00" in body or b"%00" in body:
            problems |= {name: NUL_IN_TEXT for name, value in fields if "\x00" in f"{name}{value}"}
        if problems:
            self.scope["parsed_form"] = form  # type: ignore[typeddict-unknown-key]  # shown again with the message
            raise ValidationFailed(problems)
        return form

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
        decoders = self.route_handler.resolve_type_decoders()
        document, too_deep, problems = await _off_the_loop(len(body), _decode_json, body, limits, decoders)
        if too_deep:
            raise UnreadableBody(_(JSON_TOO_DEEP) % {"limit": limits.json_max_depth})
        if problems:
            raise ValidationFailed(problems)
        self._json = self._connection_state.json = document
        return document

    async def form(self) -> FormMultiDict:
        if self.content_type[0] == RequestEncodingType.MULTI_PART and self._connection_state.form is Empty:
            await self.body()  # within the form limit, after the guards; Litestar then parses it
        return await super().form()


# Litestar's parser keeps its last 1,024 bodies in an LRU cache: up to a gigabyte of strangers' forms.
_parse_url_encoded: Callable[[bytes], dict[str, Any]] = parse_url_encoded_form_data.__wrapped__


async def _off_the_loop(size: int, parse: Callable[..., T], *args: Any) -> T:
    """Small bodies are parsed at once; large ones in a worker thread, where Python-level
    parsing (percent-decoding a megabyte takes about 100 ms) hands the GIL back to the event
    loop every few milliseconds instead of holding it throughout."""
    if size <= INLINE_PARSE_BYTES:
        return parse(*args)
    return await anyio.to_thread.run_sync(partial(parse, *args))


def _decode_json(body: bytes, limits: BodyLimits, decoders: Any) -> tuple[Any, bool, dict[str, str]]:
    """The document, whether it nests too deeply, and what no column can hold, by field."""
    try:
        document = decode_json(body or b"null", type_decoders=decoders)
    except RecursionError:
        return None, True, {}
    except Exception:
        _refuse_undecodable(body)
        raise
    too_deep = json_may_be_deeper(body, limits.json_max_depth) and json_depth(document) > limits.json_max_depth
    problems = json_problems(document) if json_may_hold_unstorable(body) else {}
    if json_may_hold_direction_controls(body):
        problems |= direction_control_errors(_json_leaves(document))
    return document, too_deep, problems


def _json_leaves(document: Any) -> Iterator[tuple[str, Any]]:
    """Every scalar of a JSON document with its path as Litestar names it (`rooms[1].name`);
    iterative, so a deeply nested document cannot exhaust the stack."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            pending.extend((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        else:
            yield path, value


def _refuse_undecodable(body: bytes) -> None:
    try:
        msgspec.json.decode(body)
    except UnicodeDecodeError:
        raise UnreadableBody(N_("The request body is not valid UTF-8.")) from None
    except msgspec.DecodeError:
        return
