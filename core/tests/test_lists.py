"""The list helper: the page the query string asks for, the query string the page links keep, and the one
pagination partial every list includes."""

from dataclasses import dataclass

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from core.lists import list_page
from divisions.models import Division

ROWS = list(range(1, 48))  # 47 rows: pages of 20, 20 and 7


def get(query: dict[str, str]):
    return RequestFactory().get("/list/", query)


def test_the_page_the_query_string_asks_for():
    # when the second page of 47 rows is asked for, 20 a page
    listing = list_page(get({"page": "2"}), ROWS, per_page=20)
    # then it holds rows 21 to 40, of three pages
    assert list(listing.page) == list(range(21, 41))
    assert (listing.page.number, listing.page.paginator.num_pages, listing.page.paginator.count) == (2, 3, 47)


def test_no_page_number_shows_the_first_page():
    listing = list_page(get({}), ROWS, per_page=20)
    assert (listing.page.number, list(listing.page)) == (1, list(range(1, 21)))


@pytest.mark.parametrize("number", ["abc", "", "1.5", "-"])
def test_a_page_number_that_is_not_a_number_shows_the_first_page(number):
    listing = list_page(get({"page": number}), ROWS, per_page=20)
    assert listing.page.number == 1


@pytest.mark.parametrize("number", ["4", "99", "0", "-1"])
def test_a_page_number_out_of_range_shows_the_last_page(number):
    listing = list_page(get({"page": number}), ROWS, per_page=20)
    assert (listing.page.number, list(listing.page)) == (3, list(range(41, 48)))


def test_an_empty_list_has_one_empty_page():
    listing = list_page(get({"page": "2"}), [], per_page=20)
    assert (listing.page.number, list(listing.page), listing.page.has_other_pages()) == (1, [], False)


def test_the_page_links_keep_the_query_string_without_the_page_number():
    # given a list filtered by a name and a year, on its second page
    request = get({"q": "王 玉", "year": "2026", "page": "2"})
    # when the page is taken
    listing = list_page(request, ROWS, per_page=20)
    # then its links keep the filters, and only them
    assert listing.link_query == "q=%E7%8E%8B+%E7%8E%89&year=2026"


def test_the_view_may_give_the_page_links_its_own_query_string():
    listing = list_page(get({"county": "140621 ", "page": "2"}), ROWS, per_page=20, link_query="county=140621")
    assert (listing.link_query, listing.page.number) == ("county=140621", 2)


@pytest.mark.django_db
def test_a_queryset_is_paginated_in_the_database():
    # given the villages of a township in code order
    villages = Division.objects.filter(code__startswith="140621100", level="village").order_by("code")
    codes = list(villages.values_list("code", flat=True))
    # when its second page of two is taken
    listing = list_page(get({"page": "2"}), villages, per_page=2)
    # then it holds the third and fourth village
    assert [village.code for village in listing.page] == codes[2:4]
    assert listing.page.paginator.count == len(codes)


def render_pagination(query: dict[str, str], *, page_query: str | None = None) -> str:
    listing = list_page(get(query), ROWS, per_page=20)
    context = {"page": listing.page, "page_query": listing.link_query if page_query is None else page_query}
    return render_to_string("core/pagination.html", context)


def test_the_partial_links_the_pages_around_and_says_where_the_reader_is():
    html = render_pagination({"q": "王", "page": "2"})
    assert '<nav class="no-print"><ul class="pagination">' in html
    assert 'href="?q=%E7%8E%8B&amp;page=1">上一页</a>' in html
    assert '<span class="page-link">第 2 / 3 页</span>' in html
    assert 'href="?q=%E7%8E%8B&amp;page=3">下一页</a>' in html


def test_the_partial_without_a_query_string_links_the_page_number_alone():
    html = render_pagination({})
    assert 'href="?page=2">下一页</a>' in html
    assert "上一页" not in html
    assert '<span class="page-link">第 1 / 3 页</span>' in html


def test_the_partial_on_the_last_page_has_no_next_link():
    html = render_pagination({"page": "3"})
    assert 'href="?page=2">上一页</a>' in html
    assert "下一页" not in html


def test_the_partial_is_empty_for_a_list_of_one_page():
    listing = list_page(get({}), ROWS[:20], per_page=20)
    html = render_to_string("core/pagination.html", {"page": listing.page, "page_query": listing.link_query})
    assert html.strip() == ""


# --- search and sort ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    county: str
    age: int | None


