from rest_framework.routers import SimpleRouter

from .views import AdoptionViewSet, ServiceViewSet

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")
router.register("adoption", AdoptionViewSet, basename="adoption")

urlpatterns = router.urls
