"""Rate limits on the public form and the public registration API: per address, per email, 429."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.core.security import Role
from app.main import create_app
from app.registration.models import Registration
from tests.conftest import token_headers
from tests.factories import create_event
from tests.registration.conftest import registration_payload


@pytest.fixture
def limited(db, settings) -> Iterator[TestClient]:
    settings = settings.model_copy(
        update={"rate_limits": "on", "rate_limit_per_address": "3/minute", "rate_limit_per_email": "2/hour"}
    )
    with TestClient(create_app(settings, database=db)) as client:
        yield client


def _events(db, count: int = 1) -> list:
    with db.transaction() as session:
        return [(event.id, event.slug) for event in (create_event(session) for _ in range(count))]


def _registrations(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(select(func.count()).select_from(Registration)).scalar_one()


def test_the_api_answers_429_with_retry_after_beyond_the_limit_per_address(limited, db):
    [(event_id, _)] = _events(db)
    url = f"/api/v1/events/{event_id}/registrations"
    assert [limited.post(url, json=registration_payload()).status_code for _ in range(3)] == [201] * 3
    refused = limited.post(url, json=registration_payload())
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["title"] == "Too many requests" and "try again" in refused.json()["detail"]
    assert _registrations(db) == 3


def test_one_email_address_is_limited_whatever_the_event(db, settings):
    settings = settings.model_copy(update={"rate_limits": "on", "rate_limit_per_email": "2/hour"})
    events = _events(db, 3)
    with TestClient(create_app(settings, database=db)) as client:
        answers = [
            client.post(
                f"/api/v1/events/{event_id}/registrations", json=registration_payload(email="Same@Example.org")
            ).status_code
            for event_id, _ in events
        ]
    assert answers == [201, 201, 429]
    assert (
        60
        < int(
            client.post(
                f"/api/v1/events/{events[0][0]}/registrations", json=registration_payload(email="same@example.org")
            ).headers["retry-after"]
        )
        <= 3600
    )


def test_the_form_shows_a_plain_page_with_retry_after(limited, db):
    [(_, slug)] = _events(db)
    for _ in range(3):
        assert (
            limited.post(
                f"/events/{slug}/register", data={"first_name": "Ada"}, headers={"Accept": "text/html"}
            ).status_code
            != 429
        )
    page = limited.post(f"/events/{slug}/register", data={"first_name": "Ada"}, headers={"Accept": "text/html"})
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert "Too many requests" in page.text and "try again in" in page.text
    assert int(page.headers["retry-after"]) >= 1


def test_organisers_registering_people_with_a_token_are_not_limited(limited, db):
    [(event_id, _)] = _events(db)
    organiser = token_headers(db, Role.organiser)
    url = f"/api/v1/events/{event_id}/registrations"
    assert {limited.post(url, json=registration_payload(), headers=organiser).status_code for _ in range(5)} == {201}


def test_rate_limits_off_lets_everything_through(client, db):
    """The suite's own settings say CONVENE_RATE_LIMITS=off, as load tests and benchmarks do."""
    [(event_id, _)] = _events(db)
    url = f"/api/v1/events/{event_id}/registrations"
    assert {client.post(url, json=registration_payload()).status_code for _ in range(70)} == {201}
