from django.urls import path

from . import views

app_name = "usage"

urlpatterns = [
    path("", views.BatchListView.as_view(), name="batch-list"),
    path("upload/", views.UploadView.as_view(), name="upload"),
    path("mine/", views.MyFilesView.as_view(), name="mine"),
    path("<int:pk>/status.json", views.BatchStatusView.as_view(), name="batch-status"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="batch-detail"),
    path("<int:pk>/reprocess/", views.ReprocessView.as_view(), name="reprocess"),
]
