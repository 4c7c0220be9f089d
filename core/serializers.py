"""The bases of the project's API serializers: DRF's, with each class's fields built once.

DRF builds a serializer's fields again for every instance: a ModelSerializer reads its model and creates a field
object for each column, and every declared field is deep-copied, which runs its constructor again. Each API answer
pays that for every serializer it uses: 0.3 ms of CPU for a resident, 0.8 ms for an enrollment, against about
4 ms for a whole window search (BENCHMARKS.md). Here a class builds its fields on its first instance and keeps them
unbound; each instance takes a copy of each, which DRF then binds to it as it binds its own.
"""

import copy
from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field

AnyField = Field[Any, Any, Any, Any]


class FieldsBuiltOnce:
    """A serializer whose class builds its fields once (see the module). Only for fields that depend on the class
    alone, as DRF's own do: a serializer that chose its fields by its context or instance would override
    `get_fields`, and none does."""

    def get_fields(self) -> dict[str, AnyField]:
        built = type(self).__dict__.get("_fields_built_once")  # the class's own, never a parent's
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            type(self)._fields_built_once = built  # type: ignore[attr-defined]
        return {name: field_copy(field) for name, field in built.items()}


def field_copy(field: AnyField) -> AnyField:
    """A copy of an unbound field for one serializer instance. A field that holds fields of its own (a list's
    child, a nested serializer, a many-related field's relation) binds them to itself when it is built, so it is
    copied as DRF copies it, by building it again; any other is copied attribute by attribute, its validators in a
    list of its own. What the copies share (choices, a queryset, error messages) DRF only reads: a field's queryset
    is cloned before each use (RelatedField.get_queryset)."""
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation"):
        return copy.deepcopy(field)
    copied = copy.copy(field)
    if "_validators" in field.__dict__:
        copied._validators = list(field._validators)  # type: ignore[attr-defined]
    return copied


class Serializer(FieldsBuiltOnce, serializers.Serializer[Any]):
    pass


class ModelSerializer(FieldsBuiltOnce, serializers.ModelSerializer[Any]):
    pass
