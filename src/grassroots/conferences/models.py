"""Thematic conferences of a committee's cluster or sector: who took part, what was
concluded, the follow-up tasks, and the praise and criticism recorded against units and
people (by a conference or a supervision finding)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.models import Role
from grassroots.inputs import LONG_TEXT, long_text, multiline_text, plain_text

ATTENDANCE = [MinValueValidator(0), MaxValueValidator(99_999)]


class Conference(models.Model):
    """A conference held by the committee of `committee` for one of its clusters or
    sectors, or for a list of units (neither cluster nor sector)."""

    committee = models.ForeignKey(
        "org.Unit",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    cluster = models.ForeignKey(
        "org.Cluster",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.ForeignKey(
        "org.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(
        pgettext_lazy("conference", "title"), max_length=200, validators=[plain_text]
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[plain_text])
    chair = models.CharField(_("chair"), max_length=200, blank=True, validators=[plain_text])
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="conference_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(cluster__isnull=True) | models.Q(sector__isnull=True),
                name="conference_cluster_or_sector",
            ),
        ]

    def __str__(self):
        return f"{self.committee.code} {self.date} {self.title}"

    @property
    def grouping(self):
        """("cluster" | "sector" | "units", name or '')."""
        if self.cluster_id:
            return "cluster", self.cluster.name
        if self.sector_id:
            return "sector", self.sector.name
        return "units", ""


class Participation(models.Model):
    """A unit taking part in a conference, and how many of its people attended (or only
    whether it was present)."""

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), null=True, blank=True)
    attendees = models.PositiveIntegerField(
        _("attendees"), null=True, blank=True, validators=ATTENDANCE
    )
    invited = models.PositiveIntegerField(
        _("invited"), null=True, blank=True, validators=ATTENDANCE
    )

    class Meta:
        ordering = ["conference", "unit__path"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "unit"], name="one_participation_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.conference_id} {self.unit.code}"


class Conclusion(models.Model):
    """What the conference concluded, as text; its tasks say who does what by when."""

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="conclusions",
    )
    text = models.TextField(
        _("conclusion"), max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )

    class Meta:
        ordering = ["conference", "id"]
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")

    def __str__(self):
        return self.text[:60]


class Task(models.Model):
    """A follow-up task of a conclusion: for a unit, what to do, the role responsible on
    that unit, by when; and when it was done, by whom, with a note."""

    conclusion = models.ForeignKey(
        Conclusion, verbose_name=_("conclusion"), on_delete=models.CASCADE, related_name="tasks"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="conference_tasks",
    )
    role = models.CharField(_("responsible"), max_length=30, choices=Role.choices)
    action = models.CharField(_("what to do"), max_length=500, validators=[plain_text])
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completion_note = models.TextField(
        _("completion note"),
        blank=True,
        max_length=LONG_TEXT,
        validators=[multiline_text, long_text],
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("conference task")
        verbose_name_plural = _("conference tasks")
        indexes = [models.Index(fields=["completed_on", "due_on"], name="conference_task_open")]

    def __str__(self):
        return f"{self.unit.code} {self.due_on} {self.action[:40]}"


class Recognition(models.Model):
    """Praise or criticism of a unit or a person, recorded by a conference or a
    supervision finding: what was found and what was decided (a free text with its
    document reference; the product records, it does not decide discipline)."""

    class Kind(models.TextChoices):
        COMMEND = "commend", _("commendation")
        SHORTCOMING = "shortcoming", _("shortcoming")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    date = models.DateField(_("date"))
    text = models.TextField(
        _("what was found"), max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )
    decision = models.TextField(
        _("decision"), blank=True, max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )
    document_ref = models.CharField(
        _("document"), max_length=120, blank=True, validators=[plain_text]
    )
    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recognitions",
    )
    finding = models.ForeignKey(
        "plans.Finding",
        verbose_name=_("supervision finding"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recognitions",
    )

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conference__isnull=False) | models.Q(finding__isnull=False),
                name="recognition_has_origin",
            )
        ]

    def __str__(self):
        return f"{self.unit.code} {self.date} {self.get_kind_display()}"
