from rest_framework import serializers

from ..models import Notification, NotificationPreference


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class NotificationSerializer(serializers.ModelSerializer):
    actor = ActorSerializer(read_only=True, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "verb", "level", "url", "actor", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkAllReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(choices=NotificationPreference.Channel.choices)
