"""The CRM's REST endpoints, under /api/crm/ (see crm.api.urls). Same rights as the web pages: Viewers and
Producers read, Managers and Admins write, Streamers get 403; a record you may not see is a 404.

Lists take the web lists' filters (``q`` searches names without caring for accents or case), ``ordering``
(``-score``, ``value``…; several keys comma-separated) and ``page``/``page_size``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import ErrorSerializer
from core.api.permissions import predicate_permission
from core.boards.api import board_errors
from crm import filters as list_filters
from crm.models import (
    Artist,
    AudienceSnapshot,
    Contact,
    Genre,
    SocialProfile,
    Stage,
    Tag,
)
from crm.permissions import (
    artists_visible_to,
    campaigns_visible_to,
    can_edit_pipelines,
    can_view_crm,
    contacts_visible_to,
    deals_visible_to,
    interactions_visible_to,
    pipelines_visible_to,
    sponsors_visible_to,
    visible,
)
from crm.selectors.records import with_timeline_relations
from crm.services import pipelines as pipeline_services
from crm.services import records
from crm.services.deals import deal_move

from . import filters, inputs
from . import serializers as out
from .base import (
    ERRORS,
    INVALID,
    NOT_FOUND,
    CrmViewSet,
    ServiceCreateMixin,
    ServiceDestroyMixin,
    ServiceModelViewSet,
    crud_schema,
)


def _people() -> QuerySet:
    return (
        get_user_model()
        .objects.only("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name")
    )


# --- reference lists ---------------------------------------------------------------------------------------------


@crud_schema(tag="crm tags and genres", noun="genre", output=out.GenreSerializer, writes=())
class GenreViewSet(CrmViewSet):
    """Music genres (artists' genres, sponsors' target genres)."""

    serializer_class = out.GenreSerializer
    filterset_class = filters.GenreFilter
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet:
        return visible(self.request.user, Genre.objects.order_by("name"))


@crud_schema(tag="crm tags and genres", noun="tag", output=out.TagSerializer, writes=())
class TagViewSet(CrmViewSet):
    """Tags shared by artists, sponsors, contacts and deals."""

    serializer_class = out.TagSerializer
    filterset_class = filters.TagFilter
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet:
        return visible(self.request.user, Tag.objects.order_by("name"))


# --- artists, socials, audience -----------------------------------------------------------------------------------


@crud_schema(
    tag="crm artists",
    noun="artist",
    output=out.ArtistSerializer,
    detail=out.ArtistDetailSerializer,
    write=inputs.ArtistInputSerializer,
)
class ArtistViewSet(ServiceModelViewSet):
    """Artists, with their genres, tags, managers and social profiles; the detail adds the score's explanation.
    Deleting an artist who still has deals answers 400."""

    serializer_class = out.ArtistSerializer
    detail_serializer_class = out.ArtistDetailSerializer
    input_serializer_class = inputs.ArtistInputSerializer
    filterset_class = list_filters.ArtistFilter
    ordering_fields = [
        "stage_name",
        "score",
        "audience_total",
        "status",
        "country",
        "last_interaction_at",
        "created_at",
        "updated_at",
    ]
    instance_kwarg = "artist"
    create_service = staticmethod(records.artist_create)
    update_service = staticmethod(records.artist_update)
    delete_service = staticmethod(records.artist_delete)

    def get_queryset(self) -> QuerySet:
        queryset = artists_visible_to(self.request.user).prefetch_related(
            "genres",
            "tags",
            Prefetch("managers", queryset=_people()),
            Prefetch("socials", queryset=SocialProfile.objects.order_by("platform", "handle")),
        )
        if self.action == "list":
            queryset = queryset.defer("score_breakdown")
        return queryset


@crud_schema(
    tag="crm artists",
    noun="social profile",
    output=out.SocialProfileSerializer,
    write=inputs.SocialCreateSerializer,
    writes=("create", "destroy"),
)
class SocialProfileViewSet(ServiceCreateMixin, ServiceDestroyMixin, CrmViewSet):
    """Artists' social profiles (``?artist=<id>``). Add or remove; to change one, remove it and add it again."""

    serializer_class = out.SocialProfileSerializer
    input_serializer_class = inputs.SocialCreateSerializer
    filterset_class = filters.SocialProfileFilter
    ordering_fields = ["platform", "handle"]
    instance_kwarg = "social"
    create_service = staticmethod(records.social_add)
    delete_service = staticmethod(records.social_remove)

    def get_queryset(self) -> QuerySet:
        return visible(
            self.request.user, SocialProfile.objects.select_related("artist").order_by("artist", "platform")
        )


