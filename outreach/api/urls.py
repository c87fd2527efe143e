from django.urls import path

from .views import CaseListView, DeliveryListView, EffectView

urlpatterns = [
    path("outreach/cases/", CaseListView.as_view(), name="outreach-cases-api"),
    path("outreach/deliveries/", DeliveryListView.as_view(), name="outreach-deliveries-api"),
    path("outreach/effect/", EffectView.as_view(), name="outreach-effect-api"),
]
