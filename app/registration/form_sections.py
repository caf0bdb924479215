"""Extra fieldsets on the public registration form, contributed by the modules above registration.

Registration may not import them (breakouts, for one), yet some of their questions belong on the
form. So the composition layer registers a ``FormSection`` for each (``extensions.py``); the
form page asks every section for its fieldsets, has it check what was posted before anything is
written (its errors join the form's, each next to its field), and has it save the checked data for
the new registration in the request's transaction.

A fieldset holds select boxes only: all a section needs so far. The page keeps what was posted in
them when it shows the form again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.events.models import Event
from app.registration.models import Registration

T = TypeVar("T")


@dataclass(frozen=True)
class SelectBox:
    name: str  # the posted field; an error about this box is keyed by it too
    label: str
    options: list[tuple[str, str]]  # (value, text), after a blank "(no choice)"


@dataclass(frozen=True)
class Fieldset:
    name: str  # the key of an error about the fieldset as a whole
    legend: str
    label: str  # names the fieldset in the error summary, far from it
    help: str
    selects: list[SelectBox]


@dataclass
class SectionInput(Generic[T]):
    """A section's share of a posted form: field name -> message, and what to save when there are none."""

    data: T
    errors: dict[str, str] = field(default_factory=dict)


class FormSection(Protocol[T]):
    def fieldsets(self, session: Session, event: Event) -> list[Fieldset]:
        """What the event's form shows; an empty list when there is nothing to ask."""
        ...

    def parse(self, session: Session, event: Event, form: FormData) -> SectionInput[T]:
        """The posted values checked against the fieldsets shown, writing nothing."""
        ...

    def save(self, session: Session, registration: Registration, data: T) -> None:
        """Store checked data for the registration just made; flush, never commit."""
        ...


def posted_values(form: FormData, fieldsets: list[Fieldset]) -> dict[str, str]:
    """What was chosen in the fieldsets' boxes, to show the form again with it."""
    return {box.name: str(form.get(box.name) or "") for fieldset in fieldsets for box in fieldset.selects}


def field_labels(fieldsets: list[Fieldset]) -> dict[str, str]:
    """Labels for the error summary: the fieldset's, and "<fieldset>, <box>" for each box."""
    labels = {fieldset.name: fieldset.label for fieldset in fieldsets}
    labels.update({box.name: f"{fieldset.label}, {box.label}" for fieldset in fieldsets for box in fieldset.selects})
    return labels
