"""What every console screen does: render with the layout, the CSRF token and the flash message;
answer a change with a redirect carrying the flash message (Post/Redirect/Get).

The flash message travels in a short-lived signed cookie, read and cleared by the next page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData

from app.core.config import Settings
from app.core.csrf import FIELD_NAME, Csrf, CsrfDep
from app.core.deps import SettingsDep
from app.core.templating import render_page

FLASH_COOKIE = "convene_flash"
CONSOLE_PATH = "/manage"
_FLASH_SALT = "convene.flash"
_FLASH_MAX_AGE = 300
# Console pages show personal data: no shared cache, no back-forward cache after signing out.
PRIVATE = {"Cache-Control": "no-store"}


def is_https(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


@dataclass(frozen=True)
class Flash:
    kind: str  # "done" or "problem"
    text: str


@dataclass
class Screen:
    request: Request
    settings: Settings
    csrf: Csrf

    def _flash_serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.settings.signing_key(), salt=_FLASH_SALT)

    def flash(self) -> Flash | None:
        raw = self.request.cookies.get(FLASH_COOKIE)
        if not raw:
            return None
        try:
            kind, text = self._flash_serializer().loads(raw, max_age=_FLASH_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return None
        return Flash(str(kind), str(text))

    def render(self, template: str, *, status: int = 200, **context) -> HTMLResponse:
        flash = self.flash()
        body = render_page(template, csrf_token=self.csrf.token, flash=flash, path=self.request.url.path, **context)
        response = HTMLResponse(body, status_code=status, headers=PRIVATE)
        if flash is not None:
            response.delete_cookie(FLASH_COOKIE, path=CONSOLE_PATH)
        return self.csrf.set_cookie(response)

    def redirect(self, url: str, flash: str | None = None, *, problem: bool = False) -> RedirectResponse:
        """303 See Other to ``url``, which shows ``flash`` once (as a problem when ``problem``)."""
        response = RedirectResponse(url, status_code=303)
        if flash:
            message = ["problem" if problem else "done", flash]
            response.set_cookie(
                FLASH_COOKIE,
                self._flash_serializer().dumps(message),
                max_age=_FLASH_MAX_AGE,
                httponly=True,
                samesite="lax",
                secure=is_https(self.settings),
                path=CONSOLE_PATH,
            )
        return response


def get_screen(request: Request, settings: SettingsDep, csrf: CsrfDep) -> Screen:
    return Screen(request, settings, csrf)


ScreenDep = Annotated[Screen, Depends(get_screen)]


async def checked_form(request: Request, csrf: CsrfDep) -> FormData:
    """The posted form, refused (403) unless it carries this browser's CSRF token."""
    form = await request.form(max_files=0, max_fields=2000)
    csrf.verify(form.get(FIELD_NAME))
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def text(form: FormData, name: str) -> str:
    """A posted text field, stripped; "" when absent or a file."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
