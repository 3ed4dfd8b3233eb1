"""Models that exist only in the test database (the app is installed by config.settings.test)."""

from django.db import models

from core.fields import EncryptedTextField


class SecretHolder(models.Model):
    name = models.CharField(max_length=100)
    secret = EncryptedTextField(blank=True)
    token = EncryptedTextField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
