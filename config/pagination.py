"""The API's page-number pagination: DRF's, without the COUNT query when the first page is the whole answer."""

from django.core.paginator import Page, Paginator
from rest_framework import pagination


class ShortFirstPagePaginator(Paginator):
    """A first page with fewer rows than a full page holds every row there is, so its length is the count. A
    window search by ID number answers one row; this spares it a second query over the registry."""

    def page(self, number: int | str) -> Page:
        if self.orphans or str(number) != "1" or "count" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # `count` is a cached_property: this is its cached value
        return Page(rows, 1, self)


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = ShortFirstPagePaginator
