from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core import i18n
from core.accounts import invitations, services
from core.auth import CurrentUser, sign_in, sign_out
from core.enums import TokenPurpose
from core.forms import FormData, field, safe_next
from core.i18n import gettext as _
from core.i18n import label
from core.permissions import login_required
from core.sessions import flash
from core.tokens import peek
from core.web import client_ip, page

AnyRequest = Request[Any, Any, Any]


async def _invitation_context(request: AnyRequest) -> dict[str, Any]:
    token = request.path_params["token"]
    return {"invite": await peek(purpose=TokenPurpose.INVITE, raw=token), "token": token}


class AccountPages(Controller):
    include_in_schema = False

    @get("/signup")
    async def signup_form(self) -> Template:
        return page("core/accounts/signup.html", values={}, errors={})

    @post("/signup", opt={"form": "core/accounts/signup.html"})
    async def signup(self, request: AnyRequest, data: FormData) -> Template:
        await services.sign_up(
            email=field(data, "email"),
            name=field(data, "name"),
            password=field(data, "password"),
            password_confirm=field(data, "password_confirm"),
            locale=i18n.current_locale(),
            ip=client_ip(request),
        )
        return page("core/accounts/signup_sent.html", email=field(data, "email"))

    @get("/verify")
    async def verify(self, request: AnyRequest, token: FromQuery[str] = "") -> Redirect:
        await services.verify_email(token=token)
        flash(request.session, _("Thank you, your email address is confirmed."), "success")
        return Redirect("/account" if request.scope.get("user") else "/login")

    @post("/verify/resend", guards=[login_required])
    async def resend_verification(self, request: AnyRequest, data: FormData) -> Redirect:
        await services.resend_verification(user_id=request.user.id)
        flash(request.session, _("We sent you a new confirmation link."), "success")
        # Back to the page that asked (the startup form, say), never to another site.
        return Redirect(safe_next(field(data, "next"), "/account"))

    @get("/login")
    async def login_form(self, next: FromQuery[str] = "") -> Template:
        return page("core/accounts/login.html", values={"next": safe_next(next, "")}, errors={})

    @post("/login", opt={"form": "core/accounts/login.html"})
    async def login(self, request: AnyRequest, data: FormData) -> Redirect | Template:
        user_id = await services.authenticate(
            email=field(data, "email"), password=field(data, "password"), ip=client_ip(request)
        )
        if user_id is None:
            return page("core/accounts/login_link_sent.html")
        sign_in(request.session, user_id)  # type: ignore[arg-type]
        return Redirect(safe_next(field(data, "next"), "/account"))

    @get("/login/link")
    async def login_link_form(self, token: FromQuery[str] = "") -> Template:
        await peek(purpose=TokenPurpose.SIGN_IN, raw=token)
        return page("core/accounts/login_link.html", values={"token": token}, errors={})

    @post("/login/link", opt={"form": "core/accounts/login_link.html"})
    async def login_link(self, request: AnyRequest, data: FormData) -> Redirect:
        user_id = await services.sign_in_with_link(token=field(data, "token"), ip=client_ip(request))
        sign_in(request.session, user_id)  # type: ignore[arg-type]
        return Redirect("/account")

    @post("/logout")
    async def logout(self, request: AnyRequest) -> Redirect:
        sign_out(request.session)  # type: ignore[arg-type]
        return Redirect("/")

    @get("/password/forgot")
    async def forgot_form(self) -> Template:
        return page("core/accounts/forgot.html", values={}, errors={})

    @post("/password/forgot", opt={"form": "core/accounts/forgot.html"})
    async def forgot(self, request: AnyRequest, data: FormData) -> Template:
        await services.request_password_reset(email=field(data, "email"), ip=client_ip(request))
        return page("core/accounts/forgot_sent.html", email=field(data, "email"))

    @get("/password/reset")
    async def reset_form(self, token: FromQuery[str] = "") -> Template:
        await peek(purpose=TokenPurpose.RESET_PASSWORD, raw=token)
        return page("core/accounts/reset.html", values={"token": token}, errors={})

    @post("/password/reset", opt={"form": "core/accounts/reset.html"})
    async def reset(self, request: AnyRequest, data: FormData) -> Redirect:
        user_id = await services.reset_password(
            token=field(data, "token"),
            password=field(data, "password"),
            password_confirm=field(data, "password_confirm"),
        )
        sign_in(request.session, user_id)  # type: ignore[arg-type]
        flash(request.session, _("Your password is changed and you are signed in."), "success")
        return Redirect("/account")

    @get("/account", guards=[login_required])
    async def account(self) -> Template:
        return page("core/accounts/account.html")

    @get("/account/password", guards=[login_required])
    async def password_form(self) -> Template:
        return page("core/accounts/password.html", values={}, errors={})

    @post("/account/password", guards=[login_required], opt={"form": "core/accounts/password.html"})
    async def change_password(self, request: AnyRequest, data: FormData) -> Redirect:
        await services.change_password(
            user_id=request.user.id,
            current=field(data, "current"),
            password=field(data, "password"),
            password_confirm=field(data, "password_confirm"),
            session_id=request.session.session_id,  # type: ignore[attr-defined]
        )
        flash(request.session, _("Your password is changed. Other devices were signed out."), "success")
        return Redirect("/account")

    @get("/invites/{token:str}")
    async def invitation(self, token: FromPath[str]) -> Template:
        row = await peek(purpose=TokenPurpose.INVITE, raw=token)
        return page("core/accounts/invite.html", invite=row, token=token, values={}, errors={})

    @post("/invites/{token:str}/accept", guards=[login_required])
    async def accept_invitation(self, request: AnyRequest, token: FromPath[str]) -> Redirect:
        role = await invitations.accept_invite(token=token, user_id=request.user.id)
        flash(request.session, _("Welcome aboard! You now have the role: %(role)s.") % {"role": label(role)}, "success")
        return Redirect("/account")

    @post("/invites/{token:str}/signup", opt={"form": "core/accounts/invite.html", "form_context": _invitation_context})
    async def signup_invited(self, request: AnyRequest, token: FromPath[str], data: FormData) -> Redirect:
        user_id = await invitations.sign_up_invited(
            token=token,
            name=field(data, "name"),
            password=field(data, "password"),
            password_confirm=field(data, "password_confirm"),
            locale=i18n.current_locale(),
            ip=client_ip(request),
        )
        sign_in(request.session, user_id)  # type: ignore[arg-type]
        flash(request.session, _("Your account is ready."), "success")
        return Redirect("/account")

    @post("/locale")
    async def choose_locale(self, request: AnyRequest, data: FormData) -> Redirect:
        locale = field(data, "locale")
        if locale in i18n.LOCALES:
            request.session["locale"] = locale
            user: CurrentUser | None = request.scope.get("user")
            if user is not None:
                await services.set_locale(user_id=user.id, locale=locale)
        return Redirect(safe_next(field(data, "next"), "/"))
