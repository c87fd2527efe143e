"""Open API routes under /api/open/."""

from django.urls import path

from . import views

editions = views.EditionViewSet.as_view({"get": "list"})
edition = views.EditionViewSet.as_view({"get": "retrieve"})
municipalities = views.MunicipalityFiguresViewSet.as_view({"get": "list"})
municipality = views.MunicipalityFiguresViewSet.as_view({"get": "retrieve"})
provinces = views.ProvinceFiguresViewSet.as_view({"get": "list"})
province = views.ProvinceFiguresViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("open/editions/", editions, name="open-edition-list"),
    path("open/editions/<slug:slug>/", edition, name="open-edition-detail"),
    path("open/editions/<slug:edition_slug>/municipalities/", municipalities, name="open-municipality-list"),
    path("open/editions/<slug:edition_slug>/municipalities/<str:code>/", municipality, name="open-municipality-detail"),
    path("open/editions/<slug:edition_slug>/provinces/", provinces, name="open-province-list"),
    path("open/editions/<slug:edition_slug>/provinces/<str:code>/", province, name="open-province-detail"),
]
