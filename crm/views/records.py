"""The CRM's record pages: artist, sponsor, contact, deal and campaign pages and forms, the timeline quick-add,
and the pipeline settings (stage editor). The views live in ``records_*.py`` beside this file."""

from django.urls import path

from . import records_artists as artists
from . import records_deals as deals
from . import records_orgs as orgs
from . import records_pipelines as pipelines
from . import records_timeline as timeline

urlpatterns = [
    # artists
    path("artists/new/", artists.artist_create, name="artist-create"),
    path("artists/<int:pk>/", artists.artist_detail, name="artist-detail"),
    path("artists/<int:pk>/edit/", artists.artist_edit, name="artist-edit"),
    path("artists/<int:pk>/delete/", artists.artist_delete, name="artist-delete"),
    path("artists/<int:pk>/photo/", artists.artist_photo, name="artist-photo"),
    path("artists/<int:pk>/audience/", artists.artist_snapshot_create, name="artist-snapshot-create"),
    # sponsors and contacts
    path("sponsors/new/", orgs.sponsor_create, name="sponsor-create"),
    path("sponsors/<int:pk>/", orgs.sponsor_detail, name="sponsor-detail"),
    path("sponsors/<int:pk>/edit/", orgs.sponsor_edit, name="sponsor-edit"),
    path("sponsors/<int:pk>/delete/", orgs.sponsor_delete, name="sponsor-delete"),
    path("contacts/new/", orgs.contact_create, name="contact-create"),
    path("contacts/<int:pk>/", orgs.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/edit/", orgs.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", orgs.contact_delete, name="contact-delete"),
    # deals and campaigns
    path("deals/new/", deals.deal_create, name="deal-create"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/edit/", deals.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/delete/", deals.deal_delete, name="deal-delete"),
    path("campaigns/", deals.campaign_list, name="campaign-list"),
    path("campaigns/new/", deals.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", deals.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", deals.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/delete/", deals.campaign_delete, name="campaign-delete"),
    # the timeline
    path("interactions/new/", timeline.interaction_create, name="interaction-create"),
    path("interactions/<int:pk>/", timeline.interaction_detail, name="interaction-detail"),
    path("pick/<slug:kind>/", timeline.record_picker, name="record-picker"),
    # pipeline settings
    path("settings/pipelines/", pipelines.pipeline_settings, name="pipeline-settings"),
    path("settings/pipelines/new/", pipelines.pipeline_create, name="pipeline-create"),
    path("settings/pipelines/<int:pk>/", pipelines.pipeline_edit, name="pipeline-edit"),
    path("settings/pipelines/<int:pk>/stages/new/", pipelines.stage_create, name="stage-create"),
    path("settings/pipelines/<int:pk>/stages/order/", pipelines.stage_reorder, name="stage-reorder"),
    path("settings/stages/<int:pk>/", pipelines.stage_edit, name="stage-edit"),
    path("settings/stages/<int:pk>/move/", pipelines.stage_move, name="stage-move"),
    path("settings/stages/<int:pk>/delete/", pipelines.stage_delete, name="stage-delete"),
]
