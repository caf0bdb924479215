"""The narrative editor, the report screen, report templates and the statistics dashboard in the console."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.core.jobs import run_due_jobs
from app.events.models import Event
from app.registration.models import RegistrationStatus
from app.registration.questions import create_question
from app.registration.schemas import QuestionCreate
from app.reports.jobs import REPORT_JOB_HANDLERS
from app.reports.models import Report, ReportStatus
from app.reports.service import read_narrative, read_session_note
from tests.console.conftest import post_form, sign_in
from tests.factories import add_participant, create_agenda_session, csrf_token


def _narrative(db, event):
    with db.transaction(write=False) as session:
        return read_narrative(session, session.get(Event, event.id))


def test_saving_one_part_keeps_the_others_and_preview_saves_nothing(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/narrative"
    saved = post_form(client, page, f"{page}/summary", {"summary": "A **good** day.", "action": "save"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{page}#summary"
    conclusions = {
        "conclusions.0.theme": "Funding",
        "conclusions.0.points": "More calls\nSimpler forms",
        "conclusions.1.theme": "",
        "conclusions.1.points": "",
        "action": "save",
    }
    assert post_form(client, page, f"{page}/conclusions", conclusions).status_code == 303
    steps = {
        "next_steps.0.date": "2030-09-01",
        "next_steps.0.title": "Follow-up webinar",
        "next_steps.0.url": "https://example.org/webinar",
        "action": "save",
    }
    assert post_form(client, page, f"{page}/next_steps", steps).status_code == 303
    narrative = _narrative(db, event)
    assert narrative.summary == "A **good** day."
    assert [(c.theme, c.points) for c in narrative.conclusions] == [("Funding", ["More calls", "Simpler forms"])]
    assert narrative.next_steps[0].title == "Follow-up webinar"

    preview = post_form(client, page, f"{page}/summary", {"summary": "Now *different*", "action": "preview"})
    assert preview.status_code == 200
    assert "<em>different</em>" in preview.text and "Now *different*</textarea>" in preview.text
    assert _narrative(db, event).summary == "A **good** day."
    # The stored text's preview is on the page from the start.
    assert "A <strong>good</strong> day." in client.get(page).text


def test_markdown_previews_are_sanitised(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/narrative"
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    preview = post_form(client, page, f"{page}/introduction", {"introduction": hostile, "action": "preview"})
    region = preview.text.split('aria-label="Preview of the introduction"')[1].split("</div>")[0]
    assert "&lt;script&gt;" in region, region  # shown as text, never run
    assert "<script" not in region and 'href="javascript' not in region and "<img" not in region, region


def test_a_bad_part_is_refused_with_its_row_and_nothing_is_saved(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/narrative"
    post_form(client, page, f"{page}/summary", {"summary": "Kept", "action": "save"})
    steps = {
        "next_steps.0.date": "2030-09-02",
        "next_steps.0.end_date": "2030-09-01",
        "next_steps.0.title": "Back in time",
        "next_steps.1.date": "",
        "next_steps.1.title": "No date",
        "action": "save",
    }
    refused = post_form(client, page, f"{page}/next_steps", steps)
    assert refused.status_code == 422
    assert "Row 1: end_date must not be before date" in refused.text
    assert "Row 2, date:" in refused.text
    assert 'value="Back in time"' in refused.text  # what was typed is still there
    narrative = _narrative(db, event)
    assert narrative.next_steps == [] and narrative.summary == "Kept"
    assert post_form(client, page, f"{page}/chapter_9", {"action": "save"}).status_code == 404


def test_session_notes_in_the_agendas_order(client, db, cast, console_event):
    event, _ = console_event
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        late = create_agenda_session(
            session,
            stored,
            title="Wrap-up",
            starts_at=stored.starts_at + timedelta(hours=6),
            ends_at=stored.starts_at + timedelta(hours=7),
        )
        early = create_agenda_session(
            session,
            stored,
            title="Welcome",
            starts_at=stored.starts_at,
            ends_at=stored.starts_at + timedelta(minutes=30),
        )
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/narrative"
    text = client.get(page).text
    assert text.index("Notes on “Welcome”") < text.index("Notes on “Wrap-up”")
    saved = post_form(
        client,
        page,
        f"{page}/sessions/{late.id}",
        {"notes": "Closing words", "key_points": "One\nTwo", "action": "save"},
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith(f"#session-{late.id}")
    post_form(client, page, f"{page}/sessions/{early.id}", {"notes": "Opening", "key_points": "", "action": "save"})
    with db.transaction(write=False) as session:
        stored = session.get(Event, event.id)
        note = read_session_note(session, stored, late.id)
        assert (note.notes, note.key_points) == ("Closing words", ["One", "Two"])
        assert read_session_note(session, stored, early.id).notes == "Opening"
    with db.transaction() as session:
        other_event_session = create_agenda_session(session, session.get(Event, console_event[1].id)).id
    assert post_form(client, page, f"{page}/sessions/{other_event_session}", {"notes": "x"}).status_code == 404


def test_the_report_screen_shows_the_figures_generates_and_lists_versions(client, db, cast, console_event):
    event, _ = console_event
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        add_participant(session, stored, country="BE")
        add_participant(session, stored, country="FR")
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/report"
    shown = client.get(page).text
    assert "Participants: <strong>2</strong>" in shown
    assert shown.count("<svg") == 2 and "Belgium" in shown and "France" in shown
    generated = post_form(client, page, page, {"template": "thematic-workshop", "format": "md"})
    assert generated.status_code == 303
    listing = client.get(page)
    assert "Generated the Markdown report" in listing.text
    assert "Organiser &lt;organiser@example.org&gt;" in listing.text  # who asked for it
    link = re.search(rf'href="({page}/\d+/download)"', listing.text).group(1)
    download = client.get(link)
    assert download.status_code == 200 and event.title in download.text
    assert download.headers["content-disposition"].endswith('-report.md"')
    refused = post_form(client, page, page, {"template": "no-such-template", "format": "pdf"})
    assert refused.status_code == 422 and "no report template named" in refused.text


def test_a_large_report_is_generated_in_the_background_with_a_self_refreshing_page(
    client, db, cast, console_event, monkeypatch
):
    monkeypatch.setattr("app.reports.service.BACKGROUND_ABOVE", 0)
    event, _ = console_event
    with db.transaction() as session:
        add_participant(session, session.get(Event, event.id))
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/report"
    queued = post_form(client, page, page, {"template": "thematic-workshop", "format": "html"})
    assert queued.status_code == 303
    waiting = client.get(page).text
    assert "in the background" in waiting
    assert '<meta http-equiv="refresh"' in waiting and "<progress" in waiting
    assert run_due_jobs(db, REPORT_JOB_HANDLERS, lease=timedelta(seconds=60)) == 1
    done = client.get(page).text
    assert '<meta http-equiv="refresh"' not in done and "/download" in done
    with db.transaction(write=False) as session:
        assert session.execute(select(Report.status)).scalar_one() is ReportStatus.done


def test_templates_uploaded_listed_chosen_and_deleted(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = "/manage/report-templates"
    broken = post_form(
        client,
        page,
        page,
        {"name": "broken", "kind": "html", "source": "<h1>{{ event.title }}</h1>\n<p>\n{% for p in participants %}\n"},
    )
    assert broken.status_code == 422
    assert "line 3" in broken.text and "<mark>   3  {% for p in participants %}</mark>" in broken.text
    uploaded = client.post(
        page,
        data={"name": "one-pager", "kind": "html", "csrf_token": _token(client, page)},
        files={"file": ("one-pager.html", b"<h1>{{ event.title }}</h1>", "text/html")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    assert "one-pager" in client.get(page).text
    report_page = f"/manage/events/{event.slug}/report"
    assert "one-pager (uploaded, HTML)" in client.get(report_page).text
    sign_in(client, cast.all_organiser)  # another organiser sees the built-in templates, not this one
    assert "one-pager" not in client.get(page).text and "thematic-workshop" in client.get(page).text
    assert "one-pager" not in client.get(report_page).text
    sign_in(client, cast.organiser)
    assert post_form(client, report_page, report_page, {"template": "one-pager", "format": "html"}).status_code == 303
    assert "Generated the Web page (HTML) report" in client.get(report_page).text
    template_id = re.search(r'action="/manage/report-templates/(\d+)/delete"', client.get(page).text).group(1)
    assert post_form(client, page, f"{page}/{template_id}/delete", {}).status_code == 303
    assert "Delete the template one-pager" not in client.get(page).text
    context = client.get(f"{page}/context")
    assert context.status_code == 200 and "<h1>The report template context</h1>" in context.text


def _token(client, page: str) -> str:
    return csrf_token(client.get(page).text)


def test_the_statistics_dashboard_draws_every_chart_with_its_table(client, db, cast, console_event):
    event, _ = console_event
    with db.transaction() as session:
        stored = session.get(Event, event.id)
        question = create_question(
            session,
            stored,
            QuestionCreate(key="diet", label="Diet", kind="single_choice", options=["None", "Vegetarian"]),
        )
        for answer in ("Vegetarian", "Vegetarian", "None"):
            add_participant(session, stored, country="NL").answers = {question.key: answer}
        add_participant(session, stored, country="DE", status=RegistrationStatus.cancelled)
        create_agenda_session(session, stored, title="Opening plenary")
    sign_in(client, cast.organiser)
    text = client.get(f"/manage/events/{event.slug}/statistics").text
    for heading in (
        "Registrations over time",
        "Registrations by status",
        "Registrations by country",
        "Registrations by type of organisation",
        "Registrations by project",
        "Attendance per session",
        "Diet",
    ):
        assert f">{heading}</h2>" in text
    assert text.count("<svg") == 7 and text.count("the figures as a table") == 7
    assert '<th scope="row">Vegetarian</th><td class="number">2</td>' in text
    assert '<th scope="row">Netherlands</th><td class="number">3</td>' in text
    assert "Germany" not in text  # a cancelled registration counts in the statuses only
    assert '<th scope="row">Cancelled</th><td class="number">1</td>' in text
