from rest_framework.routers import SimpleRouter

from .views import NotificationPreferenceViewSet, NotificationViewSet

app_name = "notifications-api"

router = SimpleRouter()
router.register("preferences", NotificationPreferenceViewSet, basename="preference")
router.register("", NotificationViewSet, basename="notification")

urlpatterns = router.urls
