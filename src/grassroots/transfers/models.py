"""Official and temporary transfers of members, within the system and across its edge."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import LONG_TEXT, long_text, multiline_text, plain_text

# A month as YYYY-MM (the dues a member has paid up to).
month_validator = RegexValidator(
    r"^[0-9]{4}-(?:0[1-9]|1[0-2])$", _("Write the month as YYYY-MM."), code="invalid"
)


class Transfer(models.Model):
    class Kind(models.TextChoices):
        OFFICIAL = "official", _("official")
        TEMPORARY = "temporary", _("temporary")

    class DestinationType(models.TextChoices):
        UNIVERSITY = "university", _("university")
        COLLEGE = "college", _("college")
        VOCATIONAL_SCHOOL = "vocational_school", _("vocational school")
        OTHER_LOCALITY = "other_locality", _("other locality")
        ARMED_FORCES = "armed_forces", _("armed forces")
        ABROAD = "abroad", _("abroad")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ISSUED = "issued", _("issued, not yet received")
        RECEIVED = "received", _("received")
        LEFT_SCOPE = "left_scope", _("left the system")
        RETURNED = "returned", _("returned")
        MADE_OFFICIAL = "made_official", _("made official")
        CANCELLED = "cancelled", _("cancelled")

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    membership = models.ForeignKey(
        "people.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    issued_on = models.DateField(_("issued on"))
    from_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("from unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        help_text=_("Empty for a member arriving from outside the system."),
    )
    to_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("to unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    destination = models.CharField(
        _("destination outside the system"), max_length=200, blank=True, validators=[plain_text]
    )
    destination_type = models.CharField(
        _("destination type"), max_length=30, choices=DestinationType.choices, blank=True
    )
    origin = models.CharField(
        _("origin outside the system"), max_length=200, blank=True, validators=[plain_text]
    )
    report_by = models.DateField(_("report by"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    # A temporary transfer: until when (planned), and when it ended (the member returned
    # to the sending unit, or the transfer was made official).
    ends_on = models.DateField(_("temporary until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ISSUED
    )
    letter_no = models.CharField(
        _("letter number"), max_length=60, blank=True, validators=[plain_text]
    )
    dues_paid_until = models.CharField(
        _("dues paid until (month)"), max_length=7, blank=True, validators=[month_validator]
    )
    note = models.TextField(
        _("note"), blank=True, max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )

    class Meta:
        ordering = ["-issued_on", "id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["person", "issued_on"], name="one_transfer_per_day")
        ]

    def __str__(self):
        target = self.to_unit.code if self.to_unit_id else self.destination
        return f"{self.person} → {target} ({self.issued_on})"

    @property
    def unit(self):
        """The unit whose users see this transfer first: the sender, else the receiver."""
        return self.from_unit or self.to_unit
