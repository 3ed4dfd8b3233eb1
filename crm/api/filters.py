"""Filters of the API endpoints that have no web list (campaigns, the timeline, socials, audience, pipelines).
Artists, sponsors, contacts and deals use the web lists' FilterSets (:mod:`crm.filters`), so a filter means
the same thing on both."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from crm.models import AudienceSnapshot, Campaign, Genre, Interaction, Pipeline, SocialProfile, Stage, Tag


class TextSearchFilterSet(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))


class GenreFilter(TextSearchFilterSet):
    class Meta:
        model = Genre
        fields = ["q"]


class TagFilter(TextSearchFilterSet):
    class Meta:
        model = Tag
        fields = ["q"]


class PipelineFilter(filters.FilterSet):
    class Meta:
        model = Pipeline
        fields = ["kind", "archived"]


class StageFilter(filters.FilterSet):
    class Meta:
        model = Stage
        fields = ["pipeline", "outcome"]


class SocialProfileFilter(filters.FilterSet):
    artist = filters.NumberFilter(field_name="artist_id", label=_("Artist id"))
    handle = filters.CharFilter(field_name="handle", lookup_expr="icontains", label=_("Handle contains"))

    class Meta:
        model = SocialProfile
        fields = ["artist", "platform", "handle"]


class AudienceSnapshotFilter(filters.FilterSet):
    artist = filters.NumberFilter(field_name="artist_id", label=_("Artist id"))
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From this date"))
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until this date"))

    class Meta:
        model = AudienceSnapshot
        fields = ["artist", "platform", "date_after", "date_before"]


class CampaignFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    artist = filters.NumberFilter(field_name="artist_id", label=_("Artist id"))
    status = filters.MultipleChoiceFilter(choices=Campaign.Status.choices, label=_("Status"))
    active_on = filters.DateFilter(method="filter_active_on", label=_("Running on this date"))

    class Meta:
        model = Campaign
        fields = ["q", "artist", "status", "active_on"]

    def filter_active_on(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(start_date__lte=value).exclude(end_date__lt=value)


class InteractionFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="summary", lookup_expr="icontains", label=_("Search"))
    kind = filters.MultipleChoiceFilter(choices=Interaction.Kind.choices, label=_("Kind"))
    artist = filters.NumberFilter(field_name="artist_id", label=_("Artist id"))
    sponsor = filters.NumberFilter(field_name="sponsor_id", label=_("Sponsor id"))
    contact = filters.NumberFilter(field_name="contact_id", label=_("Contact id"))
    deal = filters.NumberFilter(field_name="deal_id", label=_("Deal id"))
    author = filters.NumberFilter(field_name="author_id", label=_("Author id"))
    after = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("From"))
    before = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt", label=_("Before"))

    class Meta:
        model = Interaction
        fields = ["q", "kind", "artist", "sponsor", "contact", "deal", "author", "after", "before"]
