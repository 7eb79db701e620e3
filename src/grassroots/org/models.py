"""The tree of units, and the clusters and sectors that cut across it."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Cluster(models.Model):
    """A group of neighbouring localities (e.g. Gò Nổi), used for reports and conferences."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return self.name


class Sector(models.Model):
    """A field of work (education, enterprises, health, armed forces, administration)."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name


class Unit(MP_Node):
    """A committee, cell or group. `path` (treebeard) makes a subtree one prefix query.

    Units have a validity period: structures are merged, split and abolished, and old
    units must stay readable for the years they existed.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("committee")
        CELL = "cell", _("cell")
        GROUP = "group", _("group")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), null=True, blank=True, on_delete=models.PROTECT
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The cluster and sector in force here: set on the unit or inherited from the nearest
    # ancestor. Stored so that reports group by them without walking the tree.
    effective_cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    effective_sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class SpecialArea(models.TextChoices):
        MOUNTAIN = "mountain", _("mountain area")
        BORDER = "border", _("border area")
        ISLAND = "island", _("island")
        ETHNIC_MINORITY = "ethnic_minority", _("ethnic-minority area")

    # Where the charter allows exceptions to the education minimum (pipeline rules).
    special_area = models.CharField(
        _("special area"), max_length=20, choices=SpecialArea.choices, blank=True
    )
    valid_from = models.DateField(_("valid from"), default=dt.date(1930, 2, 3))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # The roots (depth 1) and the first levels of the tree without reading every unit.
        indexes = [models.Index(fields=["depth", "path"], name="org_unit_depth_path_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class UnitTally(models.Model):
    """How many people and active members a unit has: directly, and in its whole subtree.

    Kept by database triggers on people_person, people_membership and org_unit (migration
    org/0003, SQL in `grassroots.org.tally`), so every writer (services, the importer, the
    generator's COPY, raw SQL) keeps it right in its own transaction; a unit without a
    row has nobody. `grassroots rebuild_unit_counts` recomputes every row from scratch.
    """

    unit = models.OneToOneField(
        Unit,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="tally",
        # No database constraint: rows are written by triggers, and a unit removed by
        # raw SQL must not be held back by its counter.
        db_constraint=False,
    )
    direct_people = models.IntegerField(default=0)
    direct_members = models.IntegerField(default=0)
    people = models.IntegerField(default=0, help_text="People in the unit and below it.")
    active_members = models.IntegerField(
        default=0, help_text="Probationary and official members in the unit and below it."
    )

    class Meta:
        verbose_name = _("unit tally")
        verbose_name_plural = _("unit tallies")

    def __str__(self):
        return f"{self.unit_id}: {self.people} / {self.active_members}"
