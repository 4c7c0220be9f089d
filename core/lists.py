"""Server-rendered lists: one page of rows, and the query string its links to other pages keep.

A view hands its rows (a scoped selector's queryset, or a list) to `list_page` and puts `page` and `page_query` in
its context; the template shows the page's rows and includes `core/pagination.html`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

Row = TypeVar("Row")

PAGE_PARAMETER = "page"


@dataclass(frozen=True)
class ListPage(Generic[Row]):
    """One page of a list, and the query string without `page` that the links to the other pages carry."""

    page: Page[Row]
    link_query: str


def list_page(
    request: HttpRequest,
    rows: QuerySet[Any, Row] | Sequence[Row],
    *,
    per_page: int,
    link_query: str | None = None,
) -> ListPage[Row]:
    """The page of `rows` the query string asks for, `per_page` rows a page.

    A page number that is not a number shows the first page; one past the end shows the last. The page links keep
    the request's query string (without `page`) unless the view gives its own `link_query`, such as its checked
    filters.
    """
    page = Paginator(rows, per_page).get_page(request.GET.get(PAGE_PARAMETER))
    if link_query is None:
        parameters = request.GET.copy()
        parameters.pop(PAGE_PARAMETER, None)
        link_query = parameters.urlencode()
    return ListPage(page=page, link_query=link_query)
