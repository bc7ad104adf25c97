"""Cursor pagination for every list: stable under inserts, no COUNT(*) over big tables."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Newest first by primary key unless a viewset names its own ``ordering``."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
