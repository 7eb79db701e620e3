"""The tree of units, and the clusters and sectors that cut across it."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from grassroots.history.models import Cause
from grassroots.inputs import plain_text, url_code


class Cluster(models.Model):
    """A group of neighbouring localities (e.g. Gò Nổi), used for reports and conferences."""

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[plain_text])

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return self.name


class Sector(models.Model):
    """A field of work (education, enterprises, health, armed forces, administration)."""

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[plain_text])

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

    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[plain_text, url_code]
    )
    name = models.CharField(_("name"), max_length=200, validators=[plain_text])
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


# The last day of an open period in the tables below: a date range query then needs no
# NULL test, and every row is "valid_from <= day <= valid_to".
OPEN_END = dt.date(9999, 12, 31)


class UnitEvent(models.Model):
    """A dated change of the structure: a move, rename, merge, split or close.

    An event is recorded once and never edited: it names the effective date E (the first
    day of the new structure), the resolution it follows, who recorded it and through what,
    and what passed where (`summary`). Units are never deleted and codes never reused: a
    unit that ceases to exist ends on E − 1 and stays readable under its code.
    """

    class Kind(models.TextChoices):
        MOVE = "move", _("move")
        RENAME = "rename", _("rename")
        MERGE = "merge", _("merge")
        SPLIT = "split", _("split")
        CLOSE = "close", _("close")

    kind = models.CharField(_("kind of event"), max_length=10, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"), db_index=True)
    reference = models.CharField(
        _("resolution"), max_length=200, blank=True, validators=[plain_text]
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("recorded through"), max_length=20, blank=True)
    # What passed where, as shown on the event's page: units, people, members, open
    # dossiers, sources and role assignments, by code and national ID.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("restructuring event")
        verbose_name_plural = _("restructuring events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_date:%Y-%m-%d} (#{self.pk})"

    @property
    def history_reference(self):
        """The `reference` of every history row this event caused."""
        return f"unit-event:{self.pk}"

    def get_channel_display(self):
        """How the event was recorded (form, command, API…) in the active language."""
        return dict(Cause.choices).get(self.channel, self.channel)


class UnitEventPart(models.Model):
    """A unit an event touched, and how: the unit moved, renamed or closed (`subject`),
    a unit that ended in a merge or split (`predecessor`), or the unit that absorbed it or
    was made from it (`successor`)."""

    class Role(models.TextChoices):
        SUBJECT = "subject", _("subject")
        PREDECESSOR = "predecessor", _("predecessor")
        SUCCESSOR = "successor", _("successor")

    event = models.ForeignKey(UnitEvent, on_delete=models.CASCADE, related_name="parts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="event_parts")
    role = models.CharField(max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["event", "unit", "role"], name="one_part_per_role")
        ]

    def __str__(self):
        return f"{self.event_id} {self.role} {self.unit_id}"


class UnitVersion(models.Model):
    """Where a unit stood (`parent`) and what it was called over [valid_from, valid_to].

    The versions of a unit cover its validity without gap or overlap; an event that moves
    or renames a unit ends its version on E − 1 and starts a new one on E. This is the
    record of the structure over time; `UnitAncestry` is derived from it.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(default=OPEN_END)
    event = models.ForeignKey(
        UnitEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )

    class Meta:
        ordering = ["unit", "valid_from"]
        indexes = [
            models.Index(fields=["unit", "valid_from"], name="org_version_unit_idx"),
            models.Index(fields=["parent", "valid_from"], name="org_version_parent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_version_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.unit_id} under {self.parent_id} {self.valid_from}..{self.valid_to}"


class UnitAncestry(models.Model):
    """`ancestor` stood `distance` levels above `unit` (0: the unit itself) on every day
    of [valid_from, valid_to]: the tree over time as one indexed table, so that "the units
    above X on day D" and "the units below Y on day D" are single queries.

    Derived from `UnitVersion` and kept by the org services in the same transaction as
    the versions; `grassroots rebuild_ancestry --check` compares it with a fresh
    derivation.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    distance = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(default=OPEN_END)

    class Meta:
        indexes = [
            models.Index(fields=["ancestor", "valid_from"], name="org_ancestry_below_idx"),
            models.Index(fields=["unit", "valid_from"], name="org_ancestry_above_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_ancestry_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.ancestor_id} above {self.unit_id} ({self.distance})"


class SplitShare(models.Model):
    """Where a person went when their unit was split (named in the split's --assign file).

    People not named went to the split's first new unit. A restated report counts the
    split unit's admissions for the successor the admitted person went to.
    """

    event = models.ForeignKey(UnitEvent, on_delete=models.CASCADE, related_name="shares")
    person_id = models.BigIntegerField(db_index=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person_id"], name="one_share_per_person")
        ]

    def __str__(self):
        return f"{self.event_id}: {self.person_id} → {self.unit_id}"
