"""Security headers on every response the application sends.

A Litestar `before_send` hook rather than a middleware: hooks wrap the ASGI `send` of the whole
application, so they also see what never reaches the middleware stack (404s of unrouted paths,
405s, static files, the OpenAPI pages, errors raised before routing).

The Content-Security-Policy allows no inline script, no inline style and no `style` attribute:
every page takes its scripts and styles from /static (the pygal charts' stylesheet and the
Swagger UI's start-up script included), so no per-request nonce is needed and cached pages stay
valid for every visitor. `data:` images are allowed because the vendored stylesheets (Pico's
form controls, Swagger UI's icons) draw their small SVGs that way.
"""

from __future__ import annotations

from litestar.types import Message, Scope

from core.settings import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Every powerful feature off: no page of the platform uses any of them, so an injected frame or
# script cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Two years, the figure browsers' preload lists ask for; only sent where the site is served over TLS.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def security_headers(settings: Settings) -> dict[str, str]:
    """The headers every response carries under `settings`."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if settings.cookie_secure:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


class SecurityHeaders:
    """The `before_send` hook that puts `security_headers(settings)` on every HTTP response.

    A header the handler set itself is left as it is, so a route may send a stricter value.
    """

    def __init__(self, settings: Settings) -> None:
        self.headers = security_headers(settings)
        # Encoded once: every response appends the same byte pairs (no header objects per request).
        self.encoded = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()
        ]
        self.names = frozenset(name for name, _ in self.encoded)

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = message.setdefault("headers", [])
        if not isinstance(headers, list):
            headers = message["headers"] = list(headers)
        present = {name.lower() for name, _ in headers} & self.names
        if not present:
            headers.extend(self.encoded)
            return
        headers.extend(pair for pair in self.encoded if pair[0] not in present)
