"""The demo workshop's check-ins: all 32 participants arrived on 20 June 2018, 08:45 to 09:40."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from app.attendance.models import Checkin
from app.attendance.service import attendance_summary
from app.core.timezones import in_zone
from app.demo.attendance import load_attendance_demo
from app.demo.loader import load_demo


def test_demo_checks_in_all_32_participants_with_some_late(session):
    event = load_demo(session).event
    summary = attendance_summary(session, event)
    assert (summary.attended, summary.confirmed, summary.no_shows) == (32, 32, 0)
    assert 0 < summary.late_arrivals < 16
    assert len(summary.sessions) == 3 and all(0 < count <= 32 for count in summary.sessions.values())
    arrivals = session.execute(select(Checkin.checked_in_at).where(Checkin.session_id.is_(None))).scalars().all()
    local = [in_zone(at, event.timezone) for at in arrivals]
    assert {at.date().isoformat() for at in local} == {"2018-06-20"}
    assert all(time(8, 45) <= at.time() <= time(9, 40) for at in local)

    load_attendance_demo(session, event)  # a second run adds nothing
    assert attendance_summary(session, event) == summary
