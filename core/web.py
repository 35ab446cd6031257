"""How domain results and errors become HTTP: pages for people, JSON for machines.

Form handlers declare the template that shows their form (`opt={"form": "core/accounts/login.html"}`);
a `ValidationFailed` raised by the service then re-renders that form with field errors beside
the fields and the user's input kept (passwords excepted), status 422. Controllers stay free
of try/except.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from core.db import DATABASE_UNAVAILABLE, is_database_unavailable
from core.errors import DomainError, StateConflict, TooManyRequests, ValidationFailed
from core.i18n import gettext, negotiate, reset_locale, set_locale
from core.rules import N_
from core.settings import get_settings

log = logging.getLogger(__name__)

SECRET_FIELDS = ("password", "current", "_csrf_token")
# How long a client should wait before sending a request the database could not take.
RETRY_AFTER_SECONDS = 5


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def page(template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=template_name, context=context, status_code=status_code)


def kept_input(form: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in form.items() if not any(secret in name for secret in SECRET_FIELDS)}


async def _form_values(request: Request[Any, Any, Any]) -> dict[str, Any]:
    parsed = request.scope.get("parsed_form")
    if isinstance(parsed, dict):
        return parsed
    if request.method == "GET":
        return dict(request.query_params)
    form = await request.form()
    return {key: (values if len(values) > 1 else values[0]) for key, values in form.dict().items() if values}


def _json_problem(
    status_code: int, detail: str, errors: dict[str, str] | None = None, *, headers: dict[str, str] | None = None
) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(content=body, status_code=status_code, media_type=MediaType.JSON, headers=headers or None)


def _error_page(
    request: Request[Any, Any, Any],
    status_code: int,
    message: str,
    errors: dict[str, str] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    template = f"errors/{status_code}.html" if status_code in {403, 404, 409, 422, 429, 500} else "errors/generic.html"
    referer = urlsplit(request.headers.get("referer", ""))
    back = referer.path if referer.netloc == request.url.netloc and referer.path != request.url.path else ""
    return Template(
        template_name=template,
        context={"message": message, "status_code": status_code, "back": back, "errors": errors or {}},
        status_code=status_code,
        headers=headers or None,
    )


class _Deferred(Response[Any]):
    """A response built asynchronously when sent: Litestar's exception handlers are synchronous,
    but re-rendering a form may need to load its choices first."""

    def __init__(self, build: Callable[[], Awaitable[Response[Any]]]) -> None:
        super().__init__(content=None)
        self.build = build

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> Any:
        async def send_built(scope: Any, receive: Any, send: Any) -> None:
            response = await self.build()
            await response.to_asgi_response(app=app, request=request, **kwargs)(scope, receive, send)

        return send_built


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return _Deferred(lambda: _domain_error_response(request, exc))


async def _domain_error_response(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else {}
    errors = {field: gettext(msg) for field, msg in exc.errors.items()} if isinstance(exc, ValidationFailed) else None
    if is_api(request):
        return _json_problem(exc.status_code, gettext(exc.message), errors, headers=headers)
    form_template = request.route_handler.opt.get("form") if request.scope.get("route_handler") else None
    if form_template and isinstance(exc, ValidationFailed | TooManyRequests | StateConflict):
        # The form again, with the message on top: what the user typed is never lost.
        context_factory = request.route_handler.opt.get("form_context")
        extra = await context_factory(request) if context_factory else {}
        return Template(
            template_name=form_template,
            context={
                **extra,
                "values": kept_input(await _form_values(request)),
                "errors": errors or {},
                "form_message": gettext(exc.message),
            },
            status_code=exc.status_code,
            headers=headers or None,
        )
    return _error_page(request, exc.status_code, gettext(exc.message), errors, headers=headers)


def handle_not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if is_api(request):
        return _json_problem(401, gettext("Sign in first."))
    next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        # After signing in, come back to the page the form was on, not to a POST-only address.
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc in ("", request.url.netloc)
        next_path = (
            (referer.path + (f"?{referer.query}" if referer.query else "")) if same_site and referer.path else "/"
        )
    return Redirect(path=f"/login?next={quote(next_path, safe='/')}")


def handle_permission_denied(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    message = gettext(exc.detail) if exc.detail else gettext("You may not do this.")
    if "CSRF" in (exc.detail or ""):
        message = gettext("The form's security token is missing or invalid. Reload the page and try again.")
    if is_api(request):
        return _json_problem(403, message)
    return _error_page(request, 403, message)


def handle_not_found(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    if request.scope.get("session") is None:
        # An address no route matches never passed through the session and locale middleware:
        # choose the reader's language here, or the page would always be English.
        return _InLocale(lambda: _not_found(request), request)
    return _not_found(request)


def _not_found(request: Request[Any, Any, Any]) -> Response[Any]:
    if is_api(request):
        return _json_problem(404, gettext("Not found."))
    return _error_page(request, 404, gettext("We could not find this page."))


class _InLocale(Response[Any]):
    """A response built and sent in the language of the request's session or browser."""

    def __init__(self, build: Callable[[], Response[Any]], request: Request[Any, Any, Any]) -> None:
        super().__init__(content=None)
        self.build = build

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> Any:
        async def send_built(scope: Any, receive: Any, send: Any) -> None:
            from core.sessions import COOKIE_NAME, load_session  # core.sessions imports this module

            session = await load_session(request.cookies.get(COOKIE_NAME))
            chosen = session.get("locale") or negotiate(request.headers.get("accept-language", ""))
            token = set_locale(chosen or get_settings().default_locale)
            try:
                response = self.build()
                await response.to_asgi_response(app=app, request=request, **kwargs)(scope, receive, send)
            finally:
                reset_locale(token)

        return send_built


