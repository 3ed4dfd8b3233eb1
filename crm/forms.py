"""Forms of the CRM's record pages: artists (with their social profiles), sponsors, contacts, deals, campaigns
(with their KPIs), the timeline's quick-add, audience snapshots and the pipeline settings.

Forms only translate input; the writes go through :mod:`crm.services`. Amounts accept what people type in their
language ("12 500,50" in French, "12,500.50" in English). Pickers of records that can number in the thousands
(artists, sponsors, contacts, campaigns) render only the chosen options and search the rest as you type
(``crm:record-picker``, static/js/crm-records.js).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .form_fields import (  # noqa: F401  (parse_amount, amount_example: re-exported for callers of crm.forms)
    AmountField,
    ChipsSelectMultiple,
    ColorInput,
    DateInput,
    DateTimeInput,
    PercentField,
    PhotoInput,
    PickerSelect,
    PickerSelectMultiple,
    TeamMemberChoiceField,
    TeamMemberField,
    amount_example,
    country_choices,
    language_choices,
    parse_amount,
    split_list,
    team_members,
)
from .models import (
    AGE_BANDS,
    Artist,
    AudienceSnapshot,
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

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PHOTO_PIXELS = 40_000_000

# --- artists ---------------------------------------------------------------------------------------------------


def https_formfield(field, **kwargs):
    """Model form fields, with links typed without a scheme taken as https."""
    from django.db import models

    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ArtistForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, or separated by commas."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, choices=language_choices, widget=ChipsSelectMultiple
    )
    audience_regions = forms.MultipleChoiceField(
        label=_("Audience countries"), required=False, choices=country_choices, widget=ChipsSelectMultiple
    )
    audience_age_bands = forms.MultipleChoiceField(
        label=_("Audience age bands"), required=False, choices=AGE_BANDS, widget=forms.CheckboxSelectMultiple
    )
    brand_safety_flags = forms.MultipleChoiceField(
        label=_("Brand-safety flags"),
        required=False,
        choices=BrandSafetyFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What applies to this artist; sponsors that exclude it are warned in matching."),
    )
    genres = forms.ModelMultipleChoiceField(
        label=_("Genres"), required=False, queryset=Genre.objects.all(), widget=ChipsSelectMultiple
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), required=False, queryset=Tag.objects.all(), widget=ChipsSelectMultiple
    )
    managers = TeamMemberField(
        label=_("Managers"), required=False, queryset=User.objects.none(), widget=ChipsSelectMultiple
    )

    class Meta:
        model = Artist
        formfield_callback = https_formfield
        fields = [
            "stage_name",
            "aliases",
            "legal_name",
            "status",
            "email",
            "phone",
            "website",
            "genres",
            "country",
            "city",
            "languages",
            "bio",
            "photo",
            "managers",
            "contract_start",
            "contract_end",
            "contract_terms",
            "tags",
            "audience_age_bands",
            "audience_regions",
            "brand_safety_flags",
        ]
        widgets = {
            "contract_start": DateInput(),
            "contract_end": DateInput(),
            "bio": forms.Textarea(attrs={"rows": 4}),
            "contract_terms": forms.Textarea(attrs={"rows": 3}),
            "photo": PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["managers"].queryset = team_members()
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = "\n".join(self.instance.aliases)
        self.fields["photo"].help_text = _("JPEG, PNG, WebP or GIF, up to 5 MB.")

    def clean_aliases(self) -> list[str]:
        aliases = split_list(self.cleaned_data.get("aliases", ""))
        too_long = [alias for alias in aliases if len(alias) > 120]
        if too_long:
            raise ValidationError(_("An alias can have at most 120 characters."))
        return aliases

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if not photo or photo is False or not hasattr(photo, "image"):
            return photo  # unchanged, cleared, or no new file
        if photo.size > MAX_PHOTO_BYTES:
            raise ValidationError(_("The photo is too large: 5 MB at most."))
        image = photo.image
        if (image.format or "").upper() not in PHOTO_FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
        width, height = image.size
        if width * height > MAX_PHOTO_PIXELS:
            raise ValidationError(_("The photo has too many pixels: 40 megapixels at most."))
        return photo

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", _("The contract cannot end before it starts."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """What artist_create/artist_update take (the photo only when it changed)."""
        data = dict(self.cleaned_data)
        photo = data.pop("photo", None)
        fields = {name: data[name] for name in self.Meta.fields if name in data}
        if photo is False:
            fields["photo"] = ""
        elif photo and hasattr(photo, "image"):
            fields["photo"] = photo
        return fields

    def _post_clean(self) -> None:
        """Model validation happens in the services (they raise field-keyed errors the view shows here)."""


class SocialForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    platform = forms.ChoiceField(
        label=_("Platform"), choices=[("", "—"), *SocialProfile.Platform.choices], required=False
    )
    handle = forms.CharField(label=_("Handle"), max_length=120, required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def clean(self) -> dict:
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        platform, handle = data.get("platform"), (data.get("handle") or "").strip().lstrip("@")
        data["handle"] = handle
        if (platform or handle or data.get("url")) and not (platform and handle):
            if not platform:
                self.add_error("platform", _("Choose the platform."))
            if not handle:
                self.add_error("handle", _("Give the handle."))
        return data

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("platform") or data.get("handle"))


class BaseSocialFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, artist: Artist | None = None, **kwargs: Any) -> None:
        self.artist = artist
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[str, str]] = set()
        for form in self.forms:
            if form.cleaned_data.get("DELETE") or form.is_empty():
                continue
            key = (form.cleaned_data["platform"], form.cleaned_data["handle"].casefold())
            if key in seen:
                form.add_error("handle", _("This profile is listed twice."))
                continue
            seen.add(key)
            taken = SocialProfile.objects.filter(platform=key[0], handle__iexact=key[1])
            if self.artist is not None:
                taken = taken.exclude(artist=self.artist)
            owner = taken.select_related("artist").first()
            if owner is not None:
                form.add_error(
                    "handle",
                    _("This profile already belongs to %(artist)s.") % {"artist": owner.artist.stage_name},
                )

    def rows(self) -> list[dict]:
        """The profiles to keep, as dicts for the services (id is None for a new one)."""
        return [
            {
                "id": form.cleaned_data.get("id"),
                "platform": form.cleaned_data["platform"],
                "handle": form.cleaned_data["handle"],
                "url": form.cleaned_data.get("url") or "",
            }
            for form in self.forms
            if not form.cleaned_data.get("DELETE") and not form.is_empty()
        ]


SocialFormSet = forms.formset_factory(
    SocialForm, formset=BaseSocialFormSet, extra=1, can_delete=True, max_num=30
)


def social_initial(artist: Artist) -> list[dict]:
    return [
        {"id": s.pk, "platform": s.platform, "handle": s.handle, "url": s.url} for s in artist.socials.all()
    ]


# --- sponsors and contacts -------------------------------------------------------------------------------------


class SponsorForm(forms.ModelForm):
    budget_min = AmountField(label=_("Budget from"), required=False)
    budget_max = AmountField(label=_("Budget up to"), required=False)
    target_age_bands = forms.MultipleChoiceField(
        label=_("Target age bands"), required=False, choices=AGE_BANDS, widget=forms.CheckboxSelectMultiple
    )
    target_regions = forms.MultipleChoiceField(
        label=_("Target countries"), required=False, choices=country_choices, widget=ChipsSelectMultiple
    )
    target_genres = forms.ModelMultipleChoiceField(
        label=_("Target genres"), required=False, queryset=Genre.objects.all(), widget=ChipsSelectMultiple
    )
    excluded_flags = forms.MultipleChoiceField(
        label=_("Brand-safety exclusions"),
        required=False,
        choices=BrandSafetyFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Artists flagged with any of these are marked as a risk in matching."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), required=False, queryset=Tag.objects.all(), widget=ChipsSelectMultiple
    )
    owner = TeamMemberChoiceField(label=_("Owner"), required=False, queryset=User.objects.none())

    class Meta:
        model = Sponsor
        formfield_callback = https_formfield
        fields = [
            "name",
            "industry",
            "website",
            "owner",
            "budget_min",
            "budget_max",
            "currency",
            "target_age_bands",
            "target_genres",
            "target_regions",
            "excluded_flags",
            "brand_safety_notes",
            "tags",
        ]
        widgets = {"brand_safety_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_members()

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and high < low:
            self.add_error("budget_max", _("The upper budget cannot be below the lower one."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}

    def _post_clean(self) -> None:
        pass


class ContactForm(forms.ModelForm):
    sponsor = forms.ModelChoiceField(
        label=_("Sponsor"), required=False, queryset=Sponsor.objects.all(), widget=PickerSelect("sponsor")
    )
    artist = forms.ModelChoiceField(
        label=_("Artist's team"), required=False, queryset=Artist.objects.all(), widget=PickerSelect("artist")
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), required=False, queryset=Tag.objects.all(), widget=ChipsSelectMultiple
    )

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "role", "email", "phone", "sponsor", "artist", "notes", "tags"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("sponsor") and data.get("artist"):
            self.add_error("artist", _("A contact belongs to a sponsor or to an artist's team, not both."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}

    def _post_clean(self) -> None:
        pass


# --- deals -----------------------------------------------------------------------------------------------------


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.name} ({obj.probability} %)"


class DealForm(forms.ModelForm):
    """Stage options are those of the chosen pipeline; a stage of another pipeline is refused with a clear error."""

    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.filter(archived=False), empty_label=None
    )
    stage = StageChoiceField(
        label=_("Stage"), queryset=Stage.objects.select_related("pipeline"), required=False
    )
    value = AmountField(label=_("Value"), required=False)
    sponsor = forms.ModelChoiceField(
        label=_("Sponsor"), required=False, queryset=Sponsor.objects.all(), widget=PickerSelect("sponsor")
    )
    artists = forms.ModelMultipleChoiceField(
        label=_("Artists"),
        required=False,
        queryset=Artist.objects.all(),
        widget=PickerSelectMultiple("artist"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.all(), widget=PickerSelect("campaign")
    )
    owner = TeamMemberChoiceField(label=_("Owner"), required=False, queryset=User.objects.none())
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), required=False, queryset=Tag.objects.all(), widget=ChipsSelectMultiple
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty to use the stage's probability."),
    )

    class Meta:
        model = Deal
        fields = [
            "title",
            "pipeline",
            "stage",
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
        widgets = {
            "expected_close_date": DateInput(),
            "deliverables": forms.Textarea(attrs={"rows": 3}),
            "lost_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, form_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_members()
        if form_url:  # choosing another pipeline reloads the stage options
            self.fields["pipeline"].widget.attrs.update(
                {
                    "hx-get": form_url,
                    "hx-trigger": "change",
                    "hx-target": "#deal-stage-field",
                    "hx-swap": "outerHTML",
                }
            )
        pipelines = self.fields["pipeline"].queryset
        if self.instance.pk:  # an archived pipeline stays selectable for its own deals
            self.fields["pipeline"].queryset = Pipeline.objects.filter(
                Q(archived=False) | Q(pk=self.instance.pipeline_id)
            )
            pipelines = self.fields["pipeline"].queryset
        self.chosen_pipeline = self._chosen_pipeline(pipelines)
        stages = list(Stage.objects.filter(pipeline=self.chosen_pipeline)) if self.chosen_pipeline else []
        # what the browser offers: the chosen pipeline's stages (validation accepts any, then checks the pipeline)
        self.fields["stage"].widget.choices = [
            ("", _("First open stage")),
            *((stage.pk, self.fields["stage"].label_from_instance(stage)) for stage in stages),
        ]
        self.stage_probabilities = {str(stage.pk): stage.probability for stage in stages}

    def _chosen_pipeline(self, pipelines) -> Pipeline | None:
        key = self.add_prefix("pipeline")
        raw = self.data.get(key) if self.is_bound else None
        raw = raw or self.initial.get("pipeline") or (self.instance.pipeline_id if self.instance.pk else None)
        if isinstance(raw, Pipeline):
            return raw
        if raw:
            try:
                found = pipelines.filter(pk=int(raw)).first()
            except (TypeError, ValueError):
                found = None
            if found:
                return found
        return pipelines.first()

    def clean_value(self) -> Decimal:
        value = self.cleaned_data.get("value")
        return value if value is not None else Decimal(0)

    def clean(self) -> dict:
        data = super().clean()
        pipeline, stage = data.get("pipeline"), data.get("stage")
        if pipeline and stage and stage.pipeline_id != pipeline.pk:
            self.add_error(
                "stage",
                _("The stage “%(stage)s” belongs to the pipeline “%(other)s”, not to “%(pipeline)s”.")
                % {"stage": stage.name, "other": stage.pipeline.name, "pipeline": pipeline.name},
            )
        if stage and stage.outcome == Stage.Outcome.LOST and not (data.get("lost_reason") or "").strip():
            self.add_error("lost_reason", _("Say why the deal was lost."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        if data.get("stage") is None:
            data.pop("stage")
        return data

    def _post_clean(self) -> None:
        pass


# --- campaigns -------------------------------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    artist = forms.ModelChoiceField(
        label=_("Artist"), queryset=Artist.objects.all(), widget=PickerSelect("artist")
    )
    budget = AmountField(label=_("Budget"), required=False)

    class Meta:
        model = Campaign
        fields = ["name", "artist", "status", "objective", "start_date", "end_date", "budget", "currency"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "objective": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The campaign cannot end before it starts."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}

    def _post_clean(self) -> None:
        pass


class KpiForm(forms.Form):
    name = forms.CharField(label=_("KPI"), max_length=80, required=False)
    target = AmountField(label=_("Target"), required=False, decimal_places=2, max_digits=15, example=False)
    actual = AmountField(label=_("Actual"), required=False, decimal_places=2, max_digits=15, example=False)

    def clean(self) -> dict:
        data = super().clean()
        if (
            not self.cleaned_data.get("DELETE")
            and not data.get("name")
            and (data.get("target") is not None or data.get("actual") is not None)
        ):
            self.add_error("name", _("Name this KPI."))
        return data


class BaseKpiFormSet(forms.BaseFormSet):
    def kpis(self) -> list[dict]:
        return [
            {
                "name": form.cleaned_data["name"],
                "target": form.cleaned_data.get("target") or 0,
                "actual": form.cleaned_data.get("actual") or 0,
            }
            for form in self.forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
        ]


KpiFormSet = forms.formset_factory(KpiForm, formset=BaseKpiFormSet, extra=1, can_delete=True, max_num=20)


def kpi_initial(campaign: Campaign) -> list[dict]:
    return [
        {
            "name": k.get("name", ""),
            "target": Decimal(str(k.get("target") or 0)),
            "actual": Decimal(str(k.get("actual") or 0)),
        }
        for k in (campaign.kpis or [])
        if isinstance(k, dict)
    ]


# --- the timeline's quick-add and audience snapshots -----------------------------------------------------------


class InteractionForm(forms.Form):
    """Quick-add from any detail page: the record(s) it is about come as hidden fields."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (value, label) for value, label in Interaction.Kind.choices if value != Interaction.Kind.SYSTEM
        ],
        initial=Interaction.Kind.NOTE,
        widget=forms.RadioSelect,
    )
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    summary = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What happened? Decisions, next steps…")}),
    )
    participants = TeamMemberField(
        label=_("Team members"), required=False, queryset=User.objects.none(), widget=ChipsSelectMultiple
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Contacts present"),
        required=False,
        queryset=Contact.objects.all(),
        widget=ChipsSelectMultiple,
    )
    artist = forms.ModelChoiceField(queryset=Artist.objects.all(), required=False, widget=forms.HiddenInput)
    sponsor = forms.ModelChoiceField(queryset=Sponsor.objects.all(), required=False, widget=forms.HiddenInput)
    contact = forms.ModelChoiceField(queryset=Contact.objects.all(), required=False, widget=forms.HiddenInput)
    deal = forms.ModelChoiceField(queryset=Deal.objects.all(), required=False, widget=forms.HiddenInput)

    TARGETS = ("artist", "sponsor", "contact", "deal")

    def __init__(self, *args: Any, contacts=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = team_members()
        if contacts is not None:
            self.fields["people"].queryset = contacts
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(name) for name in self.TARGETS):
            raise ValidationError(_("This entry is not linked to any record; reload the page and try again."))
        when = data.get("occurred_at")
        if when and when > timezone.now() + timedelta(days=366):
            self.add_error("occurred_at", _("That is more than a year ahead; check the date."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "summary": data["summary"],
            "occurred_at": data["occurred_at"],
            "participants": list(data.get("participants") or []),
            "people": list(data.get("people") or []),
            **{name: data.get(name) for name in self.TARGETS},
        }


class AudienceSnapshotForm(forms.ModelForm):
    engagement_rate = PercentField(label=_("Engagement rate (%)"), required=False)

    class Meta:
        model = AudienceSnapshot
        fields = ["platform", "date", "followers", "monthly_listeners", "engagement_rate"]
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("followers", "monthly_listeners"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0
        self.fields["followers"].initial = None
        self.fields["platform"].choices = [("", _("Choose…")), *SocialProfile.Platform.choices]
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def _post_clean(self) -> None:
        pass


# --- pipeline settings -----------------------------------------------------------------------------------------


class PipelineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Pipeline.Kind.choices, initial=Pipeline.Kind.OTHER)


class PipelineRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    archived = forms.BooleanField(label=_("Archived"), required=False)


class StageForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, widget=forms.TextInput(attrs={"placeholder": _("New stage name")})
    )
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100, initial=0)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Stage.Outcome.choices, initial=Stage.Outcome.OPEN)
    color = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#0d6efd",
        widget=ColorInput,
        error_messages={"invalid": _("Choose a colour like #0d6efd.")},
    )


class StageDeleteForm(forms.Form):
    move_to = forms.ModelChoiceField(
        label=_("Move its deals to"), queryset=Stage.objects.none(), required=False
    )

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = Stage.objects.filter(pipeline_id=stage.pipeline_id).exclude(
            pk=stage.pk
        )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message if target else _label(form, field, message))
    else:
        for message in error.messages:
            form.add_error(None, message)


def _label(form: forms.BaseForm, field: str, message: str) -> str:
    if field in (None, "__all__"):
        return message
    return f"{field.replace('_', ' ').capitalize()}: {message}"
