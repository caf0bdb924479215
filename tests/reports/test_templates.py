"""Organisers' own templates: checked on upload, rendered in the sandbox, errors with their line."""

from __future__ import annotations

import pytest

from app.reports.render.pdf import _fetcher
from tests.factories import add_participant, create_event


@pytest.fixture
def event_id(db) -> int:
    with db.transaction() as session:
        event = create_event(session, title="Leuven & friends")
        add_participant(session, event, first_name="Émile", last_name="<Zola>")
        return event.id


def upload(client, organiser, name, source, kind="html"):
    return client.post(
        "/api/v1/report-templates", json={"name": name, "kind": kind, "source": source}, headers=organiser
    )


def report(client, organiser, event_id, template, format="html"):
    response = client.post(
        f"/api/v1/events/{event_id}/reports", json={"format": format, "template": template}, headers=organiser
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_syntax_error_is_refused_with_its_line(client, organiser):
    response = upload(client, organiser, "broken", "<h1>{{ event.title }}</h1>\n<p>\n{% for p in participants %}\n")
    assert response.status_code == 422
    assert response.json()["line"] == 3 and "line 3" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "source"


def test_an_uploaded_template_renders_the_documented_context_escaped(client, organiser, event_id):
    source = (
        "<h1>{{ event.title }}</h1><p>{{ statistics.participants }} participants</p>"
        "{% for p in participants %}<li>{{ p.first_name }} {{ p.last_name }}</li>{% endfor %}"
    )
    assert upload(client, organiser, "mine", source).status_code == 201
    body = report(client, organiser, event_id, "mine")
    html = client.get(body["download_url"], headers=organiser).text
    assert html == "<h1>Leuven &amp; friends</h1><p>1 participants</p><li>Émile &lt;Zola&gt;</li>"
    pdf = report(client, organiser, event_id, "mine", format="pdf")
    assert pdf["status"] == "done"
    assert upload(client, organiser, "mine", source).status_code == 409
    assert upload(client, organiser, "thematic-workshop", source).status_code == 409


def test_a_template_must_match_the_format(client, organiser, event_id):
    upload(client, organiser, "notes-md", "# {{ event.title|md }}", kind="md")
    assert report(client, organiser, event_id, "notes-md", format="md")["status"] == "done"
    for format in ("html", "docx"):
        response = client.post(
            f"/api/v1/events/{event_id}/reports", json={"format": format, "template": "notes-md"}, headers=organiser
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "template"


def test_a_render_error_fails_the_report_naming_the_line(client, organiser, event_id):
    upload(client, organiser, "typo", "<p>ok</p>\n<p>{{ event.titel }}</p>")
    body = report(client, organiser, event_id, "typo")
    assert body["status"] == "failed" and "line 2" in body["error"] and "titel" in body["error"]


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% include '/etc/passwd' %}",
        "{{ participants.append(1) }}",
    ],
)
def test_the_sandbox_refuses_escapes_files_and_changes(client, organiser, event_id, source):
    upload(client, organiser, "evil", source)
    body = report(client, organiser, event_id, "evil")
    assert body["status"] == "failed" and body["error"]


def test_a_template_that_runs_too_long_is_stopped(client, organiser, event_id, monkeypatch):
    monkeypatch.setattr("app.reports.render.RENDER_SECONDS", 1.5)
    upload(
        client, organiser, "forever", "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    )
    body = report(client, organiser, event_id, "forever")
    assert body["status"] == "failed" and "longer than 1.5 s" in body["error"]


def test_the_pdf_renderer_fetches_data_uris_but_never_files_or_the_network():
    fetcher = _fetcher()
    assert fetcher("data:text/plain,hello").read() == b"hello"
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png"):
        with pytest.raises(ValueError):
            fetcher(url)
