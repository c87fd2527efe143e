from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.RegisterListView.as_view(), name="register-list"),
    # Register codes contain a slash (e.g. GRAO/NBD).
    path("<path:code>/", views.RegisterDetailView.as_view(), name="register-detail"),
]
