"""Factories of CRM records. Deals use the migrated pipelines ("Artist signing", "Sponsorship") by default."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from crm import normalize
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


def sponsorship() -> Pipeline:
    return Pipeline.objects.get(kind=Pipeline.Kind.SPONSORSHIP)


def signing() -> Pipeline:
    return Pipeline.objects.get(kind=Pipeline.Kind.SIGNING)


def stage(pipeline: Pipeline, name: str) -> Stage:
    return pipeline.stages.get(name=name)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda o: normalize.normalize_name(o.name).replace(" ", "-"))


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist
        skip_postgeneration_save = True

    stage_name = factory.Sequence(lambda n: f"Artiste {n}")
    legal_name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"artist{n}@example.com")
    country = "FR"
    city = "Paris"
    status = Artist.Status.PROSPECT
    normalized_name = factory.LazyAttribute(lambda o: normalize.normalize_name(o.stage_name))

    @factory.post_generation
    def genres(self, create, extracted, **kwargs):
        if create and extracted:
            self.genres.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)


class SocialProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialProfile

    artist = factory.SubFactory(ArtistFactory)
    platform = SocialProfile.Platform.INSTAGRAM
    handle = factory.Sequence(lambda n: f"handle{n}")
    url = factory.LazyAttribute(lambda o: f"https://instagram.com/{o.handle}")


class AudienceSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceSnapshot

    artist = factory.SubFactory(ArtistFactory)
    platform = SocialProfile.Platform.INSTAGRAM
    date = factory.LazyFunction(lambda: timezone.localdate())
    followers = 10_000
    engagement_rate = Decimal("3.50")


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Marque {n}")
    industry = "Beverages"
    budget_min = Decimal("5000")
    budget_max = Decimal("50000")
    normalized_name = factory.LazyAttribute(lambda o: normalize.normalize_name(o.name))

    @factory.post_generation
    def target_genres(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_genres.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    role = "Brand manager"
    normalized_name = factory.LazyAttribute(
        lambda o: normalize.normalize_name(f"{o.first_name} {o.last_name}")
    )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    artist = factory.SubFactory(ArtistFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate())
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    budget = Decimal("10000")


class DealFactory(factory.django.DjangoModelFactory):
    """``DealFactory(stage=stage(sponsorship(), "Proposal"))``; the pipeline follows the stage. Positions append."""

    class Meta:
        model = Deal
        skip_postgeneration_save = True

    stage = factory.LazyFunction(lambda: sponsorship().stages.order_by("position").first())
    pipeline = factory.LazyAttribute(lambda o: o.stage.pipeline)
    title = factory.Sequence(lambda n: f"Deal {n}")
    value = Decimal("10000")
    position = factory.Sequence(lambda n: (n + 1) * (1 << 16))

    @factory.post_generation
    def artists(self, create, extracted, **kwargs):
        if create and extracted:
            self.artists.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    kind = Interaction.Kind.CALL
    summary = factory.Faker("sentence")
    occurred_at = factory.LazyFunction(timezone.now)
    artist = factory.SubFactory(ArtistFactory)
