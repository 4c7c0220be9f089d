import importlib
import pkgutil

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.personal_data import id_number_on_page
from core.serializers import FieldsBuiltOnce
from enrollment.serializers import ResidentCreatedSerializer, ResidentSerializer
from tests.test_app_dependencies import project_apps


def project_serializer_classes() -> list[type[serializers.BaseSerializer]]:
    """Every serializer class defined in the project's own apps, once all their modules are imported."""
    apps = project_apps()
    for app in apps:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".tests" not in module.name and ".migrations" not in module.name:
                importlib.import_module(module.name)
    found: list[type[serializers.BaseSerializer]] = []
    pending: list[type[serializers.BaseSerializer]] = [serializers.BaseSerializer]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in apps:
            found.append(cls)
    return found


def test_every_serializer_of_the_project_builds_its_fields_once():
    classes = project_serializer_classes()
    assert len(classes) >= 60
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, FieldsBuiltOnce)] == []


def test_a_serializer_class_builds_its_model_fields_for_its_first_instance_only(monkeypatch):
    # given a class that has not built its fields yet
    monkeypatch.delattr(ResidentSerializer, "_fields_built_once", raising=False)
    built = []
    build_field = ResidentSerializer.build_field

    def build_field_counted(self, name, *rest):
        built.append(name)
        return build_field(self, name, *rest)

    monkeypatch.setattr(ResidentSerializer, "build_field", build_field_counted)
    # when three instances take their fields
    names = [list(ResidentSerializer().fields) for _ in range(3)]
    # then the model's own columns were built once, and every instance has all its fields
    assert built == ["name", "gender", "birth_date", "status"]
    assert names == [ResidentSerializer.Meta.fields] * 3


@pytest.mark.django_db
def test_each_instance_binds_its_own_copies_and_answers_by_its_own_context(clerk, yujing_resident):
    # given a clerk's request, who may see full ID numbers, and no request at all
    request = Request(APIRequestFactory().get("/api/v1/residents/"))
    request.user = clerk
    for first_with_request in (True, False):
        shown = ResidentCreatedSerializer(yujing_resident, context={"request": request})
        masked = ResidentCreatedSerializer(yujing_resident)
        # when the two answer, in one order and then in the other
        if first_with_request:
            shown_answer, masked_answer = shown.data, masked.data
        else:
            masked_answer, shown_answer = masked.data, shown.data
        # then each answers by its own context
        assert shown_answer["id_number"] == yujing_resident.id_number
        assert masked_answer["id_number"] == id_number_on_page(yujing_resident.id_number)
        # and each field, a list's child too, is bound to its own serializer
        for serializer in (shown, masked):
            assert serializer.fields["id_number"].parent is serializer
            warnings = serializer.fields["warnings"]
            assert (warnings.parent, warnings.child.parent) == (serializer, warnings)
        assert shown.fields["id_number"] is not masked.fields["id_number"]
