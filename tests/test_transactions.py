"""The one unit of work: commit on success, roll back on any error, and the named exception to it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.db import keep_after_rollback
from app.directory.models import Organisation, OrganisationType


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