@crud_schema(
    tag="crm artists",
    noun="audience snapshot",
    output=out.AudienceSnapshotSerializer,
    write=inputs.AudienceSnapshotInputSerializer,
    writes=("create",),
)
class AudienceSnapshotViewSet(ServiceCreateMixin, CrmViewSet):
    """Artists' audience per platform over time (``?artist=<id>&platform=spotify&date_after=…``). Recording a
    value for a day that has one replaces it; the artist's audience total and score follow."""

    serializer_class = out.AudienceSnapshotSerializer
    input_serializer_class = inputs.AudienceSnapshotInputSerializer
    filterset_class = filters.AudienceSnapshotFilter
    ordering_fields = ["date", "followers", "platform"]
    create_service = staticmethod(records.audience_snapshot_record)

    def get_queryset(self) -> QuerySet:
        return visible(self.request.user, AudienceSnapshot.objects.order_by("artist", "platform", "-date"))


# --- sponsors and contacts ---------------------------------------------------------------------------------------


@crud_schema(
    tag="crm sponsors",
    noun="sponsor",
    output=out.SponsorSerializer,
    detail=out.SponsorDetailSerializer,
    write=inputs.SponsorInputSerializer,
)
class SponsorViewSet(ServiceModelViewSet):
    """Brands: budget, target audience (ages, genres, countries), brand-safety exclusions; the detail lists
    their contacts."""

    serializer_class = out.SponsorSerializer
    detail_serializer_class = out.SponsorDetailSerializer
    input_serializer_class = inputs.SponsorInputSerializer
    filterset_class = list_filters.SponsorFilter
    ordering_fields = ["name", "industry", "budget_min", "budget_max", "last_interaction_at", "created_at"]
    instance_kwarg = "sponsor"
    create_service = staticmethod(records.sponsor_create)
    update_service = staticmethod(records.sponsor_update)
    delete_service = staticmethod(records.sponsor_delete)

    def get_queryset(self) -> QuerySet:
        queryset = (
            sponsors_visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related("target_genres", "tags")
        )
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("contacts", queryset=Contact.objects.order_by("last_name", "first_name"))
            )
        return queryset


@crud_schema(
    tag="crm contacts", noun="contact", output=out.ContactSerializer, write=inputs.ContactInputSerializer
)
class ContactViewSet(ServiceModelViewSet):
    """People at sponsors (``sponsor``) or in an artist's team (``artist``), never both."""

    serializer_class = out.ContactSerializer
    input_serializer_class = inputs.ContactInputSerializer
    filterset_class = list_filters.ContactFilter
    ordering_fields = ["last_name", "first_name", "email", "role", "created_at"]
    instance_kwarg = "contact"
    create_service = staticmethod(records.contact_create)
    update_service = staticmethod(records.contact_update)
    delete_service = staticmethod(records.contact_delete)

    def get_queryset(self) -> QuerySet:
        return (
            contacts_visible_to(self.request.user)
            .select_related("sponsor", "artist")
            .prefetch_related("tags")
            .order_by("last_name", "first_name", "pk")
        )


# --- pipelines, stages, deals ------------------------------------------------------------------------------------

PipelinePermission = predicate_permission(read=can_view_crm, write=can_edit_pipelines)