PEOPLE = [
    Person("张三", "山阴县", 30),
    Person("李四", "应县", None),
    Person("王五", "山阴县", 25),
    Person("Zhao Liu", "朔城区", 41),
]
SEARCH = {"search_fields": ("name", "county"), "sort_fields": {"name": "姓名", "age": "年龄"}}


def names(listing) -> list[str]:
    return [person.name for person in listing.page]


def test_the_search_keeps_the_rows_holding_every_word_in_one_of_the_fields_ignoring_case():
    assert names(list_page(get({"q": " 山阴 "}), PEOPLE, per_page=20, **SEARCH)) == ["张三", "王五"]
    assert names(list_page(get({"q": "山阴 王"}), PEOPLE, per_page=20, **SEARCH)) == ["王五"]
    assert names(list_page(get({"q": "zhao"}), PEOPLE, per_page=20, **SEARCH)) == ["Zhao Liu"]
    assert names(list_page(get({"q": "大同"}), PEOPLE, per_page=20, **SEARCH)) == []
    assert list_page(get({"q": " 山阴 "}), PEOPLE, per_page=20, **SEARCH).search == "山阴"


def test_without_search_fields_the_query_is_not_a_search():
    listing = list_page(get({"q": "山阴"}), PEOPLE, per_page=20)
    assert (names(listing), listing.search) == (["张三", "李四", "王五", "Zhao Liu"], "")


def test_the_rows_are_sorted_by_a_named_field_ascending_or_descending_without_a_value_last():
    assert names(list_page(get({"sort": "age"}), PEOPLE, per_page=20, **SEARCH)) == ["王五", "张三", "Zhao Liu", "李四"]
    assert names(list_page(get({"sort": "-age"}), PEOPLE, per_page=20, **SEARCH)) == [
        "Zhao Liu",
        "张三",
        "王五",
        "李四",
    ]


@pytest.mark.parametrize("sort", ["county", "-county", "__class__", "age__real", "", "-"])
def test_a_sort_key_not_named_keeps_the_default_order_and_is_no_error(sort):
    listing = list_page(get({"sort": sort}), PEOPLE, per_page=20, **SEARCH, default_sort="-age")
    assert (names(listing), listing.sort) == (["Zhao Liu", "张三", "王五", "李四"], "-age")
    unsorted = list_page(get({"sort": sort}), PEOPLE, per_page=20, **SEARCH)
    assert (names(unsorted), unsorted.sort) == (["张三", "李四", "王五", "Zhao Liu"], "")


def test_the_page_links_keep_the_search_and_the_sort_and_the_headers_link_the_other_direction():
    # given a list searched and sorted by age, on its second page
    listing = list_page(get({"q": "山阴", "sort": "age", "page": "2"}), PEOPLE, per_page=1, **SEARCH)
    # then
    assert (names(listing), listing.page.number) == (["张三"], 2)
    assert listing.link_query == "q=%E5%B1%B1%E9%98%B4&sort=age"
    assert {
        name: (header.label, header.link_query, header.direction) for name, header in listing.sort_headers.items()
    } == {
        "name": ("姓名", "q=%E5%B1%B1%E9%98%B4&sort=name", ""),
        "age": ("年龄", "q=%E5%B1%B1%E9%98%B4&sort=-age", "asc"),
    }
    descending = list_page(get({"sort": "-age"}), PEOPLE, per_page=1, **SEARCH).sort_headers["age"]
    assert (descending.link_query, descending.direction) == ("sort=age", "desc")


def test_the_sort_header_partial_links_the_sort_and_marks_the_direction():
    listing = list_page(get({"q": "山阴", "sort": "age"}), PEOPLE, per_page=20, **SEARCH)
    html = render_to_string("core/sort_header.html", {"header": listing.sort_headers["age"]})
    assert html == ('<a class="link-dark text-decoration-none" href="?q=%E5%B1%B1%E9%98%B4&amp;sort=-age">年龄 ▲</a>\n')


@pytest.mark.django_db
def test_a_queryset_is_searched_and_sorted_in_the_database():
    # given the townships of 山阴县 in code order
    townships = Division.objects.filter(code__startswith="140621", level="township").order_by("code")
    towns = [township.code for township in townships if "镇" in township.name]
    # when they are searched for 镇 and sorted by code, descending
    listing = list_page(
        get({"q": "镇", "sort": "-code"}),
        townships,
        per_page=100,
        search_fields=("name",),
        sort_fields={"code": "区划代码", "name": "名称"},
    )
    # then
    assert [township.code for township in listing.page] == towns[::-1]
    assert listing.page.paginator.count == len(towns)
    assert 1 < len(towns) < townships.count()
