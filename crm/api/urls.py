"""The CRM's REST API, mounted at /api/crm/ (config/api_urls.py). Names: ``crm-api:<basename>-list`` and
``crm-api:<basename>-detail`` (+ ``crm-api:deal-move``, ``crm-api:pipeline-reorder-stages``)."""

from rest_framework.routers import SimpleRouter

from . import schema, views  # noqa: F401  (schema: the enum names of the OpenAPI document)

app_name = "crm-api"

router = SimpleRouter()
router.register("artists", views.ArtistViewSet, basename="artist")
router.register("socials", views.SocialProfileViewSet, basename="social")
router.register("audience-snapshots", views.AudienceSnapshotViewSet, basename="audience-snapshot")
router.register("sponsors", views.SponsorViewSet, basename="sponsor")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("pipelines", views.PipelineViewSet, basename="pipeline")
router.register("stages", views.StageViewSet, basename="stage")
router.register("deals", views.DealViewSet, basename="deal")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("tags", views.TagViewSet, basename="tag")
router.register("genres", views.GenreViewSet, basename="genre")

urlpatterns = router.urls
