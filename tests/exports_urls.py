"""Test-only pages: the municipalities list scoped to what the user may edit, exported two ways."""

from __future__ import annotations

from django.urls import path

from egov_portal.urls import urlpatterns as portal_urlpatterns
from exports.sources import SQLSource
from municipalities.models import Municipality
from municipalities.views import MunicipalityListView


class ScopedMunicipalityListView(MunicipalityListView):
    """An officer sees (and so exports) only their own municipality; ministry staff all of them."""

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=Municipality.objects.editable_by(self.request.user).values("pk"))


class ScopedCopyListView(ScopedMunicipalityListView):
    """The same page, its export written by PostgreSQL COPY over the view's own queryset."""

    def get_export_source(self):
        rows = self.get_export_object_list().order_by("code").values_list("code", "name_bg", "population")
        return SQLSource.from_queryset(["Код", "Име", "Население"], rows)


urlpatterns = [
    path("scoped/", ScopedMunicipalityListView.as_view(), name="scoped-municipalities"),
    path("scoped-copy/<str:flag>/", ScopedCopyListView.as_view(), name="scoped-copy"),
    *portal_urlpatterns,
]
