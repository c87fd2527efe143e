from rest_framework.routers import SimpleRouter

from .views import AdoptionViewSet, PendingVerificationViewSet, ServiceViewSet

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")
# Before "adoption": otherwise adoption/{code}/ would take "pending" for a municipality code.
router.register("adoption/pending", PendingVerificationViewSet, basename="adoption-pending")
router.register("adoption", AdoptionViewSet, basename="adoption")

urlpatterns = router.urls
