"""The background job that generates a large event's report (registered in app/worker.py)."""

from __future__ import annotations

from app.reports.service import JOB_KIND, run_report_job

REPORT_JOB_HANDLERS = {JOB_KIND: run_report_job}
