"""API pagination: 50 a page by default, `?page_size=` up to 1,000 for scripts."""

from typing import Any

from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's page schema, with every field described."""
        paginated = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "Number of results over all pages.",
            "next": "URL of the next page; null on the last page.",
            "previous": "URL of the previous page; null on the first page.",
            "results": "The results on this page.",
        }
        for name, description in descriptions.items():
            paginated["properties"][name]["description"] = description
        return paginated

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """DRF's page parameters, with the defaults and limits in their descriptions."""
        parameters = super().get_schema_operation_parameters(view)
        descriptions = {
            self.page_query_param: "Page number, from 1.",
            self.page_size_query_param: f"Results per page: {self.page_size} by default, at most {self.max_page_size}.",
        }
        for parameter in parameters:
            parameter["description"] = descriptions.get(parameter["name"], parameter["description"])
        return parameters
