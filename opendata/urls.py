"""The open site's addresses (mounted at /open/)."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.edition_page, name="home"),
    path("editions/", views.editions_list, name="editions"),
    path("editions/<slug:edition>/", views.edition_page, name="edition"),
    path("editions/<slug:edition>/map.svg", views.map_svg, name="map-svg"),
    path("editions/<slug:edition>/trend.csv", views.trend_csv, name="trend-csv"),
    path("editions/<slug:edition>/data.<str:fmt>", views.download, name="download"),
    path("editions/<slug:edition>/municipalities/", views.municipality_list, name="municipalities"),
    path("editions/<slug:edition>/municipalities/<str:code>/", views.municipality_page, name="municipality"),
    path("editions/<slug:edition>/provinces/<str:code>/", views.province_page, name="province"),
    path("data-dictionary/", views.dictionary_page, name="dictionary"),
    path("data-dictionary.json", views.dictionary_json, name="dictionary-json"),
    path("catalog.<str:fmt>", views.catalog, name="catalog"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("embed/<str:code>/", views.embed, name="embed"),
    path("embed/<str:code>.svg", views.badge, name="badge"),
    path("manage/", views.manage, name="manage"),
    path("manage/issue/", views.issue, name="issue"),
]
