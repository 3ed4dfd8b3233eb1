"""What the CRM API accepts (input serializers). They check the shape of a request (types, choices, that the
records referred to exist); the rules live in the services (:mod:`crm.services`), whose ``ValidationError``
becomes the same 400 error shape. Related records are given by id, many-to-many ones as lists of ids."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.models import (
    AGE_BANDS,
    Artist,
    BrandSafetyFlag,
    Campaign,
    Contact,
    Deal,
    Genre,
    Interaction,
    Pipeline,
    SocialProfile,
    Sponsor,
    Stage,
    Tag,
)
from crm.selectors.lists import crm_team

from .serializers import KpiSerializer


def _team():
    return crm_team()


class TeamField(serializers.PrimaryKeyRelatedField):
    """An active Manager or Admin, by id."""

    def get_queryset(self):
        return _team()


@extend_schema_field({"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code."})
class CountryField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=list(countries), **kwargs)


class CountryListField(serializers.ListField):
    child = CountryField()


class RecordInput(serializers.ModelSerializer):
    # model-backed input: field types, lengths and choices come from the model
    tags = serializers.PrimaryKeyRelatedField(many=True, queryset=Tag.objects.all(), required=False)


# --- artists ---------------------------------------------------------------------------------------------------


class SocialInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=SocialProfile.Platform.choices)
    handle = serializers.CharField(max_length=120)
    url = serializers.URLField(required=False, allow_blank=True, default="")


class SocialCreateSerializer(SocialInputSerializer):
    artist = serializers.PrimaryKeyRelatedField(queryset=Artist.objects.all())


class ArtistInputSerializer(RecordInput):
    genres = serializers.PrimaryKeyRelatedField(many=True, queryset=Genre.objects.all(), required=False)
    managers = TeamField(many=True, required=False, help_text="Ids of active Managers or Admins.")
    country = CountryField(required=False, allow_blank=True)
    audience_regions = CountryListField(required=False)
    audience_age_bands = serializers.ListField(
        child=serializers.ChoiceField(choices=AGE_BANDS), required=False
    )
    brand_safety_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=BrandSafetyFlag.choices), required=False
    )
    languages = serializers.ListField(child=serializers.CharField(max_length=10), required=False)
    socials = SocialInputSerializer(many=True, required=False, help_text="Only when creating the artist.")

    class Meta:
        model = Artist
        fields = [
            "stage_name",
            "aliases",
            "legal_name",
            "email",
            "phone",
            "website",
            "genres",
            "country",
            "city",
            "languages",
            "bio",
            "status",
            "managers",
            "contract_start",
            "contract_end",
            "contract_terms",
            "tags",
            "audience_age_bands",
            "audience_regions",
            "brand_safety_flags",
            "socials",
        ]

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and "socials" in attrs:
            raise serializers.ValidationError(
                {"socials": [_("Add or remove social profiles with /api/crm/socials/.")]}
            )
        return attrs


class AudienceSnapshotInputSerializer(serializers.Serializer):
    """Records an artist's audience on one platform on one day (a second value for that day replaces it)."""

    artist = serializers.PrimaryKeyRelatedField(queryset=Artist.objects.all())
    platform = serializers.ChoiceField(choices=SocialProfile.Platform.choices)
    date = serializers.DateField()
    followers = serializers.IntegerField(min_value=0)
    monthly_listeners = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    engagement_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        default=None,
    )


# --- sponsors and contacts ---------------------------------------------------------------------------------------


class SponsorInputSerializer(RecordInput):
    target_genres = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Genre.objects.all(), required=False
    )
    target_regions = CountryListField(required=False)
    target_age_bands = serializers.ListField(child=serializers.ChoiceField(choices=AGE_BANDS), required=False)
    excluded_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=BrandSafetyFlag.choices), required=False
    )
    owner = TeamField(required=False, allow_null=True, help_text="Id of an active Manager or Admin.")

    class Meta:
        model = Sponsor
        fields = [
            "name",
            "industry",
            "website",
            "budget_min",
            "budget_max",
            "currency",
            "target_age_bands",
            "target_genres",
            "target_regions",
            "excluded_flags",
            "brand_safety_notes",
            "owner",
            "tags",
        ]


class ContactInputSerializer(RecordInput):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "phone", "role", "sponsor", "artist", "notes", "tags"]


# --- pipelines, stages, deals ----------------------------------------------------------------------------------


class PipelineCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Pipeline.Kind.choices, default=Pipeline.Kind.OTHER)
    with_stages = serializers.BooleanField(
        default=True, help_text="Start with the stages New, In progress, Won and Lost."
    )


class PipelineUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    archived = serializers.BooleanField(required=False)


class StageOrderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=False,
        help_text="Every stage id of the pipeline, in order.",
    )


class StageUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    outcome = serializers.ChoiceField(choices=Stage.Outcome.choices, required=False)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False, help_text="#rrggbb")


class StageCreateSerializer(StageUpdateSerializer):
    pipeline = serializers.PrimaryKeyRelatedField(queryset=Pipeline.objects.all())
    name = serializers.CharField(max_length=80)


class DealInputSerializer(RecordInput):
    pipeline = serializers.PrimaryKeyRelatedField(queryset=Pipeline.objects.all())
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(),
        required=False,
        help_text="A stage of the deal's pipeline (default: its first open stage). Changing it moves the deal "
        "to the bottom of that column, as the board does.",
    )
    artists = serializers.PrimaryKeyRelatedField(many=True, queryset=Artist.objects.all(), required=False)
    owner = TeamField(required=False, allow_null=True, help_text="Id of an active Manager or Admin.")

    class Meta:
        model = Deal
        fields = [
            "pipeline",
            "stage",
            "title",
            "sponsor",
            "artists",
            "campaign",
            "value",
            "currency",
            "probability",
            "expected_close_date",
            "owner",
            "deliverables",
            "lost_reason",
            "tags",
        ]


class DealMoveSerializer(serializers.Serializer):
    """Where the deal goes: a stage of its pipeline and, inside it, between two cards (give one or both; none
    puts it at the bottom). The same move as the board's drag and drop."""

    stage = serializers.IntegerField(help_text="Id of the target stage (same pipeline).")
    after = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the deal it goes right after."
    )
    before = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the deal it goes right before."
    )
    lost_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the target stage is a lost stage.",
    )


# --- campaigns and the timeline ----------------------------------------------------------------------------------


class CampaignInputSerializer(RecordInput):
    kpis = KpiSerializer(many=True, required=False)

    class Meta:
        model = Campaign
        fields = [
            "artist",
            "name",
            "objective",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "status",
            "kpis",
        ]


class InteractionInputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=[
            (value, label) for value, label in Interaction.Kind.choices if value != Interaction.Kind.SYSTEM
        ]
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now.")
    participants = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="Ids of the team members who took part.",
    )
    people = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Contact.objects.all(), required=False, help_text="Ids of the contacts present."
    )

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "summary",
            "occurred_at",
            "artist",
            "sponsor",
            "contact",
            "deal",
            "participants",
            "people",
        ]
