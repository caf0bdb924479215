"""Every refused registration leaves the database as it was: one transaction per request, rolled back
on any error, whether raised or answered as a page. The one named exception: a duplicate's re-sent link."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select

from app.core.db import metadata
from app.core.deps import TransactionRoute
from app.main import create_app
from app.notifications.models import OutboxEmail
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from tests.factories import csrf_token
from tests.registration.conftest import add_registration, open_event, registration_payload
from tests.registration.test_pages import HTML, form_data

NEW_ORGANISATION = "Org Never Used"


def row_counts(db) -> dict[str, int]:
    with db.transaction(write=False) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


def outbox_templates(db) -> list[str]:
    with db.transaction(write=False) as session:
        return list(session.execute(select(OutboxEmail.template).order_by(OutboxEmail.id)).scalars())


@pytest.fixture
def event(db):
    with db.transaction() as session:
        event = open_event(session, slug="refusals", capacity=1)
        create_question(
            session,
            event,
            QuestionCreate(key="diet", label="Diet", kind="single_choice", required=True, options=["none", "vegan"]),
        )
        add_registration(session, event, email="taken@example.org", answers={"diet": "none"})
    return event


@pytest.fixture
def closed_event(db):
    with db.transaction() as session:
        return open_event(session, slug="closed", registration_closes_at="2025-02-01T00:00:00+01:00")


def _api(client, event, **overrides):
    payload = registration_payload(**{"organisation": NEW_ORGANISATION, "answers": {"diet": "none"}, **overrides})
    return client.post(f"/api/v1/events/{event.id}/registrations", json=payload)


def _form(client, event, **overrides):
    # The closed event shows no form: the token comes from the open one's (it is the visitor's, not the event's).
    token = csrf_token(client.get("/events/refusals/register", headers=HTML).text)
    data = form_data(token, organisation=NEW_ORGANISATION, **{"answers.diet": "none", **overrides})
    return client.post(f"/events/{event.slug}/register", data=data, headers=HTML, follow_redirects=False)


REFUSALS = {
    "bad answer": (lambda client, event, _: _api(client, event, answers={"diet": "meat"}), 422),
    "unknown project": (lambda client, event, _: _api(client, event, project="NOPE"), 422),
    "registration closed": (lambda client, _, closed: _api(client, closed), 409),
    "capacity override by the public": (lambda client, event, _: _api(client, event, override_capacity=True), 403),
    "form: bad answer": (lambda client, event, _: _form(client, event, **{"answers.diet": "meat"}), 422),
    "form: unknown project": (lambda client, event, _: _form(client, event, project="NOPE"), 422),
    "form: registration closed": (lambda client, _, closed: _form(client, closed), 409),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_registration_writes_nothing(client, db, event, closed_event, refusal):
    attempt, status = REFUSALS[refusal]
    before = row_counts(db)
    response = attempt(client, event, closed_event)
    assert response.status_code == status, response.text
    assert row_counts(db) == before


@pytest.mark.parametrize("channel", [_api, _form])
def test_a_duplicate_keeps_only_its_resent_link(client, db, event, channel):
    before, emails_before = row_counts(db), outbox_templates(db)
    response = channel(client, event, email="TAKEN@example.org")
    assert response.status_code == 409, response.text
    after = row_counts(db)
    # Not the organisation it named, nor anything else: only the link, sent again, named in the service.
    assert after == before | {"outbox_email": before["outbox_email"] + 1}
    assert outbox_templates(db) == [*emails_before, "link_resent"]


def test_every_route_rolls_back_its_refusals(settings, db):
    app = create_app(settings, database=db)
    # Included routers nest (FastAPI 0.165): walk them all, not only the top level.
    routes = [context.route for context in iter_route_contexts(app.routes) if isinstance(context.route, APIRoute)]
    assert len(routes) > 100
    assert [route.path for route in routes if not isinstance(route, TransactionRoute)] == []
