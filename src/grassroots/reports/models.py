"""Precomputed counts that keep reports fast at national scale.

`AdmissionTally` holds, per admitting unit and calendar month, how many admissions were
decided and how many of them were of women, university graduates, ethnic minorities,
religious believers and readmissions. It is keyed by the unit (not its path), so moving
a unit in the tree needs no update: reports join the tally to units by path prefix.
`rollups.py` keeps it in step with `pipeline.Admission` inside the admission's own
transaction; `grassroots rebuild_rollups` recomputes it from scratch.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdmissionTally(models.Model):
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    admitted = models.PositiveIntegerField(default=0)
    female = models.PositiveIntegerField(default=0)
    university = models.PositiveIntegerField(default=0)
    ethnic_minority = models.PositiveIntegerField(default=0)
    religious = models.PositiveIntegerField(default=0)
    readmitted = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("admission tally")
        verbose_name_plural = _("admission tallies")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="one_tally_per_unit_month")
        ]
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m}: {self.admitted}"
