"""Shared factories. Apps add theirs in tests/<app>/factories.py."""

import factory
from django.contrib.auth.models import Group

from accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@mona-spark.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["Manager"])"""
        if create and extracted:
            self.groups.set([Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()
