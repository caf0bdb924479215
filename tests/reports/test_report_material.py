"""The report's parts, branding and photos through the API: what is accepted, what is refused (a 4xx
naming the field, nothing stored), and who may touch them."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from PIL import Image

from app.core.security import Role
from tests.conftest import token_headers
from tests.factories import create_agenda_session, create_event

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><rect width="40" height="20" fill="#123"/></svg>'


def picture(format: str = "PNG", size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1b4f72").save(buffer, format=format)
    return buffer.getvalue()


@pytest.fixture
def agenda(db) -> dict:
    with db.transaction() as session:
        event = create_event(session)
        at = lambda hour, minute=0: datetime(2030, 6, 20, hour, minute)  # noqa: E731
        ids = [
            create_agenda_session(session, event, title=title, kind=kind, starts_at=at(start), ends_at=at(start + 1)).id
            for title, kind, start in (
                ("Talk one", "talk", 9),
                ("Talk two", "talk", 10),
                ("Coffee", "break", 11),
                ("Panel", "panel", 12),
                ("Wrap-up", "wrap_up", 13),
            )
        ]
        other = create_event(session)
        foreign = create_agenda_session(session, other, title="Elsewhere").id
        return {"event": event.id, "other": other.id, "sessions": ids, "foreign": foreign}


def test_parts_group_consecutive_items_and_print_as_one_section(client, organiser, agenda):
    talk_one, talk_two, coffee, panel, wrap_up = agenda["sessions"]
    url = f"/api/v1/events/{agenda['event']}/report-parts"
    parts = {
        "parts": [
            {
                "title": "Morning: **talks**",
                "introduction": "Two talks, *then* a panel.",
                "key_points": ["Point **A**"],
                "session_ids": [talk_two, talk_one],
            },
            {"title": "Panel and close", "session_ids": [panel, wrap_up]},
        ]
    }
    response = client.put(url, json=parts, headers=organiser)
    assert response.status_code == 200, response.text
    assert response.json()["parts"][0]["session_ids"] == [talk_one, talk_two]  # agenda order
    assert client.get(url, headers=organiser).json() == response.json()
    client.put(
        f"/api/v1/events/{agenda['event']}/sessions/{talk_one}/notes",
        json={"notes": "Said **much**."},
        headers=organiser,
    )
    body = client.post(f"/api/v1/events/{agenda['event']}/reports", json={"format": "html"}, headers=organiser).json()
    html = client.get(body["download_url"], headers=organiser).text
    sessions = html[html.index('<section id="sessions">') : html.index('<section id="appendix-agenda"')]
    assert sessions.count('<section class="part"') == 2 and "<h3>Morning: **talks**</h3>" in sessions
    assert "<h4>Talk one</h4>" in sessions and "<h4>Talk two</h4>" in sessions and "Coffee" not in sessions
    assert "Said <strong>much</strong>." in sessions and "<strong>A</strong>" in sessions


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (lambda s, f: [s[0], s[3]], "not consecutive"),  # talk two lies between them
        (lambda s, f: [s[0], f], "no agenda item"),
    ],
)
def test_parts_refuse_gaps_and_items_of_other_events(client, organiser, agenda, ids, message):
    url = f"/api/v1/events/{agenda['event']}/report-parts"
    response = client.put(
        url,
        json={"parts": [{"title": "P", "session_ids": ids(agenda["sessions"], agenda["foreign"])}]},
        headers=organiser,
    )
    assert response.status_code == 422 and message in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "parts[0].session_ids"
    assert client.get(url, headers=organiser).json() == {"parts": []}


def test_an_item_is_in_one_part_at_most(client, organiser, agenda):
    first = agenda["sessions"][0]
    response = client.put(
        f"/api/v1/events/{agenda['event']}/report-parts",
        headers=organiser,
        json={"parts": [{"title": "A", "session_ids": [first]}, {"title": "B", "session_ids": [first]}]},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parts[1].session_ids"


def test_branding_names_colour_and_a_checked_logo(client, organiser, agenda):
    url = f"/api/v1/events/{agenda['event']}/branding"
    bad = client.put(url, json={"primary_colour": "red"}, headers=organiser)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("primary_colour")
    body = client.put(
        url, json={"organisation_name": "Platform & Co", "primary_colour": "#AA3300"}, headers=organiser
    ).json()
    assert body["primary_colour"] == "#aa3300" and body["logo_url"] is None
    patched = client.patch(url, json={"programme_name": "Programme"}, headers=organiser).json()
    assert (patched["organisation_name"], patched["programme_name"]) == ("Platform & Co", "Programme")
    for content, status in (
        (b"GIF89a not an image", 422),
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), 422),
        (SVG.replace(b"<rect", b'<image href="https://tracker.example/x.png"/><rect'), 422),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]>' + SVG, 422),
        (b"\x89PNG" + b"0" * 600_000, 413),
        (picture("JPEG"), 422),
    ):
        response = client.put(f"{url}/logo", files={"file": ("logo", content)}, headers=organiser)
        assert response.status_code == status, (content[:40], response.text)
        assert response.json()["errors"][0]["field"] == "file"
    assert client.get(url, headers=organiser).json()["logo_url"] is None
    body = client.put(f"{url}/logo", files={"file": ("logo.svg", SVG, "image/svg+xml")}, headers=organiser).json()
    assert body["logo_type"] == "image/svg+xml"
    logo = client.get(body["logo_url"], headers=organiser)
    assert logo.content == SVG and "default-src 'none'" in logo.headers["content-security-policy"]
    for format in ("html", "docx"):
        report = client.post(f"/api/v1/events/{agenda['event']}/reports", json={"format": format}, headers=organiser)
        assert report.json()["status"] == "done"
    html = client.get(
        client.post(f"/api/v1/events/{agenda['event']}/reports", json={"format": "html"}, headers=organiser).json()[
            "download_url"
        ],
        headers=organiser,
    ).text
    assert "--brand: #aa3300" in html and 'class="logo" src="data:image/svg+xml;base64,' in html
    assert "Platform &amp; Co" in html
    assert client.delete(f"{url}/logo", headers=organiser).status_code == 204
    assert client.get(f"{url}/logo", headers=organiser).status_code == 404


def test_photos_are_checked_stored_and_printed_with_their_caption(client, organiser, agenda):
    url = f"/api/v1/events/{agenda['event']}/report-images"
    talk = agenda["sessions"][0]
    for files, data, status, field in (
        ({"file": ("p.jpg", picture("JPEG"))}, {}, 422, "caption"),
        ({"file": ("p.jpg", picture("JPEG"))}, {"caption": "Plenary\x00 room"}, 422, "caption"),
        ({"file": ("p.gif", picture("GIF"))}, {"caption": "A"}, 422, "file"),
        (
            {"file": ("p.jpg", picture("JPEG"))},
            {"caption": "A", "session_id": str(agenda["foreign"])},
            422,
            "session_id",
        ),
        ({"file": ("p.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024))}, {"caption": "A"}, 413, "file"),
    ):
        response = client.post(url, files=files, data=data, headers=organiser)
        assert response.status_code == status and response.json()["errors"][0]["field"] == field, response.text
    assert client.get(url, headers=organiser).json() == []
    intro = client.post(
        url, files={"file": ("p.png", picture("PNG"))}, data={"caption": "The room <b>before</b>"}, headers=organiser
    )
    assert intro.status_code == 201 and intro.json()["session_id"] is None
    talk_photo = client.post(
        url,
        files={"file": ("p.jpg", picture("JPEG", (300, 200)))},
        data={"caption": "Speaker at the lectern", "session_id": str(talk)},
        headers=organiser,
    ).json()
    assert (talk_photo["content_type"], talk_photo["width"], talk_photo["height"]) == ("image/jpeg", 300, 200)
    assert client.get(talk_photo["url"], headers=organiser).content[:2] == b"\xff\xd8"
    body = client.post(f"/api/v1/events/{agenda['event']}/reports", json={"format": "html"}, headers=organiser).json()
    html = client.get(body["download_url"], headers=organiser).text
    assert html.count('<figure class="photo"><img src="data:image/') == 2
    assert "The room &lt;b&gt;before&lt;/b&gt;" in html and "<h3>Talk one</h3>" in html
    for format in ("pdf", "docx", "md"):
        report = client.post(f"/api/v1/events/{agenda['event']}/reports", json={"format": format}, headers=organiser)
        assert report.json()["status"] == "done", report.text
    assert client.delete(f"{url}/{talk_photo['id']}", headers=organiser).status_code == 204
    assert len(client.get(url, headers=organiser).json()) == 1


def test_another_events_organiser_cannot_touch_them(client, db, agenda):
    limited = token_headers(db, Role.organiser, event_id=agenda["other"])
    event = agenda["event"]
    for method, path, kwargs in (
        ("GET", f"/api/v1/events/{event}/report-parts", {}),
        ("PUT", f"/api/v1/events/{event}/report-parts", {"json": {"parts": []}}),
        ("PUT", f"/api/v1/events/{event}/branding", {"json": {}}),
        ("PUT", f"/api/v1/events/{event}/branding/logo", {"files": {"file": ("l.svg", SVG)}}),
        (
            "POST",
            f"/api/v1/events/{event}/report-images",
            {"files": {"file": ("p.png", picture())}, "data": {"caption": "x"}},
        ),
        ("GET", f"/api/v1/events/{event}/report-images", {}),
    ):
        assert client.request(method, path, headers=limited, **kwargs).status_code == 403, (method, path)
