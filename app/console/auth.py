"""Signing in and out of the console, and setting a new password by an emailed one-time link.

A refused password is answered with the sign-in page (401, or 429 when locked); the refusal rolls
the request back, all but the count of wrong passwords the lockout relies on, which the accounts
service keeps by name (``keep_after_rollback``).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature

from app.accounts import service as accounts
from app.accounts.links import reset_id_for_token
from app.console.access import SESSION_COOKIE, safe_next, session_signer, signed_in_account
from app.console.screen import CONSOLE_PATH, FormDep, ScreenDep, is_https, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

LABELS = {
    "email": "Email",
    "password": "Password",
    "new_password": "New password",
    "repeat_password": "New password again",
}


@router.get("/manage/login", response_class=HTMLResponse)
def login_page(
    screen: ScreenDep, session: SessionDep, request: Request, next: Annotated[str | None, Query(max_length=500)] = None
):
    if signed_in_account(request, session, screen.settings) is not None:
        return screen.redirect(safe_next(next))
    return screen.render("console/login.html", values={"email": ""}, errors={}, next=safe_next(next), viewer=None)


@router.post("/manage/login", response_class=HTMLResponse)
def sign_in(screen: ScreenDep, session: SessionDep, form: FormDep):
    email, password, next_url = text(form, "email"), str(form.get("password") or ""), safe_next(text(form, "next"))
    errors = {}
    if not email:
        errors["email"] = "enter the email address of your account"
    if not password:
        errors["password"] = "enter your password"
    status = 422
    if not errors:
        try:
            account = accounts.sign_in(session, email, password)
        except AppError as refused:
            errors, status = {refused.field or "password": refused.detail}, refused.status
        else:
            response = screen.redirect(next_url, f"Signed in as {account.display_name}.")
            cookie = session_signer(screen.settings).sign(accounts.start_session(session, account)).decode()
            response.set_cookie(
                SESSION_COOKIE,
                cookie,
                max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
                httponly=True,
                samesite="lax",
                secure=is_https(screen.settings),
                path=CONSOLE_PATH,
            )
            return response
    return screen.render(
        "console/login.html", status=status, values={"email": email}, errors=errors, next=next_url, viewer=None
    )


@router.post("/manage/logout")
def sign_out(screen: ScreenDep, session: SessionDep, request: Request, form: FormDep):
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with suppress(BadSignature):  # a cookie we did not sign: no session to end
            accounts.end_session(session, session_signer(screen.settings).unsign(cookie).decode())
    response = screen.redirect("/manage/login", "You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path=CONSOLE_PATH)
    return response


@router.get("/manage/forgot-password", response_class=HTMLResponse)
def forgot_password_page(screen: ScreenDep):
    return screen.render("console/forgot_password.html", values={"email": ""}, errors={}, viewer=None)


@router.post("/manage/forgot-password", response_class=HTMLResponse)
def forgot_password(screen: ScreenDep, session: SessionDep, form: FormDep):
    email = text(form, "email")
    try:
        accounts.normalised_email(email)
    except AppError as error:
        return screen.render(
            "console/forgot_password.html",
            status=422,
            values={"email": email},
            errors={"email": error.detail},
            viewer=None,
        )
    accounts.request_password_reset(session, email)
    return screen.redirect(
        "/manage/login",
        "If there is an account for that address, we have emailed it a link "
        "to choose a new password. The link works once, within an hour.",
    )


@router.get("/manage/reset-password", response_class=HTMLResponse)
def reset_password_page(screen: ScreenDep, session: SessionDep, token: Annotated[str, Query(max_length=500)]):
    link = accounts.open_reset(session, reset_id_for_token(screen.settings, token))
    return screen.render("console/reset_password.html", token=token, account=link.account, errors={}, viewer=None)


@router.post("/manage/reset-password", response_class=HTMLResponse)
def reset_password(screen: ScreenDep, session: SessionDep, form: FormDep):
    token = text(form, "token")
    reset_id = reset_id_for_token(screen.settings, token)
    link = accounts.open_reset(session, reset_id)
    new, again = str(form.get("new_password") or ""), str(form.get("repeat_password") or "")
    errors = {}
    if new != again:
        errors["repeat_password"] = "the two passwords are not the same"
    else:
        try:
            accounts.reset_password(session, reset_id, new)
        except AppError as error:
            errors["new_password"] = error.detail
    if errors:
        return screen.render(
            "console/reset_password.html", status=422, token=token, account=link.account, errors=errors, viewer=None
        )
    return screen.redirect("/manage/login", "Your new password is set: sign in with it.")