# msgspec's words for a field a body Struct does not declare (core.schemas.JsonInput forbids them).
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`(?: - at `\$\.?(?P<at>[^`]*)`)?$")
UNKNOWN_FIELD = N_("This field is not part of this request; remove it.")


def _field_error(item: dict[str, Any]) -> tuple[str, str]:
    """One of Litestar's validation items as (field, message): an unknown field is named itself,
    as every other field error is, rather than hidden under `data`."""
    message = str(item.get("message"))
    unknown = _UNKNOWN_FIELD.match(message)
    if unknown:
        at = unknown.group("at")
        return (f"{at}.{unknown.group('name')}" if at else unknown.group("name")), gettext(UNKNOWN_FIELD)
    return str(item.get("key") or item.get("source") or "body"), message


def handle_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors: dict[str, str] = {}
    for item in exc.extra or []:
        if isinstance(item, dict):
            field, message = _field_error(item)
            errors[field] = message
    if is_api(request):
        return _json_problem(422, gettext("The request is not valid."), errors)
    return _error_page(
        request, 422, gettext("The request is not valid: ") + "; ".join(f"{k}: {v}" for k, v in errors.items())
    )


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    headers = dict(exc.headers or {})  # e.g. Allow on 405
    if is_api(request):
        return _json_problem(exc.status_code, exc.detail, headers=headers)
    return _error_page(request, exc.status_code, exc.detail, headers=headers)


def handle_server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = gettext("Something went wrong on our side. It has been logged; please try again.")
    if get_settings().debug:
        message += f" ({type(exc).__name__}: {exc})"
    if is_api(request):
        return _json_problem(HTTP_500_INTERNAL_SERVER_ERROR, message)
    return _error_page(request, HTTP_500_INTERNAL_SERVER_ERROR, message)


def handle_database_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The database is restarting or out of reach: a short 503 at once, not a hang or a 500."""
    if not is_database_unavailable(exc):
        return handle_server_error(request, exc)
    log.warning("database unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    message = gettext("The service is briefly unavailable. Please try again in a moment.")
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api(request):
        return _json_problem(HTTP_503_SERVICE_UNAVAILABLE, message, headers=retry)
    return _error_page(request, HTTP_503_SERVICE_UNAVAILABLE, message, headers=retry)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    **dict.fromkeys(DATABASE_UNAVAILABLE, handle_database_unavailable),
    DomainError: handle_domain_error,
    NotAuthorizedException: handle_not_authorized,
    PermissionDeniedException: handle_permission_denied,
    NotFoundException: handle_not_found,
    ValidationException: handle_validation,
    HTTPException: handle_http_exception,
    Exception: handle_server_error,
}
