"""Organiser API for webhooks: create (the secret in this answer only), list, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.core.deps import OrganiserDep, SessionDep, SettingsDep, TransactionRoute
from app.core.fields import Id
from app.webhooks import service
from app.webhooks.schemas import WebhookCreate, WebhookCreated, WebhookRead

router = APIRouter(route_class=TransactionRoute, tags=["webhooks"])


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=201,
    summary="Register a webhook",
    responses={404: {"description": "no event with the `event_id` given"}},
)
def create_webhook(data: WebhookCreate, organiser: OrganiserDep, session: SessionDep, settings: SettingsDep):
    """A hook for one event (its organisers) or, without ``event_id``, for every event (organisers of
    all events). The answer carries the signing secret, which is never shown again."""
    hook, secret = service.create_webhook(session, data, organiser, allow_private=settings.webhooks_allow_private)
    return WebhookCreated.model_validate({**WebhookRead.model_validate(hook).model_dump(), "secret": secret})


@router.get("/webhooks", response_model=list[WebhookRead], summary="List the webhooks")
def list_webhooks(organiser: OrganiserDep, session: SessionDep):
    return service.list_webhooks(session, organiser)


@router.delete("/webhooks/{webhook_id}", status_code=204, summary="Delete a webhook")
def delete_webhook(webhook_id: Id, organiser: OrganiserDep, session: SessionDep):
    service.delete_webhook(session, organiser, webhook_id)
    return Response(status_code=204)
