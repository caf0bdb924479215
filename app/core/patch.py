"""The base of every PATCH body: a field left out keeps its value, an explicit null clears a field
that may be empty, and is refused at validation (422 naming the field) for one that may not.

A field that may not be null is declared with its plain type and ``= unchanged()``; one that may
be cleared with ``X | None = None``. Services then apply ``model_dump(exclude_unset=True)``.
"""

from __future__ import annotations

import types
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


def unchanged(**options: Any) -> Any:
    """The default of a PATCH field that may not be null: left out, the stored value is kept."""
    return Field(default=None, **options)


def _admits_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


class Patch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    @cache
    def not_nullable(cls) -> frozenset[str]:
        """The fields an explicit null is refused for."""
        return frozenset(name for name, field in cls.model_fields.items() if not _admits_none(field.annotation))

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_nullable():
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value
