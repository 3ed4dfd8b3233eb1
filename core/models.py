from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedRun(models.Model):
    """Marks that a data set (``manage.py seed_demo``) was loaded, so a second run does nothing."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    seed = models.IntegerField(_("seed"))
    scale = models.PositiveIntegerField(_("scale"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("seed run")
        verbose_name_plural = _("seed runs")

    def __str__(self) -> str:
        return f"{self.name} (seed {self.seed}, scale {self.scale})"
