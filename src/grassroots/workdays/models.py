"""Days an administrator marks as working or not, over the public holiday calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import plain_text


class CalendarDay(models.Model):
    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.day} {'+' if self.is_working_day else '-'}"
