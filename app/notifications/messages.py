"""The catalogue of messages Convene sends: an enum of them and one props model per message.

A sender queues a :class:`Message` with an instance of exactly its props model
(:func:`app.notifications.outbox.queue_email` refuses any other); the props are what the outbox
stores, and the delivery validates them again against the same model before rendering, so a
template never meets a context its callers do not send. Links that must not be stored (the
participant's page, a password reset) are added at delivery, never part of the props.
"""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict


class Message(str, enum.Enum):
    """Every email Convene sends; the value names its template in ``email_templates/``."""

    confirm_email = "confirm_email"
    registered = "registered"
    waitlisted = "waitlisted"
    promoted = "promoted"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"
    reminder = "reminder"
    link_resent = "link_resent"
    breakout_assigned = "breakout_assigned"
    breakout_choose = "breakout_choose"
    approval_digest = "approval_digest"
    retention_notice = "retention_notice"
    password_reset = "password_reset"
    mailing = "mailing"


class Props(BaseModel):
    """What one message's template may show; stored as JSON in the outbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EventProps(Props):
    event_title: str
    event_when: str  # "Thursday 20 June 2030, 09:00 to 17:00 (Europe/Brussels)", on the venue's clock
    event_where: str  # venue and city, "" when neither is known
    # For the calendar attachment; None only in emails queued before it was attached.
    event_starts_at: str | None = None  # ISO 8601 with offset
    event_ends_at: str | None = None
    event_timezone: str | None = None


class RegistrationProps(EventProps):
    """A message to a participant about their registration; the delivery adds their links
    (``participant_url``, ``confirmation_url``) from ``registration_id``. Its text is the event's
    own when the organisers wrote one (app.notifications.texts), hence ``event_id``."""

    event_id: int | None = None  # None only in emails queued before texts could be edited
    registration_id: int
    first_name: str
    last_name: str
    status: str
    waitlist_position: int | None = None

    def placeholders(self, links: dict[str, str]) -> dict:
        """What an organiser's text may name: ``{{ participant.first_name }}``, ``{{ links.manage }}``..."""
        return {
            "participant": {
                "first_name": self.first_name,
                "last_name": self.last_name,
                "status": self.status,
                "waitlist_position": self.waitlist_position,
            },
            "event": {"title": self.event_title, "when": self.event_when, "where": self.event_where},
            "links": {"manage": links.get("participant_url", ""), "confirm": links.get("confirmation_url", "")},
        }


class RejectedProps(RegistrationProps):
    reason: str | None = None

    def placeholders(self, links: dict[str, str]) -> dict:
        return {**super().placeholders(links), "reason": self.reason}


class CancelledProps(RegistrationProps):
    by_organiser: bool = False

    def placeholders(self, links: dict[str, str]) -> dict:
        return {**super().placeholders(links), "by_organiser": self.by_organiser}


class BreakoutAssignedProps(RegistrationProps):
    session_title: str
    date: str
    time: str
    timezone: str
    group_title: str
    group_theme: str | None = None
    group_room: str | None = None
    facilitator: str | None = None

    def placeholders(self, links: dict[str, str]) -> dict:
        return {
            **super().placeholders(links),
            "breakout": {
                "session": self.session_title,
                "date": self.date,
                "time": self.time,
                "timezone": self.timezone,
                "group": self.group_title,
                "theme": self.group_theme,
                "room": self.group_room,
                "facilitator": self.facilitator,
            },
        }


class BreakoutChooseProps(RegistrationProps):
    """A reminder to rank the working groups of a breakout session (the link to do so is added at delivery)."""

    session_title: str
    date: str
    groups: list[str]

    def placeholders(self, links: dict[str, str]) -> dict:
        return {
            **super().placeholders(links),
            "breakout": {"session": self.session_title, "date": self.date, "groups": self.groups},
        }


class MailingProps(RegistrationProps):
    """One recipient's copy of an organiser's message to a chosen audience (app.communications):
    the organiser's own subject and body (Markdown with the participants' placeholders) travel with
    it, so each copy renders as it was sent."""

    mailing_id: int
    subject: str
    body: str


