"""Lists are ``{"items": [...], "total": N}`` with ``limit`` and ``offset``, in every list the API returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


@dataclass(frozen=True)
class Window:
    limit: int = 50
    offset: int = 0


def paginate(session: Session, statement: Select, window: Window) -> tuple[list, int]:
    """Run ``statement`` for one window of rows and count all of them."""
    total = session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()
    rows = session.execute(statement.limit(window.limit).offset(window.offset)).scalars().all()
    return list(rows), total
