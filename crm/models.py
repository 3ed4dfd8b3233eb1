"""MONA's CRM: artists (with their socials and audience history), sponsors, contacts, pipelines of deals,
campaigns, the interactions timeline, saved list views, scoring settings and import jobs.

Writes go through :mod:`crm.services`; reads through :mod:`crm.selectors`. Denormalised columns (``score``,
``audience_total``, ``normalized_name``, ``last_interaction_at``…) are kept up to date by the services.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.boards.models import BoardCard, BoardColumn

DEFAULT_CURRENCY = "EUR"
CURRENCIES = [("EUR", "EUR"), ("USD", "USD"), ("GBP", "GBP"), ("CHF", "CHF"), ("CAD", "CAD")]

# Audience age bands shared by artists (who listens) and sponsors (whom they target).
AGE_BANDS = [
    ("13-17", "13–17"),
    ("18-24", "18–24"),
    ("25-34", "25–34"),
    ("35-44", "35–44"),
    ("45-54", "45–54"),
    ("55+", "55+"),
]


class BrandSafetyFlag(models.TextChoices):
    """What a brand may refuse to be associated with (on artists: what applies; on sponsors: what they exclude)."""

    EXPLICIT_LYRICS = "explicit_lyrics", _("Explicit lyrics")
    ALCOHOL = "alcohol", _("Alcohol")
    GAMBLING = "gambling", _("Gambling")
    POLITICS = "politics", _("Political statements")
    CONTROVERSY = "controversy", _("Recent controversy")
    COMPETITOR = "competitor", _("Works with a competitor")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(models.functions.Lower("name"), name="crm_tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Genre(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self) -> str:
        return self.name


class Artist(TimeStamped):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        IN_TALKS = "in_talks", _("In talks")
        SIGNED = "signed", _("Signed")
        ALUMNI = "alumni", _("Alumni")

    stage_name = models.CharField(_("stage name"), max_length=120)
    aliases = ArrayField(
        models.CharField(max_length=120), verbose_name=_("aliases"), default=list, blank=True
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    genres = models.ManyToManyField(Genre, verbose_name=_("genres"), blank=True, related_name="artists")
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    languages = ArrayField(
        models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True
    )
    bio = models.TextField(_("bio"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="crm/artists/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROSPECT)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("managers"), blank=True, related_name="managed_artists"
    )
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    contract_terms = models.TextField(_("contract terms"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="artists")
    # who listens (for sponsor matching)
    audience_age_bands = ArrayField(
        models.CharField(max_length=8, choices=AGE_BANDS),
        verbose_name=_("audience age bands"),
        default=list,
        blank=True,
    )
    audience_regions = ArrayField(
        models.CharField(max_length=2), verbose_name=_("audience countries"), default=list, blank=True
    )
    brand_safety_flags = ArrayField(
        models.CharField(max_length=32, choices=BrandSafetyFlag.choices),
        verbose_name=_("brand-safety flags"),
        default=list,
        blank=True,
    )
    # kept by the services
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True, default="")
    audience_total = models.BigIntegerField(_("audience"), default=0, editable=False)
    score = models.PositiveSmallIntegerField(
        _("score"), default=0, editable=False, validators=[MaxValueValidator(100)]
    )
    score_breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True, editable=False)
    score_updated_at = models.DateTimeField(_("score updated"), null=True, blank=True, editable=False)
    last_interaction_at = models.DateTimeField(_("last interaction"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["score_breakdown", "score_updated_at", "updated_at"])

    class Meta:
        ordering = ["stage_name"]
        verbose_name = _("artist")
        verbose_name_plural = _("artists")
        indexes = [
            models.Index(fields=["status", "stage_name"]),
            models.Index(fields=["stage_name", "id"], name="crm_artist_name_idx"),
            # the sponsor match list's candidate scan (crm.selectors.scoring) reads only these columns
            models.Index(
                fields=["status", "score"],
                include=[
                    "id",
                    "stage_name",
                    "audience_total",
                    "country",
                    "audience_regions",
                    "audience_age_bands",
                    "brand_safety_flags",
                ],
                name="crm_artist_match_idx",
            ),
            models.Index(fields=["-score"]),
            models.Index(fields=["-audience_total"]),
            GinIndex(fields=["aliases"], name="crm_artist_aliases_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="crm_artist_contract_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.stage_name

    def clean(self) -> None:
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("The contract cannot end before it starts.")})


class SocialProfile(models.Model):
    class Platform(models.TextChoices):
        SPOTIFY = "spotify", "Spotify"
        INSTAGRAM = "instagram", "Instagram"
        TIKTOK = "tiktok", "TikTok"
        YOUTUBE = "youtube", "YouTube"
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        SOUNDCLOUD = "soundcloud", "SoundCloud"
        DEEZER = "deezer", "Deezer"
        TWITCH = "twitch", "Twitch"
        OTHER = "other", _("Other")

    artist = models.ForeignKey(
        Artist, verbose_name=_("artist"), on_delete=models.CASCADE, related_name="socials"
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=120)
    url = models.URLField(_("URL"), blank=True)

    class Meta:
        ordering = ["platform", "handle"]
        verbose_name = _("social profile")
        verbose_name_plural = _("social profiles")
        constraints = [
            models.UniqueConstraint(
                "platform", models.functions.Lower("handle"), name="crm_social_platform_handle_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"


class AudienceSnapshot(models.Model):
    """An artist's audience on one platform on one day; growth is computed from the series."""

    artist = models.ForeignKey(
        Artist, verbose_name=_("artist"), on_delete=models.CASCADE, related_name="audience_snapshots"
    )
    platform = models.CharField(_("platform"), max_length=16, choices=SocialProfile.Platform.choices)
    date = models.DateField(_("date"))
    followers = models.BigIntegerField(_("followers"), default=0, validators=[MinValueValidator(0)])
    monthly_listeners = models.BigIntegerField(
        _("monthly listeners"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    engagement_rate = models.DecimalField(
        _("engagement rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        ordering = ["artist", "platform", "-date"]
        verbose_name = _("audience snapshot")
        verbose_name_plural = _("audience snapshots")
        constraints = [
            models.UniqueConstraint(fields=["artist", "platform", "date"], name="crm_snapshot_one_per_day")
        ]
        indexes = [models.Index(fields=["artist", "platform", "-date"])]

    def __str__(self) -> str:
        return f"{self.artist} {self.platform} {self.date}"


class Sponsor(TimeStamped):
    name = models.CharField(_("name"), max_length=150)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    budget_min = models.DecimalField(
        _("budget from"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max = models.DecimalField(
        _("budget up to"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default=DEFAULT_CURRENCY)
    target_age_bands = ArrayField(
        models.CharField(max_length=8, choices=AGE_BANDS),
        verbose_name=_("target age bands"),
        default=list,
        blank=True,
    )
    target_genres = models.ManyToManyField(
        Genre, verbose_name=_("target genres"), blank=True, related_name="sponsors"
    )
    target_regions = ArrayField(
        models.CharField(max_length=2), verbose_name=_("target countries"), default=list, blank=True
    )
    excluded_flags = ArrayField(
        models.CharField(max_length=32, choices=BrandSafetyFlag.choices),
        verbose_name=_("brand-safety exclusions"),
        default=list,
        blank=True,
    )
    brand_safety_notes = models.TextField(_("brand-safety notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_sponsors",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="sponsors")
    normalized_name = models.CharField(max_length=150, editable=False, db_index=True, default="")
    last_interaction_at = models.DateTimeField(_("last interaction"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=models.F("budget_min")),
                name="crm_sponsor_budget_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.budget_min is not None and self.budget_max is not None and self.budget_max < self.budget_min:
            raise ValidationError({"budget_max": _("The upper budget cannot be below the lower one.")})


class Contact(TimeStamped):
    """A person at a sponsor (brand manager…) or in an artist's team (manager, booker, label rep…)."""

    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    sponsor = models.ForeignKey(
        Sponsor,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    artist = models.ForeignKey(
        Artist,
        verbose_name=_("artist's team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="team",
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="contacts")
    normalized_name = models.CharField(max_length=170, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(models.functions.Lower("email"), name="crm_contact_email_ci"),
            models.Index(fields=["last_name", "first_name", "id"], name="crm_contact_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sponsor__isnull=True) | Q(artist__isnull=True),
                name="crm_contact_one_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self) -> None:
        if self.sponsor_id and self.artist_id:
            raise ValidationError(_("A contact belongs to a sponsor or to an artist's team, not both."))


class Pipeline(models.Model):
    """A board of deals (e.g. "Artist signing", "Sponsorship") with its own ordered stages."""

    class Kind(models.TextChoices):
        SIGNING = "signing", _("Artist signing")
        SPONSORSHIP = "sponsorship", _("Sponsorship")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    position = models.PositiveIntegerField(_("position"), default=0)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(BoardColumn):
    """A column of a pipeline. ``probability`` is the default win probability of its deals."""

    class Outcome(models.TextChoices):
        OPEN = "open", pgettext_lazy("deal outcome", "Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.OPEN)
    color = models.CharField(_("colour"), max_length=7, default="#0d6efd")

    class Meta:
        ordering = ["pipeline", "position", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="crm_stage_name_unique_in_pipeline"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="crm_stage_probability_0_100"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.outcome != self.Outcome.OPEN


class Campaign(TimeStamped):
    """A MONA campaign for an artist (a release push, a tour, a brand collaboration)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    artist = models.ForeignKey(
        Artist, verbose_name=_("artist"), on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=150)
    objective = models.TextField(_("objective"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default=DEFAULT_CURRENCY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # [{"name": "Streams", "target": 1000000, "actual": 420000}, …]
    kpis = models.JSONField(_("KPIs"), default=list, blank=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="crm_campaign_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The campaign cannot end before it starts.")})


class Deal(TimeStamped, BoardCard):
    """An opportunity on a pipeline: a sponsorship, a signing, a booking. A card of the pipeline board."""

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals")
    title = models.CharField(_("title"), max_length=200)
    sponsor = models.ForeignKey(
        Sponsor,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    artists = models.ManyToManyField(Artist, verbose_name=_("artists"), blank=True, related_name="deals")
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default=DEFAULT_CURRENCY)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty to use the stage's probability."),
    )
    expected_close_date = models.DateField(_("expected close"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_deals",
    )
    deliverables = models.TextField(_("deliverables"), blank=True)
    lost_reason = models.TextField(_("lost reason"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="deals")

    history = HistoricalRecords(excluded_fields=["updated_at", "position"])

    class Meta:
        ordering = ["stage", "position", "pk"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["stage", "position"]),
            # the board (crm.boards): every card id in board order and the column totals, read from the index
            # alone (it also serves every (pipeline) / (pipeline, stage) lookup the old index did)
            models.Index(
                fields=["pipeline", "stage", "position", "id"],
                include=["value", "probability", "currency"],
                name="crm_deal_board_idx",
            ),
            models.Index(fields=["owner"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_probability(self) -> int:
        return self.probability if self.probability is not None else self.stage.probability

    @property
    def weighted_value(self) -> Decimal:
        return (self.value * self.effective_probability / Decimal(100)).quantize(Decimal("0.01"))

    def clean(self) -> None:
        if self.stage_id and self.pipeline_id and self.stage.pipeline_id != self.pipeline_id:
            raise ValidationError({"stage": _("This stage belongs to another pipeline.")})


class Interaction(models.Model):
    """One entry of the timeline: a call, an e-mail, a meeting, a note, a message, or an event the system wrote
    ("moved from Negotiation to Won by Léa"). Linked to any of an artist, a sponsor, a contact, a deal."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("E-mail")
        MEETING = "meeting", _("Meeting")
        NOTE = "note", _("Note")
        MESSAGE = "message", _("Message")
        SYSTEM = "system", _("Event")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    occurred_at = models.DateTimeField(_("date"))
    summary = models.TextField(_("summary"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_interactions",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team members"), blank=True, related_name="+"
    )
    people = models.ManyToManyField(Contact, verbose_name=_("contacts present"), blank=True, related_name="+")
    artist = models.ForeignKey(
        Artist,
        verbose_name=_("artist"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    sponsor = models.ForeignKey(
        Sponsor,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    # what a system event was about, e.g. {"event": "stage_changed", "from": "Negotiation", "to": "Won"}
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["artist", "-occurred_at"]),
            models.Index(fields=["sponsor", "-occurred_at"]),
            models.Index(fields=["contact", "-occurred_at"]),
            models.Index(fields=["deal", "-occurred_at"]),
            models.Index(fields=["-occurred_at", "-id"], name="crm_interaction_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(artist__isnull=False)
                | Q(sponsor__isnull=False)
                | Q(contact__isnull=False)
                | Q(deal__isnull=False),
                name="crm_interaction_linked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary[:60]}"


class SavedView(models.Model):
    """A named set of list filters, sorting and columns, private to its owner or shared with the team."""

    class ListKey(models.TextChoices):
        ARTISTS = "artists", _("Artists")
        SPONSORS = "sponsors", _("Sponsors")
        CONTACTS = "contacts", _("Contacts")
        DEALS = "deals", _("Deals")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="crm_saved_views",
    )
    list_key = models.CharField(_("list"), max_length=16, choices=ListKey.choices)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=2000, blank=True)  # the list's query string
    columns = ArrayField(models.CharField(max_length=40), verbose_name=_("columns"), default=list, blank=True)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["list_key", "name"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "list_key", "name"], name="crm_saved_view_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ScoringConfig(models.Model):
    """The weights of the artist score (one row; an Admin tunes it). Criteria: see crm.scoring."""

    weights = models.JSONField(_("weights"), default=dict, blank=True)
    # genre/market fit: the genres and countries the agency is looking for
    focus_genres = models.ManyToManyField(Genre, verbose_name=_("focus genres"), blank=True, related_name="+")
    focus_countries = ArrayField(
        models.CharField(max_length=2), verbose_name=_("focus countries"), default=list, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self) -> str:
        return str(_("Scoring settings"))


class ImportJob(models.Model):
    """One CSV/XLSX import: upload → column mapping → preview → commit (Celery, all-or-nothing) → log."""

    class Kind(models.TextChoices):
        ARTISTS = "artists", _("Artists")
        SPONSORS = "sponsors", _("Sponsors")
        CONTACTS = "contacts", _("Contacts")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        MAPPED = "mapped", _("Columns mapped")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="crm_imports",
    )
    kind = models.CharField(_("records"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="crm/imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8, default="csv")  # csv | xlsx
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    headers = models.JSONField(_("columns"), default=list, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)  # {"column header": "field name"}
    decisions = models.JSONField(
        _("decisions"), default=dict, blank=True
    )  # {"row number": "skip|update|create"}
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows read"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    log = models.JSONField(
        _("log"), default=list, blank=True
    )  # [{"row": 3, "outcome": "error", "message": …}]
    error = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name
