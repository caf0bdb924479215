"""The statistics dashboard of one event: registrations over time (a line from their timestamps), by
status, country, type of organisation and project, attendance per session, and the answers to the
event's choice questions. Every chart is SVG drawn on the server by the report's charting, with its
figures as a table beside it."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.console.access import ManagedEvent, OrganiserViewer
from app.console.screen import ScreenDep
from app.core.deps import SessionDep, TransactionRoute
from app.reports.charts import bar_svg, line_svg
from app.reports.dashboard import event_dashboard

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


@router.get("/manage/events/{event_ref}/statistics", response_class=HTMLResponse)
def statistics_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    dashboard = event_dashboard(session, event)
    bars = {
        "status": ("Registrations by status", dashboard.by_status, "Status"),
        "country": ("Registrations by country", dashboard.by_country, "Country"),
        "organisation-type": (
            "Registrations by type of organisation",
            dashboard.by_organisation_type,
            "Type of organisation",
        ),
        "project": ("Registrations by project", dashboard.by_project, "Project"),
        "attendance": (
            "Attendance per session",
            [(item.title, item.attendance) for item in dashboard.sessions],
            "Session",
        ),
    }
    charts = [
        {
            "id": key,
            "title": title,
            "rows": rows,
            "heading": heading,
            "svg": bar_svg(title, rows, chart_id=f"chart-{key}"),
        }
        for key, (title, rows, heading) in bars.items()
    ]
    questions = [
        {
            "id": f"question-{index}",
            "title": question.label,
            "rows": question.counts,
            "heading": "Answer",
            "svg": bar_svg(question.label, question.counts, chart_id=f"chart-question-{index}"),
        }
        for index, question in enumerate(dashboard.questions, start=1)
    ]
    over_time = line_svg("Registrations over time", dashboard.over_time, chart_id="chart-over-time")
    return screen.render(
        "console/statistics.html",
        viewer=viewer,
        event=event,
        dashboard=dashboard,
        charts=charts,
        questions=questions,
        over_time=over_time,
    )
