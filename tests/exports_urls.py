"""Test-only pages: the municipalities list scoped to what the user may edit, exported two ways.

Each page registers its export source as a product page does (in its app's exports.py).
"""

from __future__ import annotations

from django.urls import path

import exports
from egov_portal.urls import urlpatterns as portal_urlpatterns
from municipalities.exports import MunicipalityListExport
from municipalities.models import Municipality
from municipalities.views import MunicipalityListView


def editable(queryset, user):
    """An officer sees (and so exports) only their own municipality; ministry staff all of them."""
    return queryset.filter(pk__in=Municipality.objects.editable_by(user).values("pk"))


class ScopedMunicipalityListView(MunicipalityListView):
    def get_queryset(self):
        return editable(super().get_queryset(), self.request.user)


@exports.register
class ScopedMunicipalityExport(MunicipalityListExport):
    page = "scoped-municipalities"

    def get_queryset(self):
        return editable(super().get_queryset(), self.user)


@exports.register
class ScopedCopyExport(exports.QueryExport):
    """The same rows, written by PostgreSQL COPY over the scoped, filtered queryset."""

    page = "scoped-copy"
    login_required = False
    columns = [("Код", "code"), ("Име", "name_bg"), ("Население", "population")]

    def get_queryset(self):
        source = ScopedMunicipalityExport(self.user, self.params)
        return source.get_table_data().order_by("code")


urlpatterns = [
    path("scoped/", ScopedMunicipalityListView.as_view(), name="scoped-municipalities"),
    path("scoped-copy/<str:flag>/", ScopedMunicipalityListView.as_view(), name="scoped-copy"),
    *portal_urlpatterns,
]
