"""Input refused at the edge (app/core/edge.py): control characters and invalid UTF-8 in JSON bodies,
form posts, query strings and paths are a 422 naming the field, with nothing written (on PostgreSQL,
NUL included: before, it was the database's error, a 500); bodies past their limit are a 413 while
they stream in, never read whole."""

from __future__ import annotations

import select
import socket
import time
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy import select as sql_select

from app.main import create_app
from app.registration.models import Registration
from tests.conftest import served_in_thread
from tests.factories import create_event, csrf_token
from tests.registration.conftest import form_fields, registration_payload

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]
PROBLEM = "application/problem+json"


@pytest.fixture
def event(db):
    with db.transaction() as session:
        return create_event(session, slug="leuven")


def registrations(db) -> int:
    with db.transaction(write=False) as session:
        return session.execute(sql_select(func.count()).select_from(Registration)).scalar_one()


def assert_refused(response, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("character", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_a_control_character_in_a_json_body_is_a_422_naming_the_field(client, db, event, character):
    response = client.post(
        f"/api/v1/events/{event.id}/registrations", json=registration_payload(first_name=f"Ada{character}")
    )
    assert_refused(response, "first_name")
    assert f"U+{ord(character):04X}" in response.json()["detail"]
    assert registrations(db) == 0


def test_nested_fields_and_keys_are_named_too(client, db, event, organiser):
    answers = client.post(
        f"/api/v1/events/{event.id}/registrations", json=registration_payload(answers={"diet": "vegan\x00"})
    )
    assert_refused(answers, "answers.diet")
    key = client.post(f"/api/v1/events/{event.id}/registrations", json=registration_payload(answers={"di\x00et": "x"}))
    assert_refused(key, "answers.di\\x00et")
    role = client.post(
        f"/api/v1/events/{event.id}/sessions",
        headers=organiser,
        json={
            "title": "Talk",
            "kind": "talk",
            "starts_at": "2030-06-20T10:00:00+02:00",
            "ends_at": "2030-06-20T11:00:00+02:00",
            "roles": [{"role": "speaker", "person": {"first_name": "Bo", "last_name": "B\x01"}}],
        },
    )
    assert_refused(role, "roles.0.person.last_name")
    assert registrations(db) == 0


def test_tab_and_line_breaks_belong_in_long_text_not_in_a_name(client, event, organiser):
    described = client.patch(
        f"/api/v1/events/{event.id}", headers=organiser, json={"description": "Morning:\tplenary\r\nAfternoon:\tgroups"}
    )
    assert described.status_code == 200, described.text
    assert described.json()["description"] == "Morning:\tplenary\r\nAfternoon:\tgroups"
    for character in "\t\n\r":
        assert_refused(
            client.patch(f"/api/v1/events/{event.id}", headers=organiser, json={"venue": f"Town{character}hall"}),
            "venue",
        )


def test_invalid_utf8_and_lone_surrogates_in_json_are_refused(client, db, event):
    body = b'{"first_name": "Ada\xff", "last_name": "P"}'
    invalid = client.post(
        f"/api/v1/events/{event.id}/registrations", content=body, headers={"content-type": "application/json"}
    )
    assert_refused(invalid, "body")
    assert "UTF-8" in invalid.json()["detail"]
    surrogate = client.post(
        f"/api/v1/events/{event.id}/registrations",
        content=b'{"first_name": "Ada\\ud800", "last_name": "P", "email": "a@example.org"}',
        headers={"content-type": "application/json"},
    )
    assert_refused(surrogate, "first_name")
    assert registrations(db) == 0


def _form_page(client) -> dict:
    return form_fields(csrf_token(client.get("/events/leuven/register").text))


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b"], ids=["NUL", "U+0001", "U+000B"])
def test_a_control_character_in_a_form_post_is_a_422_naming_the_field(client, db, event, character):
    form = _form_page(client) | {"last_name": f"Peeters{character}"}
    response = client.post("/events/leuven/register", data=form, headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "last_name" in response.text.lower() and "control character" in response.text
    assert registrations(db) == 0


def test_invalid_utf8_in_a_form_post_is_refused_not_stored_with_replacement_characters(client, db, event):
    form = _form_page(client)
    encoded = "&".join(f"{name}={value}" for name, value in form.items() if name != "first_name")
    response = client.post(
        "/events/leuven/register",
        content=(encoded + "&first_name=Ada%FF%FE").encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response, "first_name")
    assert registrations(db) == 0
    accepted = client.post("/events/leuven/register", data=form, follow_redirects=False)
    assert accepted.status_code == 303, accepted.text  # the same form, clean, goes through


def test_query_strings_and_paths_are_checked_too(client, organiser, event):
    assert_refused(client.get("/api/v1/events?q=a%00b", headers=organiser), "q")
    assert_refused(client.get("/api/v1/events?q=%C3%28", headers=organiser), "q")
    assert_refused(client.get("/api/v1/events/leuven%00"), "path")
    assert_refused(client.get("/events/leuven%01"), "path")
    assert client.get("/api/v1/events?q=Leuv%C3%A9n", headers=organiser).status_code == 200


@pytest.fixture
def small_limits(db, settings):
    limited = settings.model_copy(update={"max_body_bytes": 4096, "max_upload_bytes": 16384})
    with TestClient(create_app(limited, database=db)) as client:
        yield client


def test_bodies_and_uploads_have_their_own_limits(small_limits, db, event, organiser):
    big = registration_payload(organisation="x" * 5000)
    too_large = small_limits.post(f"/api/v1/events/{event.id}/registrations", json=big)
    assert_refused(too_large, "body", status=413)
    assert "4,096 bytes" in too_large.json()["detail"]
    csv = ("first_name,last_name,email\n" + "Ann,Peeters,ann@example.org\n" * 300).encode()  # about 9 KB
    assert 4096 < len(csv) < 16384
    imported = small_limits.post(
        f"/api/v1/events/{event.id}/registrations/import?dry_run=true",
        content=csv,
        headers={**organiser, "content-type": "text/csv"},
    )
    assert imported.status_code != 413, imported.text
    huge = small_limits.post(
        f"/api/v1/events/{event.id}/registrations/import?dry_run=true",
        content=csv * 2,
        headers={**organiser, "content-type": "text/csv"},
    )
    assert_refused(huge, "body", status=413)
    upload = small_limits.put(
        f"/api/v1/events/{event.id}/branding/logo",
        headers=organiser,
        files={"file": ("logo.png", b"\x89PNG" + b"0" * 20000, "image/png")},
    )
    assert upload.status_code == 413, upload.text
    assert registrations(db) == 0


def test_a_body_past_the_limit_is_refused_while_it_streams_in(db, settings, event):
    """50 MB announced by no Content-Length (chunked): the answer comes after a few chunks, not after 50 MB."""
    limited = settings.model_copy(update={"max_body_bytes": 64 * 1024})
    with served_in_thread(create_app(limited, database=db)) as base:
        address = urlsplit(base)
        connection = socket.create_connection((address.hostname, address.port), timeout=10)
        connection.sendall(
            f"POST /api/v1/events/{event.id}/registrations HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        chunk = b"%x\r\n%s\r\n" % (16384, b" " * 16384)
        sent, answer = 0, b""
        deadline = time.monotonic() + 30
        while sent < 50 * 1024 * 1024 and time.monotonic() < deadline:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                answer = connection.recv(65536)
                break
            try:
                connection.sendall(chunk)
            except OSError:  # the server closed the connection after answering
                break
            sent += 16384
        if not answer:
            connection.settimeout(10)
            answer = connection.recv(65536)
        connection.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 4 * 1024 * 1024
    assert registrations(db) == 0
