"""The register of persons and the register of members."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import email_address, plain_text
from grassroots.vietnamese import fold, name_sort_key


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class Education(models.TextChoices):
    NONE = "none", _("none")
    PRIMARY = "primary", _("primary")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("upper secondary")
    VOCATIONAL = "vocational", _("vocational")
    COLLEGE = "college", _("college")
    UNIVERSITY = "university", _("university")
    MASTER = "master", _("master")
    DOCTORATE = "doctorate", _("doctorate")


class Occupation(models.TextChoices):
    """The occupation groups of the statistical form (guideline 11-HD/BTCTW, form 2), in
    the form's order. Empty means unknown and counts as `other`; the person's own words go
    in `job_title`."""

    STATE_OFFICIAL = "state_official", _("civil servant of the state")
    PARTY_MASS_ORG_OFFICIAL = (
        "party_mass_org_official",
        _("official of the party, the Front or a mass organisation"),
    )
    COMMUNE_OFFICIAL = "commune_official", _("commune official")
    PUBLIC_EMPLOYEE = "public_employee", _("public employee")
    NON_PUBLIC_EMPLOYEE = "non_public_employee", _("employee outside the public sector")
    BUSINESS_OWNER = "business_owner", _("owner of a private enterprise")
    ENTERPRISE_MANAGER = "enterprise_manager", _("enterprise manager")
    WORKER = "worker", _("staff and workers of enterprises")
    FARMER = "farmer", _("farmer, forester, fisher")
    ARMED_FORCES = "armed_forces", _("armed forces")
    UNIVERSITY_STUDENT = "university_student", _("university student")
    PUPIL = "pupil", _("pupil")
    OTHER = "other", _("other")


# Degrees that count as "university" in reports (exchange-format.md).
UNIVERSITY_OR_ABOVE = (Education.UNIVERSITY, Education.MASTER, Education.DOCTORATE)

national_id_validator = RegexValidator(
    r"^[A-Za-z0-9]{1,20}$", _("Use letters and digits only, at most 20.")
)


class Person(models.Model):
    """Anyone the organisation knows: a source, a candidate, a member, a former member."""

    national_id = models.CharField(
        _("national ID"), max_length=20, unique=True, validators=[national_id_validator]
    )
    full_name = models.CharField(_("full name"), max_length=200, validators=[plain_text])
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True, validators=[plain_text])
    ethnic_minority = models.BooleanField(_("ethnic minority"), default=False)
    religion = models.CharField(_("religion"), max_length=60, blank=True, validators=[plain_text])
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"),
        max_length=30,
        choices=Occupation.choices,
        blank=True,
        help_text=_("The group of the statistical form; empty: unknown."),
    )
    job_title = models.CharField(
        _("job title"), max_length=120, blank=True, validators=[plain_text]
    )
    youth_union = models.BooleanField(
        _("Youth Union member"), default=False, help_text=_("A member of the Youth Union.")
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Where the person lives, works or studies."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[plain_text])
    email = models.EmailField(_("e-mail"), blank=True, validators=[plain_text, email_address])
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[plain_text])
    # Accent-free, lower-case name and ID: what search matches against on any database.
    # Search is `contains`, which no B-tree serves: PostgreSQL has a trigram index on it
    # (people migration 0002), SQLite scans its small tables.
    search_text = models.CharField(max_length=240, editable=False)
    # Vietnamese roster order as a digits-only key (vietnamese.name_sort_key). Every list
    # orders by (sort_key, national_id): one index in that order serves them (people
    # migrations 0002 and 0006), not one of its own.
    sort_key = models.CharField(max_length=400, editable=False)

    class Meta:
        ordering = ["sort_key", "national_id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "sort_key"}
        super().save(*args, **kwargs)

    def refresh_derived_fields(self):
        self.search_text, self.sort_key = derived_fields(self.full_name, self.national_id)


def derived_fields(full_name, national_id):
    """(search_text, sort_key) of a person: what search matches and the roster order."""
    return f"{fold(full_name)} {national_id.lower()}"[:240], name_sort_key(full_name)[:400]


class Membership(models.Model):
    """One spell of membership in the register: admitted, probation, official, gone.

    A person readmitted after leaving has a second Membership. The current unit moves
    with official transfers; `Transfer` rows keep every unit they belonged to.
    """

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("probationary")
        OFFICIAL = "official", _("official member")
        NOT_CONFIRMED = "not_confirmed", _("not confirmed")
        TRANSFERRED_OUT = "transferred_out", _("transferred out")
        LEFT = "left", _("left")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    admitted_on = models.DateField(_("admitted on"), help_text=_("Date of the admission decision."))
    ceremony_date = models.DateField(_("ceremony date"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    official_since = models.DateField(_("official member since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # Why a membership ended by leaving (status left): a code of the rule set's
    # `leave_reasons` (pipeline/rules.py), which decides whether readmission is possible.
    leave_reason = models.CharField(_("reason for leaving"), max_length=40, blank=True)
    # Since when the membership has been in its current unit (an official transfer's
    # arrival); empty: since the admission. Introducers' months together count from here.
    unit_since = models.DateField(_("in this unit since"), null=True, blank=True)
    readmission = models.BooleanField(_("readmission"), default=False)

    class Meta:
        ordering = ["-admitted_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.person} · {self.get_status_display()}"

    @property
    def history_key(self):
        """How the history names this membership where a record refers to it (a transfer):
        its person's national ID, the same in every language."""
        return self.person.national_id

    @property
    def is_active(self):
        return self.status in (self.Status.PROBATIONARY, self.Status.OFFICIAL)
