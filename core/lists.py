"""Server-rendered lists: one page of rows, searched and sorted as the query string asks, and the query string its
links to other pages keep.

A view hands its rows (a scoped selector's queryset, or a list) to `list_page` and puts `page` and `page_query` in
its context; the template shows the page's rows and includes `core/pagination.html`. A list that may be searched
and sorted names its fields: `q` holds the words searched for, `sort` the field to sort by (`-field` descending), and
`core/sort_header.html` makes a column's header the link that sorts by it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

Row = TypeVar("Row")

PAGE_PARAMETER = "page"
SEARCH_PARAMETER = "q"
SORT_PARAMETER = "sort"


@dataclass(frozen=True)
class SortHeader:
    """A sortable column's header: its label, the query string of the link sorting by it (ascending, or descending
    when the list is sorted ascending by it already), and the direction the list is sorted by it now, if it is."""

    label: str
    link_query: str
    direction: str  # "asc", "desc" or "" when the list is not sorted by this column


@dataclass(frozen=True)
class ListPage(Generic[Row]):
    """One page of a list, and the query string without `page` that the links to the other pages carry."""

    page: Page[Row]
    link_query: str
    search: str = ""
    sort: str = ""  # the field the rows are sorted by, `-field` for descending; "" in the rows' own order
    sort_headers: Mapping[str, SortHeader] = field(default_factory=dict)


def _field_value(row: object, name: str) -> object:
    """A row's field for a list of rows: an attribute, a key, or a path through them (`county__name`)."""
    value = row
    for part in name.split("__"):
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
    return value


def _matches(row: object, word: str, fields: Sequence[str]) -> bool:
    return any(word.casefold() in str(_field_value(row, name) or "").casefold() for name in fields)


def _searched(
    rows: QuerySet[Any, Row] | Sequence[Row], words: list[str], fields: Sequence[str]
) -> QuerySet[Any, Row] | Sequence[Row]:
    """The rows in which every word is found in one of the fields, ignoring case."""
    if isinstance(rows, QuerySet):
        for word in words:
            rows = rows.filter(reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)))
        return rows
    return [row for row in rows if all(_matches(row, word, fields) for word in words)]


def _sorted(rows: QuerySet[Any, Row] | Sequence[Row], sort: str) -> QuerySet[Any, Row] | Sequence[Row]:
    """The rows by one field, in their own order where it is equal (a list's rows without it last)."""
    if isinstance(rows, QuerySet):
        own_order = rows.query.order_by or rows.model._meta.ordering
        return rows.order_by(sort, *own_order, "pk")
    name = sort.removeprefix("-")

    def value(row: Row) -> Any:  # the values of one field compare with each other
        return _field_value(row, name)

    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    return [*sorted(present, key=value, reverse=sort.startswith("-")), *missing]


def list_page(
    request: HttpRequest,
    rows: QuerySet[Any, Row] | Sequence[Row],
    *,
    per_page: int,
    link_query: str | None = None,
    search_fields: Sequence[str] = (),
    sort_fields: Mapping[str, str] | None = None,
    default_sort: str = "",
) -> ListPage[Row]:
    """The page of `rows` the query string asks for, `per_page` rows a page.

    With `search_fields`, `q` keeps the rows in which each of its words is found in one of those fields. With
    `sort_fields` (field → the label of its column), `sort` orders the rows by one of them, `-field` descending; a
    field not named there is ignored and the rows keep `default_sort`, or their own order. A page number that is not
    a number shows the first page; one past the end shows the last. The page links keep the request's query string
    (without `page`) unless the view gives its own `link_query`, such as its checked filters.
    """
    sort_fields = sort_fields or {}
    search = request.GET.get(SEARCH_PARAMETER, "").strip() if search_fields else ""
    if search:
        rows = _searched(rows, search.split(), search_fields)
    sort = request.GET.get(SORT_PARAMETER, "")
    if sort.removeprefix("-") not in sort_fields:
        sort = default_sort
    if sort:
        rows = _sorted(rows, sort)
    page = Paginator(rows, per_page).get_page(request.GET.get(PAGE_PARAMETER))
    parameters = request.GET.copy()
    parameters.pop(PAGE_PARAMETER, None)
    if link_query is None:
        link_query = parameters.urlencode()
    headers = {}
    for name, label in sort_fields.items():
        direction = "asc" if sort == name else "desc" if sort == f"-{name}" else ""
        parameters[SORT_PARAMETER] = f"-{name}" if direction == "asc" else name
        headers[name] = SortHeader(label=label, link_query=parameters.urlencode(), direction=direction)
    return ListPage(page=page, link_query=link_query, search=search, sort=sort, sort_headers=headers)
