"""Scheduled rules: an event's message sent once, a set number of days before or after the event,
to a chosen audience. Made from a template, edited like any message, and run by the worker through
the mailings (so the recipients are recorded and each gets one outbox email).

When a rule runs: on the event's start (or end) date on the venue's clock, plus ``offset_days``, at
``send_time`` on that clock; and only if that moment comes after the rule was last set up (created,
edited or enabled), and only on time: a rule set up after its moment, or that the worker reaches
more than a day late (it was stopped), is "missed", never sent late (a "week before" reminder three
days before would say the wrong thing); edit its time to arm it again.
A rule that has run keeps ``ran_at`` and its mailing, and is not changed again (409): it never runs
twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from app.communications import mailings
from app.communications.mailing_schemas import Audience
from app.communications.rule_models import MessageRule
from app.communications.rule_schemas import RuleCreate, RuleRead, RuleTemplateRead, RuleUpdate
from app.communications.rule_templates import TEMPLATES, RuleTemplate
from app.core.db import Database
from app.core.errors import AppError, Conflict, InvalidInput, NotFound
from app.core.types import utcnow
from app.events.models import Event
from app.notifications.messages import Message
from app.notifications.texts import Text, check_text

# The worker looks at rules of events that ended less than this long ago (the longest offset, and a margin).
_LOOKBACK = timedelta(days=400)
# A rule the worker reaches later than this after its moment (it was stopped) is missed, not sent.
LATE = timedelta(hours=24)


class NoSuchRule(NotFound):
    title = "Rule not found"


class RuleAlreadyRan(Conflict):
    title = "The rule has run"


def due_at(event: Event, rule: MessageRule) -> datetime:
    """The rule's moment in UTC: the anchor's date on the event's clock, plus the offset, at its time."""
    zone = ZoneInfo(event.timezone)
    anchor = (event.starts_at if rule.anchor == "start" else event.ends_at).astimezone(zone).date()
    local = datetime.combine(anchor + timedelta(days=rule.offset_days), rule.send_time, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC"))


def state(event: Event, rule: MessageRule, now: datetime | None = None) -> str:
    if rule.ran_at is not None:
        return "sent"
    if not rule.enabled:
        return "disabled"
    due = due_at(event, rule)
    return "missed" if due <= rule.armed_at or due < (now or utcnow()) - LATE else "scheduled"


def read(event: Event, rule: MessageRule) -> RuleRead:
    return RuleRead(
        id=rule.id,
        template=rule.template,
        name=rule.name,
        subject=rule.subject,
        body=rule.body,
        to=Audience.model_validate(rule.audience),
        anchor=rule.anchor,
        offset_days=rule.offset_days,
        time=rule.send_time,
        enabled=rule.enabled,
        state=state(event, rule),
        due_at=due_at(event, rule),
        ran_at=rule.ran_at,
        mailing_id=rule.mailing_id,
        recipients=rule.recipients,
        outcome=rule.outcome,
    )


def template_read(template: RuleTemplate) -> RuleTemplateRead:
    return RuleTemplateRead(
        key=template.key,
        name=template.name,
        description=template.description,
        subject=template.subject,
        body=template.body,
        to=Audience.model_validate(template.audience),
        anchor=template.anchor,
        offset_days=template.offset_days,
        time=template.send_time,
        link_label=template.link_label,
    )


def list_templates() -> list[RuleTemplateRead]:
    return [template_read(template) for template in TEMPLATES.values()]


def _check(session: Session, event: Event, rule: MessageRule) -> None:
    """The text as a mailing's (placeholders, parsing) and the audience's ids. An audience that picks
    nobody today is accepted: the thank-you's attendees are checked in later."""
    check_text(Message.mailing, Text(rule.subject, rule.body))
    mailings.check_audience(session, event, Audience.model_validate(rule.audience))


def create_rule(session: Session, event: Event, data: RuleCreate) -> MessageRule:
    template = TEMPLATES.get(data.template)
    if template is None:
        raise InvalidInput(
            f"no template is called {data.template!r}; the templates: {', '.join(TEMPLATES)}", field="template"
        )
    if data.link is not None and template.link_label is None:
        raise InvalidInput(f"the template {template.key} takes no link", field="link")
    if template.link_label and data.link is None and data.body is None:
        raise InvalidInput(f"the template {template.key} needs a link: {template.link_label.lower()}", field="link")
    audience = (
        data.to.model_dump(mode="json")
        if data.to is not None
        else Audience.model_validate(template.audience).model_dump(mode="json")
    )
    rule = MessageRule(
        event_id=event.id,
        template=template.key,
        name=(data.name or template.name).strip(),
        subject=(data.subject or template.subject).strip(),
        body=data.body if data.body is not None else template.body_with(str(data.link) if data.link else None),
        audience=audience,
        anchor=data.anchor or template.anchor,
        offset_days=template.offset_days if data.offset_days is None else data.offset_days,
        send_time=data.time or template.send_time,
        enabled=data.enabled,
        armed_at=utcnow(),
    )
    _check(session, event, rule)
    session.add(rule)
    session.flush()
    return rule


def list_rules(session: Session, event: Event) -> list[MessageRule]:
    rules = session.execute(
        select(MessageRule).where(col(MessageRule.event_id) == event.id).order_by(col(MessageRule.id))
    ).scalars()
    return sorted(rules, key=lambda rule: due_at(event, rule))


def get_rule(session: Session, event: Event, rule_id: int) -> MessageRule:
    rule = session.get(MessageRule, rule_id)
    if rule is None or rule.event_id != event.id:
        raise NoSuchRule(f"event {event.id} has no rule {rule_id}")
    return rule


def update_rule(session: Session, event: Event, rule_id: int, data: RuleUpdate) -> MessageRule:
    """Change what was given; the rule is set up again now (a moment already past makes it missed).
    A rule that has run is refused: its mailing was sent and it never runs again."""
    rule = get_rule(session, event, rule_id)
    if rule.ran_at is not None:
        raise RuleAlreadyRan(
            f"the rule ran on {rule.ran_at:%Y-%m-%d %H:%M} UTC (mailing {rule.mailing_id}) and "
            "does not run again; write a mailing, or add a new rule, to send more"
        )
    changes = data.model_dump(exclude_unset=True)
    if "to" in changes:
        changes["audience"] = data.to.model_dump(mode="json")
    if "time" in changes:
        changes["send_time"] = changes.pop("time")
    for name in ("name", "subject"):
        if name in changes:
            changes[name] = changes[name].strip()
    with session.no_autoflush:
        for name, value in changes.items():
            if name != "to":
                setattr(rule, name, value)
        _check(session, event, rule)
    rule.revision += 1
    rule.armed_at = utcnow()
    session.flush()
    return rule


def delete_rule(session: Session, event: Event, rule_id: int) -> None:
    """The rule goes; a mailing it sent stays (with who received it)."""
    session.delete(get_rule(session, event, rule_id))
    session.flush()


def due_rules(database: Database, now: datetime) -> list[tuple[int, int]]:
    """The (id, revision) of the enabled rules whose moment came after they were set up and is now
    past, by less than :data:`LATE`."""
    with database.transaction(write=False) as session:
        rows = session.execute(
            select(MessageRule, Event)
            .join(Event, col(Event.id) == col(MessageRule.event_id))
            .where(
                col(MessageRule.ran_at).is_(None),
                col(MessageRule.enabled).is_(True),
                col(Event.ends_at) >= now - _LOOKBACK,
            )
        ).all()
        due = [
            (due_at(event, rule), int(rule.id or 0), rule.revision)
            for rule, event in rows
            if rule.armed_at < due_at(event, rule) <= now and now - due_at(event, rule) <= LATE
        ]
    return [(rule_id, revision) for _, rule_id, revision in sorted(due)]


def run_rule(database: Database, rule_id: int, revision: int, now: datetime) -> bool:
    """Claim the rule (an UPDATE guarded by ``ran_at IS NULL`` and the revision that was found due, so
    two workers never both run it, nor one a rule edited meanwhile) and send its mailing, in one
    transaction. False when another worker, or an edit, came first."""
    with database.transaction() as session:
        result = session.execute(
            update(MessageRule)
            .where(
                col(MessageRule.id) == rule_id,
                col(MessageRule.ran_at).is_(None),
                col(MessageRule.enabled).is_(True),
                col(MessageRule.revision) == revision,
            )
            .values(ran_at=now)
        )
        # Session.execute returns a CursorResult for an UPDATE, but is typed to return a plain Result.
        if not cast(CursorResult[Any], result).rowcount:
            return False
        rule = session.get_one(MessageRule, rule_id)
        session.refresh(rule)
        event = session.get_one(Event, rule.event_id)
        try:
            with session.begin_nested():
                mailing = mailings.create_mailing(
                    session, event, Text(rule.subject, rule.body), Audience.model_validate(rule.audience), None
                )
        except AppError as error:  # nobody matches now, or a group named was deleted: it ran, sending nothing
            rule.outcome = f"nothing sent: {error.detail}"[:300]
        else:
            rule.mailing_id, rule.recipients = mailing.id, mailing.recipients
        session.flush()
    return True


def run_due_rules(database: Database, now: datetime | None = None) -> int:
    """Run every rule that is due, each once; returns how many this worker ran."""
    now = now or utcnow()
    return sum(run_rule(database, rule_id, revision, now) for rule_id, revision in due_rules(database, now))
