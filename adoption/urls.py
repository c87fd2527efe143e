from django.urls import path

from . import views

app_name = "adoption"

urlpatterns = [
    path("", views.AdoptionListView.as_view(), name="list"),
    path("pending/", views.PendingVerificationView.as_view(), name="pending"),
    path("mine/", views.MyMunicipalityView.as_view(), name="mine"),
    path("pending/decide/", views.PendingDecisionView.as_view(), name="pending-decide"),
    path("<str:code>/contacts/", views.ContactUpdateView.as_view(), name="contacts"),
    path("<str:code>/<slug:service>/change/", views.StageChangeView.as_view(), name="change"),
    path("<str:code>/<slug:service>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("<str:code>/<slug:service>/verify/", views.VerifyView.as_view(), name="verify"),
]
