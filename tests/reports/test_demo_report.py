"""The demo workshop's report carries the 2018 figures, computed from the data."""

from __future__ import annotations

from app.demo.loader import load_demo
from app.demo.report import generate_demo_reports
from app.reports.models import ReportStatus
from app.reports.statistics import event_statistics


def test_demo_figures_and_reports_in_every_format(db, client, organiser):
    with db.transaction() as session:
        event = load_demo(session).event
        stats = event_statistics(session, event.id)
        assert (stats.participants, stats.project_representatives, len(stats.countries)) == (32, 16, 11)
        reports = [r for r in generate_demo_reports(session, event) if r.format.value != "pdf"]
        assert all(report.status is ReportStatus.done for report in reports)
        again = generate_demo_reports(session, event)
        assert {r.id for r in reports} <= {r.id for r in again}
        html_id = next(r.id for r in reports if r.format.value == "html")
    html = client.get(f"/api/v1/reports/{html_id}/download", headers=organiser).text
    assert "In total, 32 people" in html and "13 September 2018" in html and "8-11 October 2018" in html
    assert "Dahlöf" in html and "Fernández Terreros" in html
