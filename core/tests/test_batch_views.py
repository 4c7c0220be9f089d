"""The page steps of preview → confirm batches (core.batch_views), shown on the birth list's batch."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory

from conftest import SHANYIN
from core.batch_views import action_response, batch_or_404, batch_upload_stage
from divisions.models import Division
from newborns.models import BirthImportBatch

pytestmark = pytest.mark.django_db


class UploadForm(forms.Form):
    file = forms.FileField()


def posted(files=None):
    request = RequestFactory().post("/", files or {})
    request._messages = CookieStorage(request)
    return request


def texts(request) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def refusal():
    raise ValidationError(["第一条原因。", "第二条原因。"])


def test_a_batch_outside_those_the_user_may_see_answers_404_with_the_batch_s_message(clerk):
    # given
    batch = BirthImportBatch.objects.create(
        county=Division.objects.get(code=SHANYIN), file_name="出生.xlsx", status="previewed", uploaded_by=clerk
    )
    # then
    assert batch_or_404(BirthImportBatch.objects.all(), batch.pk) == batch
    for pk in (batch.pk, None):
        with pytest.raises(Http404, match="没有找到该批次。"):
            batch_or_404(BirthImportBatch.objects.none(), pk)


def test_a_refused_action_shows_its_reasons_one_by_one_or_joined_and_goes_to_the_refused_page():
    # when
    one_by_one = posted()
    response = action_response(one_by_one, action=refusal, success_message=str, next_url="/done/")
    joined = posted()
    joined_response = action_response(
        joined, action=refusal, success_message=str, next_url="/done/", refused_url="/batch/", errors_joined=True
    )
    # then
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert texts(one_by_one) == [("error", "第一条原因。"), ("error", "第二条原因。")]
    assert (joined_response.status_code, joined_response["Location"]) == (302, "/batch/")
    assert texts(joined) == [("error", "第一条原因。；第二条原因。")]


def test_a_done_action_shows_its_message_from_what_it_returned():
    # when
    request = posted()
    response = action_response(
        request, action=lambda: 3, success_message=lambda count: f"已导入{count}人。", next_url="/done/"
    )
    # then
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert texts(request) == [("success", "已导入3人。")]


def test_an_upload_refused_whole_is_shown_as_the_form_s_file_error():
    # given
    request = posted({"file": SimpleUploadedFile("出生.doc", b"x")})
    form = UploadForm(request.POST, request.FILES)
    seen = []

    def stage(data, *, file_name, content):
        seen.append((file_name, content))
        return BirthImportBatch(file_name=file_name, file_error="只能导入 xlsx 或 csv 文件。")

    # when
    batch = batch_upload_stage(request, form, stage, file_error_on_form=True)
    # then
    assert batch is None
    assert seen == [("出生.doc", b"x")]
    assert form.errors == {"file": ["只能导入 xlsx 或 csv 文件。"]}


def test_nothing_is_staged_without_a_valid_post():
    # given a form posted without its file
    request = posted()
    # when
    batch = batch_upload_stage(request, UploadForm(request.POST, request.FILES), lambda *args, **kwargs: 1 / 0)
    # then
    assert batch is None
