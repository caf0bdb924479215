"""CSRF protection for the HTML forms: a signed double-submit token.

Each browser gets a random cookie; every form carries a token that is that cookie's value signed
with the installation secret. A forged cross-site POST carries the victim's cookie but cannot read
it, so it cannot produce a matching signed token; a token stolen from another browser does not
match that browser's cookie. The token expires, so an old copied page cannot be replayed forever.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.datastructures import FormData

from app.core.config import Settings
from app.core.deps import SettingsDep
from app.core.errors import Forbidden

COOKIE_NAME = "convene_csrf"
FIELD_NAME = "csrf_token"
TOKEN_MAX_AGE = 12 * 3600  # seconds a form stays valid after it was displayed
_SALT = "convene.csrf"


R = TypeVar("R", bound=Response)


class CsrfFailed(Forbidden):
    title = "Form expired or not sent from this site"


class Csrf:
    """The request's CSRF state: the cookie it has (or will get) and the token for its forms."""

    def __init__(self, settings: Settings, cookie: str | None, *, secure: bool):
        self._serializer = URLSafeTimedSerializer(settings.signing_key(), salt=_SALT)
        self._has_cookie = cookie is not None and len(cookie) >= 32
        self.cookie: str = cookie if cookie is not None and self._has_cookie else secrets.token_urlsafe(32)
        self._secure = secure

    @property
    def token(self) -> str:
        """A fresh token for a hidden form field; it matches this browser's cookie only."""
        return self._serializer.dumps(self.cookie)

    def verify(self, submitted: object) -> None:
        """Refuse the POST unless it carries a valid token for this browser's cookie."""
        if not self._has_cookie:
            raise CsrfFailed(
                "your browser did not send the form's security cookie; allow cookies for this site, "
                "reload the page and submit again",
                field=FIELD_NAME,
            )
        if not isinstance(submitted, str) or not submitted:
            raise CsrfFailed(
                "the form was sent without its security token; reload the page and submit again", field=FIELD_NAME
            )
        try:
            value = self._serializer.loads(submitted, max_age=TOKEN_MAX_AGE)
        except SignatureExpired:
            raise CsrfFailed("the form has expired; reload the page and submit again", field=FIELD_NAME) from None
        except BadSignature:
            raise CsrfFailed(
                "the form's security token is not valid; reload the page and submit again", field=FIELD_NAME
            ) from None
        if not isinstance(value, str) or not hmac.compare_digest(value, self.cookie):
            raise CsrfFailed(
                "the form was not sent from this browser's page; reload the page and submit again", field=FIELD_NAME
            )

    def set_cookie(self, response: R) -> R:
        """Give the browser its cookie if it had none; call on every response that shows a form."""
        if not self._has_cookie:
            response.set_cookie(COOKIE_NAME, self.cookie, httponly=True, samesite="lax", secure=self._secure, path="/")
        return response


def get_csrf(request: Request, settings: SettingsDep) -> Csrf:
    return Csrf(settings, request.cookies.get(COOKIE_NAME), secure=request.url.scheme == "https")


CsrfDep = Annotated[Csrf, Depends(get_csrf)]


async def posted_form(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=500)


# A posted HTML form (no files); its CSRF token is checked by the page with ``Csrf.verify``.
FormDep = Annotated[FormData, Depends(posted_form)]
