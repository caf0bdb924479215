"""Rendering a :class:`Message` from its props (app.notifications.messages) and the links added at
delivery. The messages to participants are Markdown texts (``email_templates/{message}.md``, or
the event's own, app.notifications.texts); the organisers' notices are Jinja files
(``email_templates/{message}.jinja`` with ``subject``, ``text`` and ``html`` blocks, autoescaped
HTML, StrictUndefined)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape

from app.notifications.calendar import FILENAME, event_calendar
from app.notifications.messages import (
    EDITABLE,
    OPTIONAL,
    MailingProps,
    Message,
    Props,
    RegistrationProps,
    load_props,
)
from app.notifications.texts import Text, default_text, render_text

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "email_templates"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar"
    content: bytes


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    # An optional message's unsubscribe link (app.notifications.messages.OPTIONAL): shown at its foot
    # and given to mail clients in the List-Unsubscribe headers (app.notifications.smtp).
    unsubscribe_url: str | None = None


# The emails that give a participant their seat carry the event for their calendar.
WITH_CALENDAR = frozenset({Message.registered, Message.promoted, Message.approved})


@lru_cache
def _environment(autoescape: bool) -> Environment:
    # The plain-text part and the subject must not be HTML-escaped ("R&D", not "R&amp;D"),
    # so they come from an environment without autoescape; the HTML part from one with it.
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _block(name: str, block: str, context: dict, *, autoescape: bool) -> str:
    template = _environment(autoescape).get_template(f"{name}.jinja")
    return "".join(template.blocks[block](template.new_context(context))).strip()


def render_email(
    message: Message, props: Props, extras: dict | None = None, *, text: Text | None = None
) -> RenderedEmail:
    """``message`` rendered from its ``props`` and ``extras`` (``base_url``, links: never stored);
    ``text`` is the event's own text of a message to participants, if it has one; a mailing carries its own."""
    if isinstance(props, MailingProps):
        rendered = render_text(Text(props.subject, props.body), props, extras or {})
        return _optional(
            message,
            props,
            RenderedEmail(subject=rendered.subject, text=rendered.text, html=rendered.html),
            (extras or {}).get("unsubscribe_url"),
        )
    if message in EDITABLE:
        assert isinstance(props, RegistrationProps)
        rendered = render_text(text or default_text(message), props, extras or {})
        return RenderedEmail(
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            attachments=_calendar(message, props, (extras or {}).get("base_url", "")),
        )
    name, context = message.value, {**(extras or {}), **props.model_dump()}
    return RenderedEmail(
        subject=" ".join(_block(name, "subject", context, autoescape=False).split()),
        text=_block(name, "text", context, autoescape=False) + "\n",
        html=_block(name, "html", context, autoescape=True),
    )


def _optional(message: Message, props: RegistrationProps, email: RenderedEmail, url: str | None) -> RenderedEmail:
    """An optional message with its unsubscribe link at the foot of both parts (the link is added at
    delivery; without one, as in a bare render, the email is left as it is)."""
    if message not in OPTIONAL or not url:
        return email
    why = f"You receive this message because you registered for {props.event_title}."
    return RenderedEmail(
        subject=email.subject,
        attachments=email.attachments,
        unsubscribe_url=url,
        text=f"{email.text.rstrip()}\n\n-- \n{why}\nUnsubscribe from the organisers' messages: {url}\n",
        html=f'{email.html}\n<hr>\n<p style="font-size:small;color:#5b6573">{escape(why)} '
        f'<a href="{escape(url)}">Unsubscribe from the organisers\' messages</a></p>',
    )


def _calendar(message: Message, props: RegistrationProps, base_url: str) -> tuple[Attachment, ...]:
    if message not in WITH_CALENDAR or props.status != "confirmed":
        return ()
    content = event_calendar(props, base_url)
    return (Attachment(FILENAME, "text/calendar", content),) if content else ()


def render_stored(
    template: str, context: dict, extras: dict | None = None, *, text: Text | None = None
) -> RenderedEmail:
    """An outbox row rendered: its stored props are read back through the message's model, so a
    context the model does not accept (an unknown message, a missing or extra field) raises here."""
    message = Message(template)
    return render_email(message, load_props(message, context), extras, text=text)
