from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case-create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/close/", views.CaseCloseView.as_view(), name="case-close"),
    path("effect/", views.EffectView.as_view(), name="effect"),
    path("subscriptions/", views.SubscriptionListView.as_view(), name="subscriptions"),
    path("subscriptions/<int:pk>/toggle/", views.SubscriptionToggleView.as_view(), name="subscription-toggle"),
    path("subscriptions/<int:pk>/preview/", views.ScorecardPreviewView.as_view(), name="scorecard-preview"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