@crud_schema(
    tag="crm pipelines",
    noun="pipeline",
    output=out.PipelineSerializer,
    write=inputs.PipelineCreateSerializer,
    update=inputs.PipelineUpdateSerializer,
    writes=("create", "update", "partial_update"),
)
class PipelineViewSet(ServiceCreateMixin, CrmViewSet):
    """Pipelines with their stages in board order. Managers and Admins add, rename and archive them."""

    serializer_class = out.PipelineSerializer
    input_serializer_class = inputs.PipelineCreateSerializer
    filterset_class = filters.PipelineFilter
    ordering_fields = ["position", "name"]
    permission_classes = [PipelinePermission]
    create_service = staticmethod(pipeline_services.pipeline_create)

    def get_queryset(self) -> QuerySet:
        stages = Stage.objects.order_by("position", "pk")
        return (
            pipelines_visible_to(self.request.user)
            .prefetch_related(Prefetch("stages", queryset=stages))
            .order_by("position", "name")
        )

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        pipeline = self.get_object()
        fields = self.validated(inputs.PipelineUpdateSerializer, partial=partial)
        pipeline_services.pipeline_update(pipeline=pipeline, by=request.user, **fields)
        return self.answer(pipeline)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        tags=["crm pipelines"],
        summary="Reorder the stages of a pipeline",
        request=inputs.StageOrderSerializer,
        responses={200: out.PipelineSerializer, **INVALID, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="reorder-stages")
    def reorder_stages(self, request: Request, pk=None) -> Response:
        pipeline = self.get_object()
        data = self.validated(inputs.StageOrderSerializer)
        pipeline_services.stage_reorder(pipeline=pipeline, by=request.user, order=data["order"])
        return self.answer(pipeline)


