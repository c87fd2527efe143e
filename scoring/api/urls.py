from django.urls import path

from .views import IndexListView, MethodListView, ProvinceIndexListView, TargetProgressListView

urlpatterns = [
    path("index/", IndexListView.as_view(), name="index-api"),
    path("index/provinces/", ProvinceIndexListView.as_view(), name="index-provinces-api"),
    path("index/methods/", MethodListView.as_view(), name="index-methods-api"),
    path("targets/", TargetProgressListView.as_view(), name="targets-api"),
]
