"""``/docs`` works offline: a real browser, every request to another host blocked, sees the operations."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.main import create_app
from tests.browser import chromium
from tests.conftest import served_in_thread


def test_docs_page_names_only_local_assets_and_they_are_served(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text and "https://" not in page.text
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/swagger-ui.css").headers["content-type"].startswith("text/css")


@pytest.mark.browser
def test_docs_list_the_operations_with_the_network_blocked(backend_url, db, settings):
    if not backend_url.startswith("sqlite"):
        pytest.skip("the documentation page does not depend on the database; once is enough")
    blocked: list[str] = []

    def only_localhost(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with served_in_thread(create_app(settings, database=db)) as base, chromium() as browser:
        page = browser.new_page()
        page.route("**/*", only_localhost)
        page.goto(f"{base}/docs")
        page.get_by_role("heading", name="Convene").wait_for(timeout=15_000)
        operations = page.get_by_text("Create an event")
        operations.first.wait_for()
        assert operations.first.is_visible()
        assert page.get_by_text("List events", exact=True).is_visible()
    assert blocked == []


def test_every_operation_is_in_a_documented_section_in_order(client):
    document = client.get("/openapi.json").json()
    sections = [tag["name"] for tag in document["tags"]]
    used = {
        tag
        for operations in document["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", [])
    }
    assert used <= set(sections), f"sections without a place in API_TAGS: {sorted(used - set(sections))}"
    assert sections.index("events") < sections.index("registrations") < sections.index("reports")
