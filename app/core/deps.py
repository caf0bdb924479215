"""FastAPI dependencies shared by every router: the request's session and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import Database
from app.core.pagination import MAX_LIMIT, Window
from app.core.security import Principal, authenticate

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
_bearer = HTTPBearer(auto_error=False, description="An API token from `convene token create`")


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_settings_from_app(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed before the response is sent, rolled back on error."""
    database: Database = request.app.state.database
    with database.transaction(write=request.method not in _READ_METHODS) as session:
        yield session


# scope="function": the commit happens when the handler returns, so a failed commit is the
# client's error response and a 201 is only ever sent for data that is really stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]


def get_principal(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    return authenticate(session, credentials.credentials if credentials else None)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_window(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many items to return")] = 50,
    offset: Annotated[int, Query(ge=0, description="how many items to skip")] = 0,
) -> Window:
    return Window(limit=limit, offset=offset)


WindowDep = Annotated[Window, Depends(get_window)]
