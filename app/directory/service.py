"""Organisations, projects and people: the directory events draw on."""

from __future__ import annotations

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.ownership import owner_values
from app.core.pagination import Window, paginate
from app.core.security import Principal
from app.directory.models import Organisation, OrganisationType, Person, Project
from app.directory.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    ProjectCreate,
    ProjectUpdate,
)
from app.directory.scope import require_changeable, require_visible, visible

# Every function taking ``principal`` answers as that caller sees the directory (see ``scope``);
# without one (the CLI, the demo, other services' own lookups) it sees all of it.

# --- organisations -------------------------------------------------------------------------


# Built once (every registration runs it): composing a SELECT and its cache key costs more than the
# lookup itself, which uses ix_organisation_lower_name.
_ORGANISATION_BY_NAME = select(Organisation).where(func.lower(Organisation.name) == bindparam("lowered"))


def find_organisation(session: Session, name: str) -> Organisation | None:
    """The organisation of that name, in any case."""
    return session.execute(_ORGANISATION_BY_NAME, {"lowered": name.strip().lower()}).scalar_one_or_none()


def get_or_create_organisation(
    session: Session, name: str, *, type: OrganisationType | None = None, country: str | None = None
) -> Organisation:
    """The organisation of that name (any case), created if new; a known type is never overwritten."""
    organisation = find_organisation(session, name)
    if organisation is None:
        organisation = Organisation(name=name.strip(), type=type or OrganisationType.other, country=country)
        session.add(organisation)
        session.flush()
    elif type is not None and organisation.type is OrganisationType.other:
        organisation.type = type
    return organisation


def create_organisation(
    session: Session, data: OrganisationCreate, *, principal: Principal | None = None
) -> Organisation:
    if find_organisation(session, data.name) is not None:
        raise Conflict(f"an organisation named {data.name!r} already exists", field="name")
    organisation = Organisation(**data.model_dump(), **owner_values(principal))
    session.add(organisation)
    session.flush()
    return organisation


def get_organisation(session: Session, organisation_id: int, *, principal: Principal | None = None) -> Organisation:
    """The organisation, as ``principal`` sees the directory (404 for one of other events only)."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation with id {organisation_id}")
    return require_visible(session, organisation, principal)


def update_organisation(
    session: Session, organisation: Organisation, data: OrganisationUpdate, *, principal: Principal | None = None
) -> Organisation:
    require_changeable(session, organisation, principal)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        other = find_organisation(session, changes["name"])
        if other is not None and other.id != organisation.id:
            raise Conflict(f"an organisation named {changes['name']!r} already exists", field="name")
    for key, value in changes.items():
        setattr(organisation, key, value)
    session.flush()
    return organisation


def list_organisations(
    session: Session,
    window: Window,
    *,
    q: str | None = None,
    type: OrganisationType | None = None,
    country: str | None = None,
    principal: Principal | None = None,
) -> tuple[list[Organisation], int]:
    statement = _seen_by(select(Organisation).order_by(Organisation.name), Organisation, principal)
    if q:
        statement = statement.where(col(Organisation.name).ilike(f"%{q}%"))
    if type:
        statement = statement.where(Organisation.type == type)
    if country:
        statement = statement.where(Organisation.country == country.upper())
    return paginate(session, statement, window)


# --- projects ------------------------------------------------------------------------------


def _acronym_taken(session: Session, acronym: str, *, except_id: int | None = None) -> bool:
    statement = select(col(Project.id)).where(func.lower(Project.acronym) == acronym.lower())
    if except_id is not None:
        statement = statement.where(col(Project.id) != except_id)
    return session.execute(statement).first() is not None


def create_project(session: Session, data: ProjectCreate, *, principal: Principal | None = None) -> Project:
    if _acronym_taken(session, data.acronym):
        raise Conflict(f"a project with acronym {data.acronym!r} already exists", field="acronym")
    project = Project(**data.model_dump(), **owner_values(principal))
    session.add(project)
    session.flush()
    return project


def get_project(session: Session, project_id: int, *, principal: Principal | None = None) -> Project:
    """The project, as ``principal`` sees the directory (404 for one of other events only)."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"no project with id {project_id}")
    return require_visible(session, project, principal)


_PROJECT_BY_ACRONYM = select(Project).where(func.lower(Project.acronym) == bindparam("lowered"))


