"""Precomputed counts that keep reports fast at national scale.

`AdmissionTally` holds, per admitting unit and calendar month, how many admissions were
decided and how many of them were of women, university graduates, ethnic minorities,
religious believers and readmissions. It is keyed by the unit, so it never changes when
the structure does. `SubtreeTally` holds the same for everything below a unit, as it
stood on each decision date. `rollups.py` keeps both in step with `pipeline.Admission`
inside the writer's own transaction; `grassroots rebuild_rollups` recomputes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdmissionTally(models.Model):
    """Admissions decided by `unit` itself in one calendar month, by count."""

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


class SubtreeTally(models.Model):
    """Admissions decided at the units that stood strictly below `unit` on each admission's
    decision date ("as it was"), in one calendar month, by dimension and value, so that a
    report at any unit reads a handful of rows however large its subtree (its own
    admissions come from `AdmissionTally` and the admissions table). A unit that moves
    later changes nothing here for the months before its move.

    Dimensions: "count" (value: one of the `AdmissionTally` counts, e.g. "female"),
    "education" and "occupation" (as the admission recorded them), "religion" (non-empty
    only), "age" (whole years at the decision date), and "cluster.<count>" and
    "sector.<count>" (value: the id of the cluster or sector in force at the admitting unit
    on the decision date, "" for none). Rows with n = 0 are deleted. Kept by `rollups`,
    subscribed to the facts the services announce, in their own transactions.
    """

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique constraint below starts with the unit
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    dimension = models.CharField(_("dimension"), max_length=40)
    value = models.CharField(_("value"), max_length=120, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("subtree tally")
        verbose_name_plural = _("subtree tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "dimension", "value"], name="one_subtree_tally_per_key"
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m} {self.dimension}={self.value}: {self.n}"
