"""The API's interactive documentation at /schema: Swagger UI started from a static script.

Litestar's own Swagger page starts Swagger UI with an inline script carrying the whole schema,
and adds an inline style and an OAuth2 redirect page that is an inline script too; under the
Content-Security-Policy (core/security_headers.py) none of that runs. This page loads the
vendored Swagger UI and static/js/swagger-init.js, which fetches the schema from
/schema/openapi.json and reads its settings from the container's data attributes.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.router import Router

VENDOR = "/static/vendor/swagger-ui"


class SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI from the vendored files, without inline script or style."""

    def __init__(self, *, favicon: str, **kwargs: Any) -> None:
        super().__init__(
            js_url=f"{VENDOR}/swagger-ui-bundle.js",
            css_url=f"{VENDOR}/swagger-ui.css",
            standalone_preset_js_url=f"{VENDOR}/swagger-ui-standalone-preset.js",
            favicon=favicon,
            style="",
            **kwargs,
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        csrf = request.app.csrf_config
        # Swagger UI echoes the CSRF cookie in the header the app checks, so "Try it out" can send
        # unsafe requests too; an httponly cookie cannot be read, and then nothing is echoed.
        echo = (
            f' data-csrf-cookie="{escape(csrf.cookie_name)}" data-csrf-header="{escape(csrf.header_name)}"'
            if csrf and not csrf.cookie_httponly
            else ""
        )
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(openapi_schema["info"]["title"])}</title>
  {self.favicon}
  <link rel="stylesheet" href="{self.css_url}">
  <link rel="stylesheet" href="/static/css/swagger.css">
  <script src="{self.js_url}" defer></script>
  <script src="{self.standalone_preset_js_url}" defer></script>
  <script src="/static/js/swagger-init.js" defer></script>
</head>
<body>
  <div id="swagger-container" data-spec-url="{spec_url}"{echo}></div>
</body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        """Registers nothing: the platform has no OAuth2 login, so no OAuth2 redirect page."""
