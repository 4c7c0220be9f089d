"""The API's pagination: a short first page carries its own count; everything else counts in the database."""

import pytest

from config.pagination import ShortFirstPagePaginator
from divisions.models import Division

pytestmark = pytest.mark.django_db


def villages(prefix: str):
    return Division.objects.filter(code__startswith=prefix, level="village").order_by("code")


def test_a_short_first_page_is_counted_from_its_rows(django_assert_num_queries):
    expected = list(villages("140621100").values_list("code", flat=True))
    assert 0 < len(expected) < 1000
    paginator = ShortFirstPagePaginator(villages("140621100"), 1000)
    with django_assert_num_queries(1):
        page = paginator.page("1")
        assert paginator.count == len(expected)
        assert paginator.num_pages == 1
        assert not page.has_next()
    assert [division.code for division in page] == expected


def test_a_full_first_page_counts_in_the_database(django_assert_num_queries):
    total = villages("140621").count()
    paginator = ShortFirstPagePaginator(villages("140621"), 5)
    with django_assert_num_queries(2):
        page = paginator.page(1)
        assert paginator.count == total
    assert [division.code for division in page] == list(villages("140621").values_list("code", flat=True)[:5])
    assert page.has_next()
    assert paginator.num_pages == -(-total // 5)


def test_later_pages_are_django_s_pages():
    codes = list(villages("140621").values_list("code", flat=True))
    page = ShortFirstPagePaginator(villages("140621"), 5).page(2)
    assert [division.code for division in page] == codes[5:10]
    assert page.paginator.count == len(codes)


def test_no_rows_is_an_empty_first_page(django_assert_num_queries):
    paginator = ShortFirstPagePaginator(villages("99"), 50)
    with django_assert_num_queries(1):
        page = paginator.page(1)
        assert paginator.count == 0
    assert list(page) == []
