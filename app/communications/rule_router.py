"""Organiser API for scheduled rules: the templates, and an event's rules (add, list, read, change, delete)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.communications import rules
from app.communications.rule_schemas import RuleCreate, RuleRead, RuleTemplateRead, RuleUpdate
from app.core.deps import OrganiserDep, SessionDep, TransactionRoute
from app.core.fields import Id
from app.events.dependencies import ManagedEvent

router = APIRouter(route_class=TransactionRoute, tags=["rules"])


@router.get("/rule-templates", response_model=list[RuleTemplateRead], summary="List the templates rules are made from")
def list_rule_templates(organiser: OrganiserDep):
    return rules.list_templates()


@router.post(
    "/events/{event_id}/rules", response_model=RuleRead, status_code=201, summary="Add a scheduled rule from a template"
)
def create_rule(data: RuleCreate, event: ManagedEvent, session: SessionDep):
    """``{"template": "reminder"}`` takes the template's text, audience and time; any other field
    given replaces the template's. The body is Markdown with the participants' placeholders, checked
    like a mailing's. An unknown template or placeholder, an audience naming another event's group,
    or an offset beyond 365 days is a 422 naming the field, and nothing is written. A rule whose
    moment is already past is "missed": it is not sent late."""
    return rules.read(event, rules.create_rule(session, event, data))


@router.get("/events/{event_id}/rules", response_model=list[RuleRead], summary="List the event's rules, soonest first")
def list_rules(event: ManagedEvent, session: SessionDep):
    return [rules.read(event, rule) for rule in rules.list_rules(session, event)]


@router.get("/events/{event_id}/rules/{rule_id}", response_model=RuleRead, summary="Read a rule")
def read_rule(rule_id: Id, event: ManagedEvent, session: SessionDep):
    return rules.read(event, rules.get_rule(session, event, rule_id))


@router.patch(
    "/events/{event_id}/rules/{rule_id}",
    response_model=RuleRead,
    summary="Change a rule that has not run",
    responses={409: {"description": "the rule has run: it is not changed, and never runs again"}},
)
def update_rule(rule_id: Id, data: RuleUpdate, event: ManagedEvent, session: SessionDep):
    """Fields left out keep their value. The rule is set up again from now: if its new moment is
    already past it is "missed". A rule that has run is refused (409)."""
    return rules.read(event, rules.update_rule(session, event, rule_id, data))


@router.delete("/events/{event_id}/rules/{rule_id}", status_code=204, summary="Delete a rule")
def delete_rule(rule_id: Id, event: ManagedEvent, session: SessionDep):
    """A mailing the rule sent stays, with who received it."""
    rules.delete_rule(session, event, rule_id)
    return Response(status_code=204)
