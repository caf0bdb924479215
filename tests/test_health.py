import asyncio

import httpx
from fastapi.testclient import TestClient

from app.core.db import Database
from app.main import create_app
from tests.conftest import make_test_settings


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}"
    database = Database(url)
    with TestClient(create_app(make_test_settings(url), database=database)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503


def test_openapi_documents_the_organiser_api(client):
    spec = client.get("/openapi.json").json()
    assert "/api/v1/events" in spec["paths"]
    assert spec["paths"]["/api/v1/events"]["post"]["summary"] == "Create an event"


def test_a_burst_of_writes_beyond_the_thread_pool_completes(db, live_server, organiser):
    """More concurrent writes than server threads: none may wait for a lock inside a thread."""

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=live_server, headers=organiser, timeout=60) as client:
            calls = [
                client.post("/api/v1/projects", json={"acronym": f"P{i}", "title": f"Project {i}"}) for i in range(150)
            ]
            return [response.status_code for response in await asyncio.gather(*calls)]

    assert asyncio.run(burst()) == [201] * 150
