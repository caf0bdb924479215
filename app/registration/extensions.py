"""What the modules above registration add to its public pages, registered once by the composition layer.

Registration may not import them (breakouts, for one), yet the registration form should ask for
breakout choices and the event page should show working groups. So ``create_app`` hands the
registration pages a ``PageExtensions`` holding the form sections and agenda details to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from app.registration.agenda_details import AgendaDetails
from app.registration.form_sections import FormSection


@dataclass(frozen=True)
class PageExtensions:
    form_sections: tuple[FormSection[Any], ...] = ()  # in this order on every registration form
    agenda_details: tuple[AgendaDetails, ...] = ()  # in this order on every event page


def use_page_extensions(app: FastAPI, extensions: PageExtensions) -> None:
    app.state.registration_page_extensions = extensions


def page_extensions(request: Request) -> PageExtensions:
    return getattr(request.app.state, "registration_page_extensions", PageExtensions())


PageExtensionsDep = Annotated[PageExtensions, Depends(page_extensions)]