class WaitingPerson(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    organisation: str
    country: str
    registered_on: str


class ApprovalDigestProps(EventProps):
    event_id: int
    waiting: int
    people: list[WaitingPerson]
    more: int


class RetentionNoticeProps(EventProps):
    event_id: int
    event_slug: str
    participants: int
    retention_days: int
    retention_ended_on: str
    anonymise_on: str
    grace_days: int


class PasswordResetProps(Props):
    display_name: str
    password_reset_id: int
    valid_minutes: int


PROPS: dict[Message, type[Props]] = {
    Message.confirm_email: RegistrationProps,
    Message.registered: RegistrationProps,
    Message.waitlisted: RegistrationProps,
    Message.promoted: RegistrationProps,
    Message.approved: RegistrationProps,
    Message.rejected: RejectedProps,
    Message.cancelled: CancelledProps,
    Message.expired: RegistrationProps,
    Message.reminder: RegistrationProps,
    Message.link_resent: RegistrationProps,
    Message.breakout_assigned: BreakoutAssignedProps,
    Message.breakout_choose: BreakoutChooseProps,
    Message.approval_digest: ApprovalDigestProps,
    Message.retention_notice: RetentionNoticeProps,
    Message.password_reset: PasswordResetProps,
    Message.mailing: MailingProps,
}


# The messages whose subject and body organisers may rewrite per event: those to participants.
# A mailing's text is its own (written for it), not an event's per-message text.
EDITABLE: tuple[Message, ...] = tuple(
    message for message in Message if issubclass(PROPS[message], RegistrationProps) and message is not Message.mailing
)

# Optional messages: those a participant may unsubscribe from (app.registration.unsubscribe). Each
# carries their personal unsubscribe link and the List-Unsubscribe headers (RFC 2369, RFC 8058), and
# whoever sends one skips those who unsubscribed (app.communications.mailings). Every other message
# to a participant is about their registration itself: always sent, without such a link.
OPTIONAL: frozenset[Message] = frozenset({Message.mailing})

_SAMPLE = {
    "event_id": None,
    "registration_id": 0,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "status": "confirmed",
    "waitlist_position": None,
    "event_title": "Regional innovation workshop",
    "event_when": "Thursday 20 June 2030, 09:00 to 17:00 (Europe/Brussels)",
    "event_where": "Town hall, Leuven",
    "event_starts_at": "2030-06-20T09:00:00+02:00",
    "event_ends_at": "2030-06-20T17:00:00+02:00",
    "event_timezone": "Europe/Brussels",
    "reason": "The workshop is for the network's members.",
    "by_organiser": True,
    "session_title": "Working groups",
    "date": "Thursday 20 June 2030",
    "time": "14:00–15:30",
    "timezone": "Europe/Brussels",
    "group_title": "Smart specialisation",
    "group_theme": "Regional strategies",
    "group_room": "Room 2",
    "facilitator": "Jan Peeters",
    "groups": ["Smart specialisation", "Digital transition"],
    "mailing_id": 0,
    "subject": "",
    "body": "",
}
SAMPLE_LINKS = {
    "participant_url": "https://convene.example/r/sample-link",
    "confirmation_url": "https://convene.example/r/sample-link/confirm",
    "unsubscribe_url": "https://convene.example/unsubscribe/sample-link",
}


def sample_props(message: Message) -> RegistrationProps:
    """A sample participant's props for ``message`` (an editable one, or a mailing): previews and checks use it."""
    model = PROPS[message]
    if not issubclass(model, RegistrationProps):  # its props have no placeholders: nothing to preview
        raise TypeError(f"{message.value} is not a message to a participant")
    return model(**{name: value for name, value in _SAMPLE.items() if name in model.model_fields})


def check_props(message: Message, props: Props) -> None:
    """Refuse props of another model than the message's (a subclass too: its extra fields would be
    stored and then refused at delivery)."""
    expected = PROPS[message]
    if type(props) is not expected:
        raise TypeError(f"{message.value} takes {expected.__name__}, not {type(props).__name__}")


def load_props(message: Message, context: dict) -> Props:
    """The stored props read back and checked against the message's model."""
    return PROPS[message].model_validate(context)
