"""Rendering holds nothing: a report (or badges) is rendered after the request's transaction has
ended, in a child process with a deadline and a memory limit. Public registrations posted while a
heavy report renders are answered at once, on SQLite (one writer) as on PostgreSQL."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from app.core.isolation import RenderStopped, run_isolated
from app.main import create_app
from tests.conftest import served_in_thread
from tests.factories import create_event
from tests.registration.conftest import registration_payload
from tests.reports import isolated_work

# A template whose Jinja step alone keeps a core busy for seconds (about five here; an empty loop would
# not, Jinja runs it as a bare Python loop), then a PDF of it.
HEAVY = (
    "<h1>{{ event.title }}</h1>{% for a in range(2000) %}{% for b in range(1000) %}"
    "{% if loop.index is odd %}{% endif %}{% endfor %}{% endfor %}"
    "{% for i in range(300) %}<p>{{ event.title }} {{ i }}</p>{% endfor %}"
)


def test_a_child_returns_its_result_and_raises_its_error_here():
    assert run_isolated(isolated_work.allocate, 10) == 10 * 2**20
    with pytest.raises(LookupError, match="the child's own error"):
        run_isolated(isolated_work.fail)


def test_a_child_past_its_deadline_is_stopped():
    started = time.monotonic()
    with pytest.raises(RenderStopped, match="longer than 0.5 s"):
        run_isolated(isolated_work.sleep, 30, seconds=0.5)
    assert time.monotonic() - started < 10


def test_a_child_past_its_memory_limit_is_stopped():
    with pytest.raises(RenderStopped, match="more than 600 MB of memory"):
        run_isolated(isolated_work.allocate, 800, memory=600 * 2**20)


def _timed_registration(http: httpx.Client, event_id: int) -> float:
    started = time.monotonic()
    response = http.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload())
    assert response.status_code == 201, response.text
    return time.monotonic() - started


def test_registrations_are_answered_while_a_heavy_report_renders(db, settings, organiser):
    with db.transaction() as session:
        event_id = create_event(session, capacity=None).id
    with served_in_thread(create_app(settings, database=db)) as base, httpx.Client(base_url=base, timeout=120) as http:
        upload = http.post(
            "/api/v1/report-templates", headers=organiser, json={"name": "heavy", "kind": "html", "source": HEAVY}
        )
        assert upload.status_code == 201, upload.text
        # The same machine's pace without a render, for loaded machines: the bound is one second, or
        # three times the slowest of these if even they took longer.
        before = [_timed_registration(http, event_id) for _ in range(3)]
        outcome: dict = {}

        def generate() -> None:
            started = time.monotonic()
            outcome["response"] = http.post(
                f"/api/v1/events/{event_id}/reports", headers=organiser, json={"format": "pdf", "template": "heavy"}
            )
            outcome["seconds"] = time.monotonic() - started

        render = threading.Thread(target=generate)
        render.start()
        time.sleep(0.5)  # the request has read its data and handed the render to a child
        during = []
        while render.is_alive() and len(during) < 20:
            during.append(_timed_registration(http, event_id))
            time.sleep(0.1)
        render.join(180)
    response = outcome["response"]
    assert response.status_code == 201 and response.json()["status"] == "done", response.text
    assert outcome["seconds"] > 2, "the report was not heavy enough to prove anything"
    assert len(during) >= 3, f"only {len(during)} registrations were posted during the render"
    limit = max(1.0, 3 * max(before))
    assert max(during) < limit, f"registrations took {[round(s, 2) for s in during]} s during the render"


def test_a_report_that_runs_too_long_fails_with_the_reason_and_leaves_the_service_free(
    client, organiser, db, monkeypatch
):
    monkeypatch.setattr("app.reports.render.RENDER_SECONDS", 1.0)
    with db.transaction() as session:
        event_id = create_event(session).id
    client.post("/api/v1/report-templates", headers=organiser, json={"name": "heavy", "kind": "html", "source": HEAVY})
    response = client.post(
        f"/api/v1/events/{event_id}/reports", headers=organiser, json={"format": "pdf", "template": "heavy"}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert "took longer than 1 s and was stopped" in response.json()["error"]
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=registration_payload()).status_code == 201
