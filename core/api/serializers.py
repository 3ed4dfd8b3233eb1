from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.permissions import has_totp


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    roles = serializers.ListField(source="role_names", child=serializers.CharField(), read_only=True)
    two_factor_enabled = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "full_name",
            "initials",
            "job_title",
            "phone",
            "language",
            "time_zone",
            "roles",
            "is_staff",
            "two_factor_enabled",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields

    def get_two_factor_enabled(self, user) -> bool:
        return has_totp(user)
