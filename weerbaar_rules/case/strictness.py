"""Exact types for case facts: no "12" or true where a number is meant, no 12.0 for a count, no datetime for a date.

pydantic's lax mode converts such values silently, and a converted fact is a
fact nobody wrote: `"aantal_planten": true` would count one plant. Its strict
mode would also refuse the ISO date strings and enum names that a JSON case
file is made of, so the check lives in one `before` validator that the case
model's base class applies to every field (also to fields added later):
numbers must be JSON numbers, booleans JSON booleans, dates `JJJJ-MM-DD`
strings or `date` objects (pydantic reads a number as a Unix time); everything else is left to pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationInfo
from pydantic_core import PydanticCustomError

_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_CHECKED = (bool, int, float, str, dt.date, dt.datetime)


def _kinds(annotation: Any) -> frozenset[type]:
    """The plain types a field accepts, looking through Optional, unions and Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kinds(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return frozenset().union(*(_kinds(arg) for arg in typing.get_args(annotation)))
    if annotation is bool:
        return frozenset({bool})
    if isinstance(annotation, type):
        return frozenset(kind for kind in _CHECKED if issubclass(annotation, kind) and (kind is not str or annotation is str))
    return frozenset()


_CACHE: dict[tuple[type, str], frozenset[type]] = {}


def _refuse(value: Any, kinds: frozenset[type]) -> PydanticCustomError | None:
    if isinstance(value, bool):
        if bool not in kinds and (int in kinds or float in kinds):
            return PydanticCustomError("int_type" if float not in kinds else "float_type", "Input should be a number, not a boolean")
        return None
    if isinstance(value, str):
        if str in kinds:
            return None
        if int in kinds or float in kinds:
            return PydanticCustomError("int_type" if float not in kinds else "float_type", "Input should be a number, not text")
        if bool in kinds:
            return PydanticCustomError("bool_type", "Input should be a boolean, not text")
        if dt.date in kinds and not _DATE_TEXT.match(value):
            return PydanticCustomError("date_type", "Input should be a date YYYY-MM-DD")
        return None
    if isinstance(value, (int, float)) and dt.date in kinds and int not in kinds and float not in kinds:
        return PydanticCustomError("date_type", "Input should be a date YYYY-MM-DD, not a number")
    if isinstance(value, float) and int in kinds and float not in kinds:
        return PydanticCustomError("int_type", "Input should be a whole number")
    if isinstance(value, int) and bool in kinds and int not in kinds and float not in kinds:
        return PydanticCustomError("bool_type", "Input should be a boolean, not a number")
    if isinstance(value, dt.datetime) and dt.date in kinds and dt.datetime not in kinds:
        return PydanticCustomError("date_type", "Input should be a date, not a date and time")
    return None


def exact_types(cls: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """`field_validator("*", mode="before")`: refuse the conversions listed in the module docstring."""
    name = info.field_name
    if value is None or name is None:
        return value
    key = (cls, name)
    kinds = _CACHE.get(key)
    if kinds is None:
        kinds = _CACHE[key] = _kinds(cls.model_fields[name].annotation)
    if not kinds:
        return value
    error = _refuse(value, kinds)
    if error is not None:
        raise error
    return value
