"""`convene report SLUG --format F --out FILE`: render from the database with a progress bar."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from app.core.db import Database
from app.events.service import get_event_by_ref
from app.reports.context import build_context
from app.reports.models import ReportFormat
from app.reports.render import render_isolated
from app.reports.service import choose_template


def write_report(
    database: Database, slug: str, format: ReportFormat, out: Path, *, template: str | None, console: Console
) -> int:
    """Render the event's report to ``out``; returns the number of bytes written."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("Gathering the data", total=3)
        with database.transaction(write=False) as session:
            event = get_event_by_ref(session, slug)
            choice = choose_template(session, template, format)
            context = build_context(session, event)
        progress.update(
            task,
            advance=1,
            description=f"Rendering {format.value.upper()} ({context.statistics['participants']} participants)",
        )
        content = render_isolated(format, choice, context)
        progress.update(task, advance=1, description=f"Writing {out}")
        out.write_bytes(content)
        progress.update(task, advance=1, description=f"Wrote {out} ({len(content):,} bytes)")
    return len(content)
