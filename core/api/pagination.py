"""Page-number pagination for every list endpoint: ``?page=2&page_size=100`` →
``{"count": 240, "next": "...?page=3", "previous": "...?page=1", "results": [...]}``."""

from rest_framework.pagination import PageNumberPagination


class DefaultPagination(PageNumberPagination):
    page_query_param = "page"
    page_size_query_param = "page_size"
    max_page_size = 500
