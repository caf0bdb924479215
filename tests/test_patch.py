"""PATCH bodies: a field left out is kept, an explicit null clears a field that may be empty and is
refused, at validation and naming the field, for one that may not."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import app.main  # noqa: F401  (every schema module, through the routers)
from app.core.patch import Patch


def _all_patches(base: type = Patch) -> list[type[Patch]]:
    found = []
    for subclass in base.__subclasses__():
        found += [subclass, *_all_patches(subclass)]
    return found


NOT_NULLABLE = [(patch, name) for patch in _all_patches() for name in sorted(patch.not_nullable())]


def test_every_update_schema_is_a_patch():
    names = {patch.__name__ for patch in _all_patches()}
    assert {
        "EventUpdate",
        "SessionUpdate",
        "ProjectUpdate",
        "OrganisationUpdate",
        "PersonUpdate",
        "RegistrationUpdate",
        "QuestionUpdate",
        "GroupUpdate",
        "SettingsUpdate",
    } <= names


@pytest.mark.parametrize("patch", _all_patches(), ids=lambda patch: patch.__name__)
def test_an_update_requires_no_field(patch):
    """An update inherits its fields from the resource's base, which a create may require: each
    required one must be made optional again (`= unchanged()`)."""
    assert patch.model_validate({}).model_fields_set == set()


@pytest.mark.parametrize(("patch", "name"), NOT_NULLABLE, ids=[f"{p.__name__}.{n}" for p, n in NOT_NULLABLE])
def test_an_explicit_null_is_refused_for_a_field_that_may_not_be_empty(patch, name):
    with pytest.raises(ValidationError) as refused:
        patch.model_validate({name: None})
    assert [error["loc"] for error in refused.value.errors()] == [(name,)]
    assert "cannot be null" in refused.value.errors()[0]["msg"]


def test_patching_a_project_with_a_null_acronym_is_a_422_naming_it(client, organiser):
    project = client.post("/api/v1/projects", json={"acronym": "CLU3", "title": "Clusters"}, headers=organiser).json()
    refused = client.patch(f"/api/v1/projects/{project['id']}", json={"acronym": None}, headers=organiser)
    assert refused.status_code == 422, refused.text
    assert [error["field"] for error in refused.json()["errors"]] == ["acronym"]
    cleared = client.patch(f"/api/v1/projects/{project['id']}", json={"url": None}, headers=organiser)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["acronym"] == "CLU3"


def test_a_null_event_title_is_refused_before_reaching_the_database(client, organiser):
    event = client.post(
        "/api/v1/events",
        json={
            "slug": "patch-test",
            "title": "Patch",
            "starts_at": "2030-06-20T09:00:00+02:00",
            "ends_at": "2030-06-20T17:00:00+02:00",
            "timezone": "Europe/Brussels",
        },
        headers=organiser,
    )
    assert event.status_code == 201, event.text
    refused = client.patch(
        f"/api/v1/events/{event.json()['id']}", json={"title": None, "venue": None}, headers=organiser
    )
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["title"]


def test_patching_an_organisation_with_a_null_name_is_a_422_naming_it(client, organiser):
    created = client.post(
        "/api/v1/organisations", json={"name": "Flanders Agency", "type": "agency"}, headers=organiser
    )
    assert created.status_code == 201, created.text
    refused = client.patch(f"/api/v1/organisations/{created.json()['id']}", json={"name": None}, headers=organiser)
    assert refused.status_code == 422, refused.text
    assert [error["field"] for error in refused.json()["errors"]] == ["name"]
