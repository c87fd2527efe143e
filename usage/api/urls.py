from rest_framework.routers import DefaultRouter

from .views import UsageFileViewSet

router = DefaultRouter()
router.register("usage-files", UsageFileViewSet, basename="usage-file")

urlpatterns = router.urls
