"""The assignment of a breakout session in the console: propose (the solver, nothing told to anyone),
look at it, move people (capacity and caps checked, the reason shown when refused), lock them,
solve again around the locks, commit (which emails each participant their group) or discard; and
the printable lists per group for the facilitators (PDF).

The proposal is kept in the database by ``app/breakouts/drafts.py``, so it survives between the
requests of a browser without JavaScript.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.attendance import badges
from app.breakouts import drafts
from app.breakouts.choices import ordinal
from app.breakouts.placement import read_assignment
from app.console.access import ManagedEvent, OrganiserViewer
from app.console.breakouts import ManagedBreakout, session_base
from app.console.screen import FormDep, ScreenDep, text
from app.core.countries import country_name
from app.core.deps import SessionDep, TransactionRoute, end_request_transaction
from app.core.errors import AppError
from app.core.fields import parse_id
from app.core.templating import render_page
from app.core.timezones import in_zone
from app.events.models import Event

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


def _proposal_url(event, item) -> str:
    return session_base(event, item) + "/proposal"


def _number(form, name: str) -> int | None:
    return parse_id(text(form, name))


@router.get("/manage/events/{event_ref}/breakouts/{session_id}/proposal", response_class=HTMLResponse)
def proposal_page(
    screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, item: ManagedBreakout
):
    proposal = drafts.read_proposal(session, event, item)
    return screen.render(
        "console/breakout_proposal.html",
        viewer=viewer,
        event=event,
        item=item,
        proposal=proposal,
        base=session_base(event, item),
        ordinal=ordinal,
        country_name=country_name,
        local=lambda moment: in_zone(moment, event.timezone),
    )


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/proposal")
def propose(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    """Solve (again): a new proposal, or the current one re-solved around its locked places."""
    other = _number(form, "avoid_repeats_with_session_id")
    try:
        with session.begin_nested():
            draft = drafts.propose(session, event, item, by=viewer.principal.name, avoid_repeats_with_session_id=other)
    except AppError as error:
        return screen.redirect(session_base(event, item) + "#assignment", f"No proposal: {error.detail}.", problem=True)
    locked = drafts.locked_count(session, item)
    around = f", around {locked} locked place{'s' if locked != 1 else ''}" if locked else ""
    return screen.redirect(
        _proposal_url(event, item),
        f"Proposed an assignment{around} (made by {draft.proposed_by}). "
        "Nothing is saved for participants until you commit.",
    )


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/proposal/move")
def move(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    registration_id, group_id = _number(form, "registration_id"), _number(form, "group_id")
    if registration_id is None or group_id is None:
        return screen.redirect(_proposal_url(event, item), "Choose a person and a group to move them to.", problem=True)
    try:
        with session.begin_nested():
            name, group = drafts.move_in_draft(
                session, event, item, registration_id, group_id, lock=bool(text(form, "lock"))
            )
    except AppError as error:
        return screen.redirect(_proposal_url(event, item), f"Not moved: {error.detail}.", problem=True)
    locked = " and locked them there" if text(form, "lock") else ""
    return screen.redirect(_proposal_url(event, item), f"Moved {name} to “{group.title}”{locked}.")


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/proposal/lock")
def lock(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    registration_id = _number(form, "registration_id")
    locked = text(form, "locked") == "yes"
    try:
        with session.begin_nested():
            drafts.set_draft_lock(session, item, registration_id or 0, locked)
    except AppError as error:
        return screen.redirect(_proposal_url(event, item), f"Not changed: {error.detail}.", problem=True)
    what = "Locked: solving again keeps them in their group." if locked else "Unlocked: solving again may move them."
    return screen.redirect(_proposal_url(event, item), what)


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/proposal/commit")
def commit(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    try:
        with session.begin_nested():
            emailed = drafts.commit_draft(session, event, item)
    except AppError as error:
        return screen.redirect(_proposal_url(event, item), f"Not committed: {error.detail}.", problem=True)
    return screen.redirect(
        session_base(event, item) + "#assignment",
        f"Committed the assignment: {emailed} participant{'s' if emailed != 1 else ''} emailed "
        "their group (those whose group did not change are not emailed again).",
    )


@router.post("/manage/events/{event_ref}/breakouts/{session_id}/proposal/discard")
def discard(
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    item: ManagedBreakout,
    form: FormDep,
):
    drafts.discard_draft(session, item)
    return screen.redirect(session_base(event, item) + "#assignment", "Discarded the proposal; nothing was saved.")


def _group_lists_html(session, event: Event, item) -> str:
    assignment = read_assignment(session, event, item)
    return render_page(
        "console/breakout_lists.html",
        event=event,
        item=item,
        assignment=assignment,
        country_name=country_name,
        starts=in_zone(item.starts_at, event.timezone),
        ends=in_zone(item.ends_at, event.timezone),
    )


@router.get("/manage/events/{event_ref}/breakouts/{session_id}/lists.pdf")
async def group_lists(
    request: Request, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, item: ManagedBreakout
):
    """One page per group of the committed assignment, for its facilitator: who is in it, with a box to tick.
    The data is read, the request's transaction ended, then the PDF printed in a child process."""
    html = await anyio.to_thread.run_sync(_group_lists_html, session, event, item)
    await end_request_transaction(request)
    name = f"{event.slug}-groups-{item.id}.pdf"
    return Response(
        await anyio.to_thread.run_sync(badges.pdf_isolated, html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
