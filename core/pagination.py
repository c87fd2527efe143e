"""API pagination: 50 a page by default, `?page_size=` up to 1,000 for scripts."""

from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
