"""Imports every domain's tables so that ``metadata`` is complete (for Alembic and the tests)."""

from app.accounts.models import Account, AccountEvent, PasswordReset, SignInSession
from app.agenda.models import AgendaSession, SessionRole
from app.attendance.models import Checkin
from app.breakouts.models import (
    BreakoutAssignment,
    BreakoutDraft,
    BreakoutDraftPlace,
    BreakoutGroup,
    BreakoutPreference,
    BreakoutSettings,
)
from app.communications.models import Mailing, MailingRecipient
from app.communications.rule_models import MessageRule
from app.core.db import metadata
from app.core.idempotency import IdempotentRequest
from app.core.jobs import Job
from app.core.security import ApiToken
from app.directory.models import Organisation, Person, Project
from app.events.models import Event
from app.notifications.models import MessageText, OutboxEmail
from app.registration.history import RegistrationChange
from app.registration.models import Question, Registration
from app.reports.models import (
    EventBranding,
    EventNarrative,
    Report,
    ReportFile,
    ReportImage,
    ReportPart,
    ReportPartSession,
    ReportTemplate,
    SessionNote,
)
from app.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "Account",
    "AccountEvent",
    "PasswordReset",
    "SignInSession",
    "AgendaSession",
    "ApiToken",
    "BreakoutAssignment",
    "BreakoutDraft",
    "BreakoutDraftPlace",
    "BreakoutGroup",
    "BreakoutPreference",
    "BreakoutSettings",
    "Checkin",
    "Event",
    "IdempotentRequest",
    "Job",
    "Mailing",
    "MailingRecipient",
    "MessageRule",
    "MessageText",
    "Organisation",
    "OutboxEmail",
    "Person",
    "Project",
    "Question",
    "Registration",
    "RegistrationChange",
    "SessionRole",
    "metadata",
    "EventBranding",
    "EventNarrative",
    "Report",
    "ReportFile",
    "ReportImage",
    "ReportPart",
    "ReportPartSession",
    "ReportTemplate",
    "SessionNote",
    "Webhook",
    "WebhookDelivery",
]
