"""The back office of the CRM's records: tags, genres, artists (socials, audience, team), sponsors (contacts),
contacts, campaigns and the timeline."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.service_admin import (
    SHORT_TEXT,
    ServiceAdmin,
    adopt,
    color_swatch,
    form_fields,
    inline_data,
    inline_rows,
)
from crm import scoring
from crm.models import (
    Artist,
    AudienceSnapshot,
    Campaign,
    Contact,
    Genre,
    Interaction,
    SocialProfile,
    Sponsor,
    Tag,
)
from crm.services import records

# --- tags and genres ---------------------------------------------------------------------------------------------


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "colour"]
    search_fields = ["name"]

    @admin.display(description=_("colour"), ordering="color")
    def colour(self, obj: Tag):
        return color_swatch(obj.color)


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "artist_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(artist_count=Count("artists", distinct=True))

    @admin.display(description=_("artists"), ordering="artist_count")
    def artist_count(self, obj: Genre) -> int:
        return obj.artist_count


# --- artists -----------------------------------------------------------------------------------------------------


class SocialProfileInline(admin.TabularInline):
    model = SocialProfile
    extra = 0
    fields = ["platform", "handle", "url"]


class RecentAudienceInline(admin.TabularInline):
    """The last 90 days of audience (the whole series: Audience snapshots)."""

    model = AudienceSnapshot
    extra = 0
    fields = ["platform", "date", "followers", "monthly_listeners", "engagement_rate"]
    verbose_name_plural = _("audience (last 90 days)")

    def get_queryset(self, request):
        from datetime import timedelta

        from django.utils import timezone

        since = timezone.localdate() - timedelta(days=90)
        return super().get_queryset(request).filter(date__gte=since).order_by("platform", "-date")


class TeamInline(admin.TabularInline):
    model = Contact
    fk_name = "artist"
    extra = 0
    fields = ["first_name", "last_name", "role", "email", "phone"]
    verbose_name_plural = _("team")


def save_contacts(request, formset, *, owner_field: str) -> None:
    deleted, saved = inline_rows(formset)
    for form in deleted:
        records.contact_delete(contact=form.instance, by=request.user)
    for form in saved:
        if form.instance.pk:
            current = Contact.objects.get(pk=form.instance.pk)
            records.contact_update(
                contact=current, by=request.user, **inline_data(form, owner_field, change=True)
            )
        else:
            records.contact_create(
                by=request.user,
                **{owner_field: formset.instance},
                **inline_data(form, owner_field, change=False),
            )


def save_socials(request, formset) -> None:
    deleted, saved = inline_rows(formset)
    for form in deleted:
        records.social_remove(social=form.instance, by=request.user)
    for form in saved:
        if form.instance.pk:  # a changed profile: replaced, so the handle is normalised and the score follows
            records.social_remove(social=SocialProfile.objects.get(pk=form.instance.pk), by=request.user)
        records.social_add(
            artist=formset.instance, by=request.user, **inline_data(form, "artist", change=False)
        )


def save_snapshots(request, formset) -> None:
    deleted, saved = inline_rows(formset)
    artist = formset.instance
    touched = False
    for form in deleted:
        form.instance.delete()
        touched = True
    for form in saved:
        data = inline_data(form, "artist", change=False)
        if form.instance.pk:
            previous = AudienceSnapshot.objects.get(pk=form.instance.pk)
            if (previous.platform, previous.date) != (data["platform"], data["date"]):
                previous.delete()  # moved to another day or platform
        records.audience_snapshot_record(artist=artist, by=request.user, **data)
    if touched:
        records.artist_audience_refresh(artist_ids=[artist.pk])


@admin.register(Artist)
class ArtistAdmin(ServiceAdmin, SimpleHistoryAdmin):
    formfield_overrides = SHORT_TEXT
    list_display = [
        "stage_name",
        "status",
        "country",
        "city",
        "audience_total",
        "score",
        "last_interaction_at",
    ]
    list_filter = ["status", "genres", "country", "tags", ("managers", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["stage_name", "normalized_name", "legal_name", "email"]
    autocomplete_fields = ["genres", "tags", "managers"]
    readonly_fields = [
        "audience_total",
        "score",
        "score_explanation",
        "score_updated_at",
        "last_interaction_at",
    ]
    inlines = [SocialProfileInline, RecentAudienceInline, TeamInline]
    history_list_display = ["status", "score"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["stage_name", "aliases", "legal_name", "status", "genres", "tags", "managers"]}),
        (
            _("Contact"),
            {"fields": ["email", "phone", "website", "country", "city", "languages", "bio", "photo"]},
        ),
        (_("Contract"), {"fields": ["contract_start", "contract_end", "contract_terms"]}),
        (
            _("Audience"),
            {"fields": ["audience_age_bands", "audience_regions", "brand_safety_flags", "audience_total"]},
        ),
        (_("Score"), {"fields": ["score", "score_explanation", "score_updated_at", "last_interaction_at"]}),
    ]
    instance_kwarg = "artist"
    create_service = staticmethod(records.artist_create)
    update_service = staticmethod(records.artist_update)
    delete_service = staticmethod(records.artist_delete)

    def has_delete_permission(self, request, obj=None) -> bool:
        # the service refuses to delete an artist who still has deals (remove them from the deals first)
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.deals.exists())

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is SocialProfile:
            save_socials(request, formset)
        elif formset.model is AudienceSnapshot:
            save_snapshots(request, formset)
        else:
            save_contacts(request, formset, owner_field="artist")

    @admin.display(description=_("score explanation"))
    def score_explanation(self, obj: Artist):
        rows = scoring.explain(obj.score_breakdown)
        if not rows:
            return _("Not computed yet.")
        body = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{} / {}</td><td>{}</td></tr>",
            ((row.label, row.raw, row.points, round(row.max_points), row.hint) for row in rows),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("criterion"),
            _("measured"),
            _("points"),
            _("to improve"),
            body,
        )


@admin.register(SocialProfile)
class SocialProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "platform", "artist", "url"]
    list_filter = ["platform"]
    search_fields = ["handle", "artist__stage_name"]
    autocomplete_fields = ["artist"]
    list_select_related = ["artist"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            records.social_remove(social=SocialProfile.objects.get(pk=obj.pk), by=request.user)
        data = form_fields(form, change=False)
        adopt(obj, records.social_add(by=request.user, **data))

    def delete_model(self, request, obj) -> None:
        records.social_remove(social=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AudienceSnapshot)
class AudienceSnapshotAdmin(admin.ModelAdmin):
    list_display = ["artist", "platform", "date", "followers", "monthly_listeners", "engagement_rate"]
    list_filter = ["platform", ("date", admin.DateFieldListFilter)]
    search_fields = ["artist__stage_name"]
    autocomplete_fields = ["artist"]
    list_select_related = ["artist"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change) -> None:
        data = form_fields(form, change=False)
        if change:
            previous = AudienceSnapshot.objects.get(pk=obj.pk)
            if (previous.artist_id, previous.platform, previous.date) != (
                data["artist"].pk,
                data["platform"],
                data["date"],
            ):
                previous.delete()
                records.artist_audience_refresh(artist_ids=[previous.artist_id])
        adopt(obj, records.audience_snapshot_record(by=request.user, **data))

    def delete_model(self, request, obj) -> None:
        obj.delete()
        records.artist_audience_refresh(artist_ids=[obj.artist_id])

    def delete_queryset(self, request, queryset) -> None:
        artist_ids = set(queryset.values_list("artist_id", flat=True))
        queryset.delete()
        records.artist_audience_refresh(artist_ids=artist_ids)


# --- sponsors and contacts ----------------------------------------------------------------------------------------


class SponsorContactInline(admin.TabularInline):
    model = Contact
    fk_name = "sponsor"
    extra = 0
    fields = ["first_name", "last_name", "role", "email", "phone"]


@admin.register(Sponsor)
class SponsorAdmin(ServiceAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "industry",
        "budget_min",
        "budget_max",
        "currency",
        "owner",
        "last_interaction_at",
    ]
    list_filter = ["industry", "currency", "tags", ("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "normalized_name", "industry", "website"]
    autocomplete_fields = ["target_genres", "tags", "owner"]
    list_select_related = ["owner"]
    readonly_fields = ["last_interaction_at"]
    inlines = [SponsorContactInline]
    history_list_display = ["budget_min", "budget_max", "owner"]
    date_hierarchy = "created_at"
    instance_kwarg = "sponsor"
    create_service = staticmethod(records.sponsor_create)
    update_service = staticmethod(records.sponsor_update)
    delete_service = staticmethod(records.sponsor_delete)

    def save_formset(self, request, form, formset, change) -> None:
        save_contacts(request, formset, owner_field="sponsor")


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    list_display = ["full_name", "role", "email", "phone", "sponsor", "artist"]
    list_filter = [("sponsor", admin.EmptyFieldListFilter), ("artist", admin.EmptyFieldListFilter), "tags"]
    search_fields = ["first_name", "last_name", "normalized_name", "email", "role"]
    autocomplete_fields = ["sponsor", "artist", "tags"]
    list_select_related = ["sponsor", "artist"]
    instance_kwarg = "contact"
    create_service = staticmethod(records.contact_create)
    update_service = staticmethod(records.contact_update)
    delete_service = staticmethod(records.contact_delete)


# --- campaigns and the timeline ----------------------------------------------------------------------------------


@admin.register(Campaign)
class CampaignAdmin(ServiceAdmin):
    list_display = ["name", "artist", "status", "start_date", "end_date", "budget", "currency"]
    list_filter = ["status", "currency"]
    search_fields = ["name", "artist__stage_name"]
    autocomplete_fields = ["artist"]
    list_select_related = ["artist"]
    date_hierarchy = "start_date"
    instance_kwarg = "campaign"
    create_service = staticmethod(records.campaign_create)
    update_service = staticmethod(records.campaign_update)
    delete_service = staticmethod(records.campaign_delete)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    """Calls, e-mails, meetings, notes and messages are added through the service (which keeps the records'
    "last interaction" up to date); the system's entries are read-only and kept."""

    list_display = ["occurred_at", "kind", "short_text", "author", "artist", "sponsor", "deal"]
    list_filter = ["kind", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["summary", "artist__stage_name", "sponsor__name", "deal__title"]
    autocomplete_fields = ["author", "participants", "people", "artist", "sponsor", "contact", "deal"]
    list_select_related = ["author", "artist", "sponsor", "deal"]
    readonly_fields = ["data", "created_at"]
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in Interaction._meta.fields] + ["participants", "people"]
        return [*self.readonly_fields, "author"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and obj is None

    def has_delete_permission(self, request, obj=None) -> bool:
        is_event = obj is not None and obj.kind == Interaction.Kind.SYSTEM
        return super().has_delete_permission(request, obj) and not is_event

    @admin.display(description=_("summary"))
    def short_text(self, obj: Interaction) -> str:
        from crm.timeline import describe

        text = describe(obj)
        return text if len(text) <= 80 else f"{text[:79]}…"

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in Interaction.Kind.choices if c[0] != Interaction.Kind.SYSTEM]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        data = form_fields(form, change=False, skip=("author", "data"))
        adopt(obj, records.interaction_create(by=request.user, **data))

    def save_related(self, request, form, formsets, change) -> None:
        """interaction_create set the team and the contacts present."""

    def delete_model(self, request, obj) -> None:
        records.interaction_delete(interaction=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset.exclude(kind=Interaction.Kind.SYSTEM):
            self.delete_model(request, obj)
