"""Uploaded report templates belong to their creator: organisers list, read, use and delete their
own (and the built-in ones); admins all; a template from before owners were recorded is an admin's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.core.security import Role, create_token
from app.reports.models import ReportTemplate, TemplateKind
from tests.conftest import token_headers
from tests.console.conftest import make_account
from tests.factories import create_event

SOURCE = "<h1>{{ event.title }}</h1>"


def upload(client, headers, name):
    response = client.post(
        "/api/v1/report-templates", json={"name": name, "kind": "html", "source": SOURCE}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def events(db) -> tuple[int, int]:
    with db.transaction() as session:
        return create_event(session, title="Event A").id, create_event(session, title="Event B").id


def _names(client, headers) -> list[str]:
    return [t["name"] for t in client.get("/api/v1/report-templates", headers=headers).json()["items"]]


def test_an_organiser_of_b_cannot_see_or_delete_an_admins_template(client, db, events):
    admin = token_headers(db, Role.admin)
    organiser_b = token_headers(db, Role.organiser, events[1])
    template = upload(client, admin, "house-style")
    assert _names(client, organiser_b) == []
    assert client.get(f"/api/v1/report-templates/{template}", headers=organiser_b).status_code == 404
    assert client.delete(f"/api/v1/report-templates/{template}", headers=organiser_b).status_code == 404
    used = client.post(
        f"/api/v1/events/{events[1]}/reports", json={"format": "html", "template": "house-style"}, headers=organiser_b
    )
    assert used.status_code == 422 and "house-style" not in used.json()["detail"].split("known:")[1]
    assert _names(client, admin) == ["house-style"]


def test_organisers_keep_their_own_templates_and_admins_see_all(client, db, events):
    organiser_a = token_headers(db, Role.organiser, events[0])
    everyone = token_headers(db, Role.organiser)
    admin = token_headers(db, Role.admin)
    mine = upload(client, organiser_a, "mine")
    upload(client, everyone, "theirs")
    assert _names(client, organiser_a) == ["mine"] and _names(client, everyone) == ["theirs"]
    assert _names(client, admin) == ["mine", "theirs"]
    report = client.post(
        f"/api/v1/events/{events[0]}/reports", json={"format": "html", "template": "mine"}, headers=organiser_a
    )
    assert report.status_code == 201 and report.json()["status"] == "done"
    assert client.delete(f"/api/v1/report-templates/{mine}", headers=organiser_a).status_code == 204


def test_a_template_belongs_to_the_account_whichever_of_its_tokens_uploaded_it(client, db, events):
    make_account(db, "org@example.org", Role.organiser, (events[0],))
    with db.transaction() as session:
        account = session.execute(select(Account).where(Account.email == "org@example.org")).scalar_one()
        first = create_token(session, role=Role.organiser, name="one", event_id=events[0], account_id=account.id)
        second = create_token(session, role=Role.organiser, name="two", event_id=events[0], account_id=account.id)
    upload(client, {"Authorization": f"Bearer {first}"}, "accounts")
    assert _names(client, {"Authorization": f"Bearer {second}"}) == ["accounts"]


def test_templates_from_before_owners_are_admins(client, db, events):
    with db.transaction() as session:
        session.add(ReportTemplate(name="legacy", kind=TemplateKind.html, source=SOURCE))
    assert _names(client, token_headers(db, Role.organiser)) == []
    assert _names(client, token_headers(db, Role.admin)) == ["legacy"]
