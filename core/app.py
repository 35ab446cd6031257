"""The composition root: the only place where the kernel meets the domains."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from challenge import jobs as challenge_jobs
from challenge import labels as challenge_labels
from challenge.controllers import ROUTES as CHALLENGE_ROUTES
from challenge.queries import editions as challenge_queries
from challenge.services import next_steps as challenge_next_steps
from challenge.services import privacy as challenge_privacy
from core import db, jobs, metrics
from core.accounts.controllers import AccountPages
from core.api import HealthController, MeController, MetricsController, ReadyController
from core.api_docs import SwaggerPage
from core.auth import AuthMiddleware
from core.calendar_controllers import CalendarPages
from core.csrf import CSRFMiddleware
from core.files_controllers import FileController
from core.i18n import LocaleMiddleware
from core.input_guard import INPUT_EXCEPTION_HANDLERS, refuse_unstorable_query
from core.logs import install_request_ids
from core.openapi import document_errors
from core.organiser.controllers import OrganiserPages
from core.privacy_controllers import OrganiserPrivacyPages, PrivacyPages
from core.readiness import Readiness
from core.request_bodies import LimitedRequest
from core.rules.observability import parse_networks
from core.scheduler import SchedulerService
from core.security_headers import SecurityHeaders
from core.sessions import Flash, SessionMiddleware, pop_flashes, session_in
from core.settings import PROJECT_ROOT, get_settings
from core.telemetry import Telemetry
from core.templating import environment
from core.web import EXCEPTION_HANDLERS
from hackathon import jobs as hackathon_jobs
from hackathon import labels as hackathon_labels
from hackathon.controllers import ROUTES as HACKATHON_ROUTES
from hackathon.services import privacy as hackathon_privacy
from judging import jobs as judging_jobs
from judging import labels as judging_labels
from judging.controllers import ROUTES as JUDGING_ROUTES
from judging.queries import feedback as judging_feedback
from judging.queries import next_steps as judging_next_steps
from judging.services import privacy as judging_privacy
from mentoring import jobs as mentoring_jobs
from mentoring import labels as mentoring_labels
from mentoring.controllers import ROUTES as MENTORING_ROUTES
from mentoring.services import next_steps as mentoring_next_steps
from mentoring.services import privacy as mentoring_privacy
from pilots import jobs as pilots_jobs
from pilots import labels as pilots_labels
from pilots.controllers import ROUTES as PILOTS_ROUTES
from pilots.services import measurements as pilots_measurements
from pilots.services import next_steps as pilots_next_steps
from pilots.services import privacy as pilots_privacy

log = logging.getLogger(__name__)
FAVICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def _flashes(request: Request[Any, Any, Any]) -> list[Flash]:
    # Unrouted requests (404s) never pass through the session middleware.
    session = session_in(request.scope)
    return pop_flashes(session) if session is not None else []


def register_domain_labels() -> None:
    """Every domain's names for its stored values (`value|label`), registered in one place.

    The app, the command line and the tests call this; nothing registers labels as a side effect
    of being imported, so a page renders the same names whichever modules happened to load first.
    """
    challenge_labels.register()
    mentoring_labels.register()
    judging_labels.register()
    hackathon_labels.register()
    pilots_labels.register()


def create_app(*, run_scheduler: bool | None = None) -> Litestar:
    settings = get_settings()
    parse_networks(settings.observability.metrics_allow_ips)  # a mistyped METRICS_ALLOW_IPS stops the start
    install_request_ids()
    register_domain_labels()
    jobs.register(settings)
    challenge_jobs.register(settings)
    mentoring_jobs.register(settings)
    judging_jobs.register(settings)
    hackathon_jobs.register(settings)
    pilots_jobs.register(settings)

    pilots_measurements.register()  # who may download a measurement's evidence
    # What each domain holds about a person, upstream first (erasure runs them in reverse).
    challenge_privacy.register()
    mentoring_privacy.register()
    judging_privacy.register()
    hackathon_privacy.register()
    pilots_privacy.register()
    # Each home page's "next steps", upstream domains first.
    challenge_next_steps.register()
    mentoring_next_steps.register()
    judging_next_steps.register()
    pilots_next_steps.register()
    # Blocks of later domains on a startup's application page.
    judging_feedback.register()
    scheduler = SchedulerService(settings)
    start_scheduler = settings.scheduler_enabled if run_scheduler is None else run_scheduler

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.open_pool()
        metrics.set_leader(False)
        if start_scheduler:
            await scheduler.start()
        try:
            yield
        finally:
            await scheduler.stop()
            await db.close_pool()
            metrics.worker_exited()

    env = environment()
    env.globals["flashes"] = _flashes
    app = Litestar(
        route_handlers=[
            *CHALLENGE_ROUTES,
            AccountPages,
            CalendarPages,
            OrganiserPages,
            PrivacyPages,
            OrganiserPrivacyPages,
            *MENTORING_ROUTES,
            *JUDGING_ROUTES,
            *HACKATHON_ROUTES,
            *PILOTS_ROUTES,
            FileController,
            MeController,
            HealthController,
            ReadyController,
            MetricsController,
            create_static_files_router(path="/static", directories=[PROJECT_ROOT / "static"], include_in_schema=False),
        ],
        # CSRF last: it reads the session the outer ones loaded (and its errors are translated).
        middleware=[SessionMiddleware, AuthMiddleware, LocaleMiddleware, CSRFMiddleware],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(env)),
        openapi_config=OpenAPIConfig(
            title="Smart Challenge platform API",
            version="1",
            path="/schema",
            render_plugins=[
                SwaggerPage(path="/", favicon=FAVICON),
                JsonRenderPlugin(path="/openapi.json"),
            ],
        ),
        exception_handlers={**EXCEPTION_HANDLERS, **INPUT_EXCEPTION_HANDLERS},
        before_request=refuse_unstorable_query,
        request_class=LimitedRequest,
        multipart_form_part_limit=settings.body_limits.form_max_fields,
        before_send=[SecurityHeaders(settings)],
        lifespan=[lifespan],
        state=State(
            {"invite_options": challenge_queries.invite_options, "scheduler": scheduler, "readiness": Readiness()}
        ),
        # Litestar's default would take over the root logger; ours (core.logs) stays, and Litestar's
        # own records reach it.
        logging_config=LoggingConfig(
            configure_root_logger=False, loggers={"litestar": {"level": "INFO", "handlers": [], "propagate": True}}
        ),
        debug=settings.debug,
    )
    document_errors(app)
    # Outside the exception handling and the routing, so 404s and errors are counted and logged too.
    app.asgi_handler = Telemetry(app.asgi_handler, {route.path_format: route.path for route in app.routes})
    return app
