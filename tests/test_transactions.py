"""The one unit of work: commit on success, roll back on any error, and the named exception to it."""

from __future__ import annotations

import inspect

import anyio
import pytest
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.core.db import Transaction, keep_after_rollback
from app.core.deps import WRITERS_AT_ONCE, SessionDep, TransactionRoute, _Turn
from app.directory.models import Organisation, OrganisationType
from app.main import create_app


def _names(db) -> list[str]:
    with db.transaction(write=False) as session:
        return sorted(session.execute(select(Organisation.name)).scalars())


def _add(name: str):
    def work(session):
        session.add(Organisation(name=name, type=OrganisationType.other))

    return work


def test_an_error_rolls_back_everything_but_what_was_kept(db):
    with pytest.raises(LookupError), db.transaction() as session:
        _add("Rolled back")(session)
        keep_after_rollback(session, _add("Kept"))
        session.flush()
        raise LookupError("refused")
    assert _names(db) == ["Kept"]


def test_kept_work_is_stored_once_with_a_commit(db):
    with db.transaction() as session:
        _add("Committed")(session)
        keep_after_rollback(session, _add("Kept"))
    assert _names(db) == ["Committed", "Kept"]
    with db.transaction(write=False) as session:
        assert session.execute(select(func.count()).select_from(Organisation)).scalar_one() == 2


def test_writes_wait_their_turn_in_the_process_and_reads_do_not(db):
    """One writer at a time on SQLite, WRITERS_AT_ONCE on PostgreSQL: more would only queue on the
    database's locks. Reads are not held back by the writers."""
    places = 1 if db.is_sqlite else WRITERS_AT_ONCE
    entered: list[str] = []

    async def scenario() -> None:
        turns = [_Turn(db, write=True) for _ in range(places + 2)]
        async with anyio.create_task_group() as tasks:
            for number, turn in enumerate(turns):

                async def take(turn=turn, number=number) -> None:
                    await turn.__aenter__()
                    entered.append(f"write {number}")

                tasks.start_soon(take)
            await anyio.wait_all_tasks_blocked()
            assert len(entered) == places
            async with _Turn(db, write=False):
                entered.append("read")
            turns[0].release()
            await anyio.wait_all_tasks_blocked()
            assert len(entered) == places + 2  # the read, and one writer more
            for turn in turns:
                turn.release()

    anyio.run(scenario)


def test_a_ready_response_ends_its_transaction_in_the_handlers_call_data_after_serialising(db, settings, monkeypatch):
    """A plain handler returning a ready response commits right after it returns, in the same worker
    thread call (no second hop); one returning data commits after FastAPI has serialised it (so a
    serialisation error rolls back), in a hop of its own."""
    ended_within_handler: list[bool] = []
    ending = Transaction.end

    def end(self, *, commit: bool) -> None:
        ended_within_handler.append(any(frame.function == "endpoint_then_end" for frame in inspect.stack()))
        ending(self, commit=commit)

    monkeypatch.setattr(Transaction, "end", end)
    router = APIRouter(route_class=TransactionRoute)

    @router.post("/ready")
    def ready(session: SessionDep) -> JSONResponse:
        session.add(Organisation(name="Ready", type=OrganisationType.other))
        return JSONResponse({"ok": True}, status_code=201)

    @router.post("/data")
    def data(session: SessionDep) -> dict:
        session.add(Organisation(name="Data", type=OrganisationType.other))
        return {"ok": True}

    app = create_app(settings, database=db)
    app.include_router(router)
    with TestClient(app) as client:
        assert client.post("/ready").status_code == 201
        assert client.post("/data").status_code == 200
    assert ended_within_handler == [True, False]
    assert _names(db) == ["Data", "Ready"]
