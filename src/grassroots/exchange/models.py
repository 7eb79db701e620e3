"""A record of each import: who, when, what file, and its summary."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Import(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(_("file"), max_length=255)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.source_name}"
