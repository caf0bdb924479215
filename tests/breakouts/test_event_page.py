"""A breakout session's working groups on the public event page: under their session, escaped,
and nothing at all for an event without groups."""

from __future__ import annotations

from app.breakouts.schemas import GroupCreate
from app.breakouts.service import create_group
from app.directory.models import Person
from tests.breakouts.conftest import create_breakout
from tests.factories import create_agenda_session, create_event


def _session_block(html: str, title: str) -> str:
    """The <article> of the session with this title."""
    start = html.rindex("<article", 0, html.index(f">{title}<"))
    return html[start : html.index("</article>", start)]


def test_the_event_page_shows_each_group_under_its_breakout_session(client, db):
    with db.transaction() as session:
        event = create_event(session, slug="leuven")
        create_agenda_session(session, event, title="Opening", kind="talk")
        item = create_breakout(session, event)
        facilitator = Person(first_name="Marc", last_name="Pattinson")
        session.add(facilitator)
        session.flush()
        create_group(
            session,
            item,
            GroupCreate(
                title="Data <b>HTML</b> sharing",
                room="Room <i>A</i>",
                capacity=10,
                theme="Open <script>data</script>",
                facilitator_person_id=facilitator.id,
            ),
        )
        create_group(session, item, GroupCreate(title="Cloud services", room="Room B", capacity=10))
    page = client.get("/events/leuven")
    assert page.status_code == 200
    block = _session_block(page.text, "Working groups at 14:00")
    assert "Data &lt;b&gt;HTML&lt;/b&gt; sharing" in block and "<b>HTML</b>" not in page.text
    assert "Room &lt;i&gt;A&lt;/i&gt;" in block and "<i>A</i>" not in page.text
    assert "Open &lt;script&gt;data&lt;/script&gt;" in block and "<script>data" not in page.text
    assert "Marc Pattinson" in block
    assert "Cloud services" in block and "Room B" in block
    assert block.index("Data &lt;b&gt;") < block.index("Cloud services")
    assert 'class="groups parallel"' in block
    assert "Cloud services" not in _session_block(page.text, "Opening")


def test_an_event_without_groups_shows_no_group_block(client, db):
    with db.transaction() as session:
        event = create_event(session, slug="plain")
        create_breakout(session, event)
        other = create_breakout(session, create_event(session, slug="elsewhere"))
        create_group(session, other, GroupCreate(title="Elsewhere group", capacity=5))
    page = client.get("/events/plain")
    assert page.status_code == 200
    assert "Working groups at 14:00" in page.text
    assert 'class="groups' not in page.text and "Elsewhere group" not in page.text
    assert 'class="groups parallel"' in client.get("/events/elsewhere").text