@crud_schema(
    tag="crm pipelines",
    noun="stage",
    output=out.StageSerializer,
    write=inputs.StageCreateSerializer,
    update=inputs.StageUpdateSerializer,
)
class StageViewSet(ServiceCreateMixin, CrmViewSet):
    """The stages (board columns) of the pipelines (``?pipeline=<id>``). Deleting a stage that holds deals needs
    ``?move_to=<stage id>``: its deals go to the bottom of that stage."""

    serializer_class = out.StageSerializer
    input_serializer_class = inputs.StageCreateSerializer
    filterset_class = filters.StageFilter
    ordering_fields = ["position", "name", "probability"]
    permission_classes = [PipelinePermission]
    create_service = staticmethod(pipeline_services.stage_create)

    def get_queryset(self) -> QuerySet:
        return visible(
            self.request.user, Stage.objects.select_related("pipeline").order_by("pipeline", "position", "pk")
        )

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        stage = self.get_object()
        fields = self.validated(inputs.StageUpdateSerializer, partial=partial)
        stage = pipeline_services.stage_update(stage=stage, by=request.user, **fields)
        return self.answer(stage)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "move_to",
                OpenApiTypes.INT,
                description="Stage (same pipeline) that receives the deals of this one.",
            )
        ]
    )
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        stage = self.get_object()
        move_to = request.query_params.get("move_to")
        target = None
        if move_to:
            if not move_to.isdigit():
                raise exceptions.ValidationError({"move_to": [_("Give the id of a stage.")]})
            target = Stage.objects.filter(pk=int(move_to)).first()
            if target is None:
                raise exceptions.ValidationError({"move_to": [_("There is no such stage.")]})
        pipeline_services.stage_delete(stage=stage, by=request.user, move_to=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


@crud_schema(
    tag="crm deals",
    noun="deal",
    output=out.DealSerializer,
    write=inputs.DealInputSerializer,
)
class DealViewSet(ServiceModelViewSet):
    """Deals (opportunities) on the pipelines. A new stage (in PUT/PATCH or with ``move``) goes through the
    board's move, so open boards update live and the timeline says who moved it."""

    serializer_class = out.DealSerializer
    input_serializer_class = inputs.DealInputSerializer
    filterset_class = list_filters.DealFilter
    ordering_fields = [
        "title",
        "value",
        "expected_close_date",
        "position",
        "probability",
        "created_at",
        "updated_at",
    ]
    instance_kwarg = "deal"
    create_service = staticmethod(records.deal_create)
    update_service = staticmethod(records.deal_update)
    delete_service = staticmethod(records.deal_delete)

    def get_queryset(self) -> QuerySet:
        return (
            deals_visible_to(self.request.user)
            .select_related("pipeline", "stage", "sponsor", "campaign", "owner")
            .prefetch_related(
                Prefetch("artists", queryset=Artist.objects.only("pk", "stage_name").order_by("stage_name")),
                "tags",
            )
            .order_by("pipeline__position", "stage__position", "position", "pk")
        )

    @extend_schema(
        tags=["crm deals"],
        summary="Move a deal to a stage and a place in it (the board's drag and drop)",
        request=inputs.DealMoveSerializer,
        responses={
            200: out.DealSerializer,
            **INVALID,
            **ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="No such deal (or it was just deleted)."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="The column changed meanwhile (`stale`) or the deal is now on another board "
                "(`card_elsewhere`): reload and try again.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        deal = self.get_object()
        data = self.validated(inputs.DealMoveSerializer)
        with board_errors(column_field="stage"):
            deal_move(
                deal_id=deal.pk,
                stage_id=data["stage"],
                after_id=data["after"],
                before_id=data["before"],
                by=request.user,
                lost_reason=data["lost_reason"],
            )
        return self.answer(deal)

    def update(self, request: Request, *args, partial: bool = False, **kwargs) -> Response:
        with board_errors(column_field="stage"):
            return super().update(request, *args, partial=partial, **kwargs)


# --- campaigns and the timeline ----------------------------------------------------------------------------------


@crud_schema(
    tag="crm campaigns", noun="campaign", output=out.CampaignSerializer, write=inputs.CampaignInputSerializer
)
class CampaignViewSet(ServiceModelViewSet):
    """MONA campaigns for an artist: objective, dates, budget, status, KPIs (target and actual) and linked deals."""

    serializer_class = out.CampaignSerializer
    input_serializer_class = inputs.CampaignInputSerializer
    filterset_class = filters.CampaignFilter
    ordering_fields = ["name", "start_date", "end_date", "budget", "status", "created_at"]
    instance_kwarg = "campaign"
    create_service = staticmethod(records.campaign_create)
    update_service = staticmethod(records.campaign_update)
    delete_service = staticmethod(records.campaign_delete)

    def get_queryset(self) -> QuerySet:
        deals = deals_visible_to(self.request.user).only("pk", "title", "campaign_id").order_by("pk")
        return (
            campaigns_visible_to(self.request.user)
            .select_related("artist")
            .prefetch_related(Prefetch("deals", queryset=deals))
            .order_by("-start_date", "name", "pk")
        )


@crud_schema(
    tag="crm timeline",
    noun="interaction",
    output=out.InteractionSerializer,
    write=inputs.InteractionInputSerializer,
    writes=("create", "destroy"),
)
class InteractionViewSet(ServiceCreateMixin, ServiceDestroyMixin, CrmViewSet):
    """The timeline: calls, e-mails, meetings, notes, messages, and the events the system writes (``kind`` =
    ``system``, read-only). ``text`` is what the timeline shows, in your language."""

    serializer_class = out.InteractionSerializer
    input_serializer_class = inputs.InteractionInputSerializer
    filterset_class = filters.InteractionFilter
    ordering_fields = ["occurred_at", "created_at", "kind"]
    instance_kwarg = "interaction"
    create_service = staticmethod(records.interaction_create)
    delete_service = staticmethod(records.interaction_delete)

    def get_queryset(self) -> QuerySet:
        return with_timeline_relations(interactions_visible_to(self.request.user)).order_by(
            "-occurred_at", "-pk"
        )
