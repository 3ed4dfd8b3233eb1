import factory

from notifications.models import Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    verb = factory.Sequence(lambda n: f"Something happened #{n}")
    kind = "system"
