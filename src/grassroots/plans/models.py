"""Targets a superior unit sets for the units below it, and supervision findings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import LONG_TEXT, long_text, multiline_text, plain_text

# Targets count admissions: a whole number from 0 to this (the database's integers go
# further, but no plan does).
MAX_COUNT = 999_999_999
COUNT = [MinValueValidator(0), MaxValueValidator(MAX_COUNT)]
# A share is a percentage between 0 and 100 with one decimal.
SHARE = {
    "max_digits": 5,
    "decimal_places": 1,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class Target(models.Model):
    """A period's target: at least `minimum` admissions, `stretch` if the plan is a range.

    Targets of one unit may nest (a term containing years) but never partly overlap.
    """

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    minimum = models.PositiveIntegerField(_("minimum"), validators=COUNT)
    stretch = models.PositiveIntegerField(_("stretch"), null=True, blank=True, validators=COUNT)
    women_share = models.DecimalField(_("share of women (%)"), **SHARE)
    university_share = models.DecimalField(_("share of university graduates (%)"), **SHARE)
    student_share = models.DecimalField(_("share of students (%)"), **SHARE)
    non_state_worker_share = models.DecimalField(
        _("share of workers in non-state enterprises (%)"), **SHARE
    )
    resolution_ref = models.CharField(
        _("resolution"), max_length=120, blank=True, validators=[plain_text]
    )
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "period_start", "-period_end"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end"], name="one_target_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="target_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(stretch__isnull=True)
                | models.Q(stretch__gte=models.F("minimum")),
                name="target_stretch_at_least_minimum",
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.period_start}–{self.period_end}: {self.minimum}"


class Finding(models.Model):
    """An inspection or supervision finding recorded by a superior for a unit below it."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("commendation")
        SHORTCOMING = "shortcoming", _("shortcoming")

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit inspected"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    by_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("inspecting unit"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    findings = models.TextField(
        _("findings"), max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.unit.code} {self.date} {self.get_kind_display()}"


class StoredForecast(models.Model):
    """A target's forecast as made on `made_on` by the nightly job (`plans.forecasting.
    record_forecasts`): what the pages and the API show for a committee whose history is too
    large to read on every request. A forecast is a statement of a day, not a copy of a
    fact: it is not kept true afterwards, and the page says which day it is from."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="forecasts")
    made_on = models.DateField()
    admitted = models.PositiveIntegerField()
    expected = models.FloatField()
    probability = models.FloatField(null=True)
    low = models.PositiveIntegerField()
    high = models.PositiveIntegerField()
    pipeline = models.PositiveIntegerField()
    pace = models.FloatField()
    behind = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "made_on"], name="one_forecast_a_day")
        ]

    def __str__(self):
        return f"{self.target} on {self.made_on}"
