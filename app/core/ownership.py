"""Rows that belong to whoever created them: uploaded report templates, and the people, organisations
and projects an organiser adds to the directory.

The owner is an account (the signed-in account, or the account that created the API token used);
a token made with the CLI belongs to no account, so the token itself is the owner. A row with
neither was made before owners were recorded, or by the system (the demo, an import): it counts as
an admin's.
"""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import Column, ColumnElement, ForeignKey, Integer, and_, false, or_
from sqlmodel import Field

from app.core.security import Principal


def owner_account_field() -> Any:
    """The owning account; the row becomes an admin's if the account is deleted."""
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("account.id", ondelete="SET NULL"), nullable=True, index=True),
    )


def owner_token_field() -> Any:
    """The owning token, when it belongs to no account (made with the CLI)."""
    return Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("api_token.id", ondelete="SET NULL"), nullable=True, index=True),
    )


class OwnerValues(TypedDict):
    owner_account_id: int | None
    owner_token_id: int | None


def owner_values(principal: Principal | None) -> OwnerValues:
    """The owner columns of a row ``principal`` creates (none for the system)."""
    if principal is None:
        return {"owner_account_id": None, "owner_token_id": None}
    if principal.owner_account_id is not None:
        return {"owner_account_id": principal.owner_account_id, "owner_token_id": None}
    return {"owner_account_id": None, "owner_token_id": principal.token_id}


def owned_by(model: Any, principal: Principal) -> ColumnElement[bool]:
    """SQL: the rows of ``model`` that belong to ``principal``."""
    clauses = []
    if principal.owner_account_id is not None:
        clauses.append(model.owner_account_id == principal.owner_account_id)
    elif principal.token_id is not None:
        clauses.append(and_(model.owner_account_id.is_(None), model.owner_token_id == principal.token_id))
    return or_(*clauses) if clauses else false()


def owns(row: Any, principal: Principal) -> bool:
    """The same test as :func:`owned_by`, for a row already loaded."""
    if principal.owner_account_id is not None:
        return row.owner_account_id == principal.owner_account_id
    return principal.token_id is not None and row.owner_account_id is None and row.owner_token_id == principal.token_id
