from rest_framework.routers import SimpleRouter

from .views import QueryTypeViewSet, RegisterViewSet

router = SimpleRouter()
router.register("registers", RegisterViewSet, basename="register")
router.register("query-types", QueryTypeViewSet, basename="query-type")

urlpatterns = router.urls
