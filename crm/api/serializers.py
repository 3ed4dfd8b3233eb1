"""What the CRM API answers (output serializers). Related records come as small objects (``{"id", "name"}``) so
a script needs no second request to show a list; the viewsets prefetch them, so a page costs a fixed number of
queries. What the API accepts is in :mod:`crm.api.inputs`."""

from __future__ import annotations

from rest_framework import serializers

from crm import timeline
from crm.models import (
    Artist,
    AudienceSnapshot,
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

# --- small references ------------------------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["id", "name", "slug"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "color"]


class ArtistRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Artist
        fields = ["id", "stage_name"]


class SponsorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sponsor
        fields = ["id", "name"]


class ContactRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "full_name"]


class DealRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deal
        fields = ["id", "title"]


class CampaignRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "name"]


class PipelineRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pipeline
        fields = ["id", "name", "kind"]


class StageRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "outcome", "probability"]


# --- artists ---------------------------------------------------------------------------------------------------


class SocialProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = SocialProfile
        fields = ["id", "artist", "platform", "handle", "url"]
        read_only_fields = fields


class AudienceSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = AudienceSnapshot
        fields = ["id", "artist", "platform", "date", "followers", "monthly_listeners", "engagement_rate"]
        read_only_fields = fields


class ArtistSerializer(serializers.ModelSerializer):
    country = serializers.CharField(
        source="country.code", read_only=True, help_text="ISO 3166-1 alpha-2 code."
    )
    genres = GenreSerializer(many=True, read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    managers = UserRefSerializer(many=True, read_only=True)
    socials = SocialProfileSerializer(many=True, read_only=True)
    photo = serializers.ImageField(read_only=True, use_url=True)

    class Meta:
        model = Artist
        fields = [
            "id",
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
            "photo",
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
            "audience_total",
            "score",
            "score_updated_at",
            "last_interaction_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArtistDetailSerializer(ArtistSerializer):
    """An artist with the explanation of the score: ``{"criteria": [{"key", "weight", "value", "points"…}]}``."""

    score_breakdown = serializers.JSONField(read_only=True)

    class Meta(ArtistSerializer.Meta):
        fields = [*ArtistSerializer.Meta.fields, "score_breakdown"]
        read_only_fields = fields


# --- sponsors and contacts ---------------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    sponsor = SponsorRefSerializer(read_only=True, allow_null=True)
    artist = ArtistRefSerializer(read_only=True, allow_null=True)
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "phone",
            "role",
            "sponsor",
            "artist",
            "notes",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SponsorContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "full_name", "role", "email", "phone"]
        read_only_fields = fields


class SponsorSerializer(serializers.ModelSerializer):
    target_genres = GenreSerializer(many=True, read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Sponsor
        fields = [
            "id",
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
            "last_interaction_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SponsorDetailSerializer(SponsorSerializer):
    contacts = SponsorContactSerializer(many=True, read_only=True)

    class Meta(SponsorSerializer.Meta):
        fields = [*SponsorSerializer.Meta.fields, "contacts"]
        read_only_fields = fields


# --- pipelines and deals -----------------------------------------------------------------------------------------


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "pipeline", "name", "position", "probability", "outcome", "color", "version"]
        read_only_fields = fields


class PipelineSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Pipeline
        fields = ["id", "name", "kind", "position", "archived", "stages"]
        read_only_fields = fields


class DealSerializer(serializers.ModelSerializer):
    pipeline = PipelineRefSerializer(read_only=True)
    stage = StageRefSerializer(read_only=True)
    sponsor = SponsorRefSerializer(read_only=True, allow_null=True)
    artists = ArtistRefSerializer(many=True, read_only=True)
    campaign = CampaignRefSerializer(read_only=True, allow_null=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    tags = TagSerializer(many=True, read_only=True)
    effective_probability = serializers.IntegerField(
        read_only=True, help_text="The deal's probability, or its stage's when it has none of its own."
    )
    weighted_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="value × effective probability."
    )

    class Meta:
        model = Deal
        fields = [
            "id",
            "title",
            "pipeline",
            "stage",
            "position",
            "sponsor",
            "artists",
            "campaign",
            "value",
            "currency",
            "probability",
            "effective_probability",
            "weighted_value",
            "expected_close_date",
            "owner",
            "deliverables",
            "lost_reason",
            "closed_at",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- campaigns and the timeline ----------------------------------------------------------------------------------


class KpiSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    target = serializers.FloatField(min_value=0)
    actual = serializers.FloatField(min_value=0, required=False, default=0)


class CampaignSerializer(serializers.ModelSerializer):
    artist = ArtistRefSerializer(read_only=True)
    kpis = KpiSerializer(many=True, read_only=True)
    deals = DealRefSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "artist",
            "name",
            "objective",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "status",
            "kpis",
            "deals",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InteractionSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(
        help_text="What the timeline shows, in your language (system events are written from their data)."
    )
    author = UserRefSerializer(read_only=True, allow_null=True)
    participants = UserRefSerializer(many=True, read_only=True)
    people = ContactRefSerializer(many=True, read_only=True)
    artist = ArtistRefSerializer(read_only=True, allow_null=True)
    sponsor = SponsorRefSerializer(read_only=True, allow_null=True)
    contact = ContactRefSerializer(read_only=True, allow_null=True)
    deal = DealRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "occurred_at",
            "summary",
            "text",
            "author",
            "participants",
            "people",
            "artist",
            "sponsor",
            "contact",
            "deal",
            "data",
            "created_at",
        ]
        read_only_fields = fields

    def get_text(self, interaction: Interaction) -> str:
        return timeline.describe(interaction)
