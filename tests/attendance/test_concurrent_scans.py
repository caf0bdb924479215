"""Two phones scanning one badge at the same moment, over real HTTP against a live server."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import func, select

from app.attendance.models import Checkin
from app.events.models import Event
from tests.factories import add_participant, create_agenda_session

SCANS = 8


def scan_together(url: str, payload: dict, headers: dict) -> list[int]:
    barrier = threading.Barrier(SCANS)
    statuses: list[int] = []

    def scan():
        with httpx.Client(headers=headers, timeout=30) as http:
            barrier.wait()
            statuses.append(http.post(url, json=payload).status_code)

    threads = [threading.Thread(target=scan) for _ in range(SCANS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_scans_of_one_code_leave_exactly_one_row(app_in_thread, db, event_id, checkin_staff):
    with db.transaction() as session:
        event = session.get(Event, event_id)
        code = add_participant(session, event).checkin_code
        talk_id = create_agenda_session(session, event).id
    url = f"{app_in_thread}/api/v1/events/{event_id}/checkins"

    assert sorted(scan_together(url, {"code": code}, checkin_staff)) == [200] * (SCANS - 1) + [201]
    assert sorted(scan_together(url, {"code": code, "session_id": talk_id}, checkin_staff)) == [200] * (SCANS - 1) + [
        201
    ]
    with db.transaction(write=False) as session:
        rows = session.execute(select(Checkin.session_id, func.count()).group_by(Checkin.session_id)).all()
    assert sorted(rows, key=lambda row: row[0] or 0) == [(None, 1), (talk_id, 1)]
