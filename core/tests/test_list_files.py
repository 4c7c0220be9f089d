"""The checks every uploaded list goes through before it is read, without the database."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.list_files import MAX_LIST_BYTES, list_upload_size_check


def test_a_list_of_twenty_megabytes_is_accepted_as_it_is():
    # given
    upload = SimpleUploadedFile("名单.xlsx", b"x" * MAX_LIST_BYTES)

    # when
    checked = list_upload_size_check(upload)

    # then
    assert checked is upload
    assert checked.size == 20 * 1024 * 1024


def test_a_list_over_twenty_megabytes_is_refused_with_the_advice_to_split_it():
    # given
    upload = SimpleUploadedFile("名单.xlsx", b"x" * (MAX_LIST_BYTES + 1))

    # when
    with pytest.raises(ValidationError) as refusal:
        list_upload_size_check(upload)

    # then
    assert refusal.value.messages == ["文件超过20MB，请按乡镇拆分后分别导入。"]
