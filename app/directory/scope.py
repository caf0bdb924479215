"""The directory as an organiser limited to chosen events sees it, like everything else.

Admins and organisers of all events see and change every person, organisation and project. An
organiser limited to chosen events sees those its events use (see ``usage``) and those it added
itself; it may add new ones, and change or delete only those no other event uses: a person on
another event's agenda, or a project of another event's registrations, is that event's too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from app.core.errors import Forbidden, NotFound
from app.core.ownership import owned_by, owns
from app.core.security import Principal
from app.directory.usage import events_using, rows_used_by


def _table(model: Any) -> str:
    return model.__tablename__


def visible(model: Any, principal: Principal | None) -> ColumnElement[bool] | None:
    """SQL restricting ``model``'s rows to those ``principal`` may see; None: no restriction."""
    if principal is None or principal.all_events or principal.event_ids is None:
        return None
    return or_(model.id.in_(rows_used_by(_table(model), principal.event_ids)), owned_by(model, principal))


def require_visible(session, row: Any, principal: Principal | None) -> Any:
    """``row``, when ``principal`` may see it; a 404 (as if absent) otherwise, so an organiser learns
    nothing of other events' people."""
    if principal is None or principal.all_events or principal.event_ids is None or owns(row, principal):
        return row
    if events_using(session, _table(row), row.id) & set(principal.event_ids):
        return row
    raise NotFound(f"no {_table(row)} with id {row.id}")


def require_changeable(session, row: Any, principal: Principal | None) -> Any:
    """``row``, when ``principal`` may change or delete it: no event other than its own uses it."""
    if principal is None or principal.all_events or principal.event_ids is None:
        return row
    require_visible(session, row, principal)
    others = events_using(session, _table(row), row.id) - set(principal.event_ids)
    if others:
        raise Forbidden(
            f"this {_table(row)} is also used by {len(others)} other event{'s' if len(others) > 1 else ''} "
            f"(on its agenda or among its registrations); only an organiser of all events may change or delete it"
        )
    return row