def project_by_acronym(session: Session, acronym: str, *, field: str = "project") -> Project:
    """The project with that acronym (any case); an unknown acronym is the caller's input error."""
    project = session.execute(_PROJECT_BY_ACRONYM, {"lowered": acronym.strip().lower()}).scalar_one_or_none()
    if project is None:
        raise InvalidInput(f"no project with acronym {acronym!r}", field=field)
    return project


def update_project(
    session: Session, project: Project, data: ProjectUpdate, *, principal: Principal | None = None
) -> Project:
    require_changeable(session, project, principal)
    changes = data.model_dump(exclude_unset=True)
    if "acronym" in changes and _acronym_taken(session, changes["acronym"], except_id=project.id):
        raise Conflict(f"a project with acronym {changes['acronym']!r} already exists", field="acronym")
    for key, value in changes.items():
        setattr(project, key, value)
    session.flush()
    return project


def list_projects(
    session: Session,
    window: Window,
    *,
    q: str | None = None,
    programme: str | None = None,
    topic: str | None = None,
    principal: Principal | None = None,
) -> tuple[list[Project], int]:
    statement = _seen_by(select(Project).order_by(Project.acronym), Project, principal)
    if q:
        statement = statement.where(or_(col(Project.acronym).ilike(f"%{q}%"), col(Project.title).ilike(f"%{q}%")))
    if programme:
        statement = statement.where(Project.programme == programme)
    if topic:
        statement = statement.where(Project.topic == topic)
    return paginate(session, statement, window)


# --- people --------------------------------------------------------------------------------


def _person_values(session: Session, data: PersonCreate | PersonUpdate) -> dict:
    values = data.model_dump(exclude_unset=True)
    if "organisation" in values:
        name = values.pop("organisation")
        values["organisation_id"] = get_or_create_organisation(session, name).id if name else None
    if values.get("email"):
        values["email"] = values["email"].lower()
    return values


def create_person(session: Session, data: PersonCreate, *, principal: Principal | None = None) -> Person:
    person = Person(**_person_values(session, data), **owner_values(principal))
    session.add(person)
    session.flush()
    return person


def find_person_by_email(session: Session, email: str) -> Person | None:
    """The earliest person with this email (emails are kept lower-case)."""
    return session.execute(
        select(Person).where(col(Person.email) == email.lower()).order_by(col(Person.id)).limit(1)
    ).scalar_one_or_none()


def get_person(
    session: Session, person_id: int, *, field: str | None = None, principal: Principal | None = None
) -> Person:
    """The person, as ``principal`` sees the directory: one of other events only is as unknown as an
    id never given (a 404, or a 422 naming ``field`` when the id was sent in a body)."""
    person = session.get(Person, person_id)
    try:
        if person is None:
            raise NotFound(f"no person with id {person_id}")
        return require_visible(session, person, principal)
    except NotFound as missing:
        if field:
            raise InvalidInput(missing.detail, field=field) from None
        raise


def update_person(
    session: Session, person: Person, data: PersonUpdate, *, principal: Principal | None = None
) -> Person:
    require_changeable(session, person, principal)
    for key, value in _person_values(session, data).items():
        setattr(person, key, value)
    session.flush()
    return person


def list_people(
    session: Session, window: Window, *, q: str | None = None, principal: Principal | None = None
) -> tuple[list[Person], int]:
    statement = _seen_by(select(Person).order_by(Person.last_name, Person.first_name), Person, principal)
    if q:
        pattern = f"%{q}%"
        statement = statement.where(or_(col(Person.first_name).ilike(pattern), col(Person.last_name).ilike(pattern)))
    return paginate(session, statement, window)


def read_people(session: Session, people: list[Person]) -> list[PersonRead]:
    """People with their organisation's name, in one query for the whole list."""
    ids = {p.organisation_id for p in people if p.organisation_id}
    names: dict[int | None, str] = (
        dict(
            session.execute(
                select(col(Organisation.id), col(Organisation.name)).where(col(Organisation.id).in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    return [
        PersonRead(
            id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            job_title=p.job_title,
            organisation=names.get(p.organisation_id),
            country=p.country,
        )
        for p in people
    ]


def delete(session: Session, row: Organisation | Project | Person, *, principal: Principal | None = None) -> None:
    """Delete a directory row, if no event but ``principal``'s uses it (a 403 saying so otherwise)."""
    require_changeable(session, row, principal)
    session.delete(row)
    session.flush()


def _seen_by(statement, model, principal: Principal | None):
    restriction = visible(model, principal)
    return statement if restriction is None else statement.where(restriction)
