from rest_framework.routers import DefaultRouter

from .views import MunicipalityViewSet, ProvinceViewSet

router = DefaultRouter()
router.register("provinces", ProvinceViewSet, basename="province")
router.register("municipalities", MunicipalityViewSet, basename="municipality")

urlpatterns = router.urls
