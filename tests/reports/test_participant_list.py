"""Appendix B: a table for a workshop, one line per person for a conference-sized list."""

from __future__ import annotations

import dataclasses

from app.registration.models import Publication
from app.reports.context import build_context
from app.reports.models import ReportFormat
from app.reports.render import render_report
from app.reports.render.text import TemplateChoice
from tests.factories import add_participant, create_event


def _html(session, event, **overrides) -> str:
    context = dataclasses.replace(build_context(session, event), **overrides)
    return render_report(ReportFormat.html, TemplateChoice("thematic-workshop"), context).decode()


def test_a_long_list_is_one_escaped_line_per_consenting_person(session):
    event = create_event(session)
    for n in range(30):
        add_participant(session, event, first_name=f"Zoë{n:02}", last_name=f"<b>Müller{n:02}</b>")
    add_participant(session, event, first_name="Hidden", publication=Publication.nobody)

    table = _html(session, event)
    assert '<table class="participants">' in table and '<div class="compact-list">' not in table

    compact = _html(session, event, compact_list_above=10)
    listing = compact[compact.index('<div class="compact-list">') :]
    listing = listing[: listing.index("</div>")]
    lines = [line for line in listing.replace("<p>", "\n").replace("</p>", "\n").splitlines() if "·" in line]
    assert len(lines) == 30 and listing.count("<p>") == 2  # 25 lines to a paragraph
    assert lines[0].strip() == "&lt;b&gt;Müller00&lt;/b&gt;, Zoë00 · Leuven Cluster · N/A · Belgium"
    assert "Hidden" not in compact and "1 more took part without being named" in compact
