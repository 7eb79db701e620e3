"""Sources, awareness courses, admission dossiers, admissions and confirmations.

The rules of the procedure are data in `rules.py`, read by `engine.py`; these models only
store the facts, each with its own date.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import (
    LONG_TEXT,
    composed,
    long_text,
    multiline_text,
    plain_text,
    url_code,
)

from .rules import get_rules


class Source(models.Model):
    """A person a unit has nominated as a promising candidate (a 'source')."""

    class Category(models.TextChoices):
        STUDENT = "student", _("student")
        TEACHER = "teacher", _("teacher")
        OFFICIAL = "official", _("official or civil servant")
        WORKER_NON_STATE = "worker_non_state", _("worker in a non-state enterprise")
        WORKER = "worker", _("worker")
        BUSINESS_OWNER = "business_owner", _("business owner")
        DEMOBILISED_SOLDIER = "demobilised_soldier", _("demobilised soldier")
        MEDICAL_STAFF = "medical_staff", _("medical staff of a private clinic")
        MASS_ORGANISATION = "mass_organisation", _("member of a mass organisation")
        FARMER = "farmer", _("farmer")
        RELIGIOUS = "religious", _("religious believer")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("nominated")
        REGISTERED = "registered", _("registered for a course")
        TRAINED = "trained", _("course completed")
        IN_DOSSIER = "in_dossier", _("in admission")
        ADMITTED = "admitted", _("admitted")
        DROPPED = "dropped", _("dropped")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="sources"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="sources"
    )
    nominated_on = models.DateField(_("nominated on"))
    # The unit that nominated the person, kept once a restructuring has passed the source
    # to a successor (`unit` then names the successor; empty: `unit` nominated it). A fact,
    # never changed: a report for a day before the event counts the source where this unit
    # stood that day (reports/statform.py).
    nominated_in = models.ForeignKey(
        "org.Unit",
        verbose_name=_("nominated in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_by = models.CharField(
        _("nominated by"), max_length=200, blank=True, validators=[plain_text]
    )
    category = models.CharField(
        _("category"), max_length=30, choices=Category.choices, default=Category.OTHER
    )
    mentor = models.ForeignKey(
        "people.Person",
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_sources",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED
    )
    note = models.TextField(
        _("note"), blank=True, max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )

    class Meta:
        ordering = ["-nominated_on", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["person", "unit"], name="one_source_per_unit")
        ]

    def __str__(self):
        return f"{self.person} · {self.unit.code}"


class Course(models.Model):
    """An awareness course about the organisation (lớp bồi dưỡng nhận thức)."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[plain_text, url_code]
    )
    organizer = models.ForeignKey(
        "org.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, validators=[plain_text])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="course_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.code})"

    @property
    def unit(self):
        return self.organizer

    @staticmethod
    def written_code(text):
        """A course code as it is stored and looked up: composed, in capitals, except the
        few letters whose capital is two letters (ß → SS), so that a code keeps the length
        the client was told it may have; `k1-2026` is `K1-2026`."""
        return "".join(c.upper() if len(c.upper()) == 1 else c for c in composed(text))


class Enrollment(models.Model):
    class Result(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")
        WITHDREW = "withdrew", _("withdrew")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrollments"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    result = models.CharField(
        _("result"), max_length=20, choices=Result.choices, default=Result.ENROLLED
    )
    certificate_no = models.CharField(
        _("certificate number"), max_length=60, blank=True, validators=[plain_text]
    )
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)

    class Meta:
        ordering = ["course", "person__sort_key"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="one_enrollment_per_course")
        ]

    def __str__(self):
        return f"{self.person} · {self.course.code}"


class Dossier(models.Model):
    """One candidate's way through the statutory admission procedure."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ADMITTED = "admitted", _("admitted")
        CLOSED = "closed", _("closed")

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="dossiers"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("cell"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("The cell that carries the dossier."),
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="dossiers"
    )
    readmission = models.BooleanField(_("readmission"), default=False)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_reason = models.TextField(
        _("reason for closing"),
        blank=True,
        max_length=LONG_TEXT,
        validators=[multiline_text, long_text],
    )

    class Meta:
        ordering = ["-opened_on", "id"]
        verbose_name = _("admission dossier")
        verbose_name_plural = _("admission dossiers")

    def __str__(self):
        return f"{self.person} · {self.unit.code}"


class DossierStep(models.Model):
    """One statutory step recorded in a dossier, with its date, document and data.

    `data` holds the step's own fields (vote counts, introducers, decision number); which
    fields a step needs is declared in rules.py. `exception_reason` is set when an
    authorised user recorded the step although a rule refused it.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=40)
    date = models.DateField(_("date"))
    document_no = models.CharField(
        _("document number"), max_length=60, blank=True, validators=[plain_text]
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    attachment = models.FileField(_("scan"), upload_to="dossiers/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    exception_rule = models.CharField(_("rule set aside"), max_length=60, blank=True)
    exception_reason = models.TextField(
        _("reason for the exception"),
        blank=True,
        max_length=LONG_TEXT,
        validators=[multiline_text, long_text],
    )
    exception_level = models.CharField(_("exception approved by"), max_length=40, blank=True)
    exception_document_no = models.CharField(
        _("approval document number"), max_length=60, blank=True, validators=[plain_text]
    )
    exception_document_date = models.DateField(_("approval document date"), null=True, blank=True)
    # An annulled step stays for the record but no longer counts (services.dossier_step_annul).
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    annul_reason = models.TextField(
        _("reason for annulling"),
        blank=True,
        max_length=LONG_TEXT,
        validators=[multiline_text, long_text],
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")

    def __str__(self):
        return f"{self.dossier} · {self.step} · {self.date}"

    def exception_rules_display(self):
        """The rules set aside, by their names in the active language."""
        return get_rules().rule_titles(self.exception_rule)

    def get_exception_level_display(self):
        return str(get_rules().level_label(self.exception_level))

    @property
    def unit(self):
        return self.dossier.unit


class FailedCellVote(models.Model):
    """A cell vote that did not reach two thirds: a fact of the dossier. The cell may vote
    again; after `max_failed_cell_votes` of them the case goes to the higher committee
    (rules.py), and the passing vote's attempt number is counted from these, never typed.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="failed_votes"
    )
    date = models.DateField(_("date"))
    present = models.PositiveIntegerField(_("official members present"))
    in_favour = models.PositiveIntegerField(_("votes in favour"))
    against = models.PositiveIntegerField(_("votes against"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # A vote recorded by mistake is annulled, never deleted (services.failed_cell_vote_annul).
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    annul_reason = models.TextField(
        _("reason for annulling"),
        blank=True,
        max_length=LONG_TEXT,
        validators=[multiline_text, long_text],
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("failed cell vote")
        verbose_name_plural = _("failed cell votes")

    def __str__(self):
        return f"{self.dossier} · {self.date}"

    @property
    def unit(self):
        return self.dossier.unit


class Admission(models.Model):
    """The competent committee's admission decision: the fact reports count."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("admitting unit"),
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    decision_date = models.DateField(_("decision date"), db_index=True)
    decision_no = models.CharField(
        _("decision number"), max_length=60, blank=True, validators=[plain_text]
    )
    ceremony_date = models.DateField(_("ceremony date"), null=True, blank=True)
    readmission = models.BooleanField(_("readmission"), default=False)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="admission"
    )
    membership = models.OneToOneField(
        "people.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="admission",
    )
    member_record_on = models.DateField(
        _("member's record completed on"),
        null=True,
        blank=True,
        help_text=_("The member's CV and record card (1-HSĐV, 2-HSĐV)."),
    )
    needs_review = models.BooleanField(_("flagged for review"), default=False)
    review_note = models.TextField(
        _("review note"), blank=True, max_length=LONG_TEXT, validators=[multiline_text, long_text]
    )
    # What the statistics count of the person as they were when admitted (a pupil admitted
    # in 2024 stays a pupil in the 2024 figures after going to university). Taken from the
    # person when the admission is recorded (`keep_person_attributes`), never typed.
    education = models.CharField(_("education when admitted"), max_length=20, blank=True)
    # The occupation group (people.Occupation), not the job title.
    occupation = models.CharField(_("occupation when admitted"), max_length=30, blank=True)

    class Meta:
        ordering = ["-decision_date", "id"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "decision_date"], name="one_admission_per_person_and_date"
            )
        ]
        indexes = [models.Index(fields=["unit", "decision_date"])]

    def __str__(self):
        return f"{self.person} · {self.decision_date}"

    @property
    def roll_unit(self):
        """The unit whose roll holds the member: its cell votes on recognition and its
        committee decides (after an official transfer during probation the receiving
        unit, domain.md, Transfers; else the admitting one). Who may see and record the
        confirmation is read off this unit (selectors.admission_to_confirm)."""
        return self.membership.unit if self.membership_id else self.unit

    def keep_person_attributes(self, person):
        """Record the person's education and occupation as they are at admission."""
        self.education = person.education or ""
        self.occupation = person.occupation or ""


class Confirmation(models.Model):
    """Recognition as an official member after probation, or its refusal."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        NOT_CONFIRMED = "not_confirmed", _("not confirmed")

    admission = models.OneToOneField(
        Admission,
        verbose_name=_("admission"),
        on_delete=models.PROTECT,
        related_name="confirmation",
    )
    # Empty while the cell has voted and the committee has not decided yet.
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    cell_vote_date = models.DateField(_("cell vote date"), null=True, blank=True)
    # The cell's vote, counted (the official members from the register on the vote day).
    present = models.PositiveIntegerField(_("official members present"), null=True, blank=True)
    in_favour = models.PositiveIntegerField(_("votes in favour"), null=True, blank=True)
    against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    official_members = models.PositiveIntegerField(
        _("official members of the cell"), null=True, blank=True
    )
    decision_no = models.CharField(
        _("decision number"), max_length=60, blank=True, validators=[plain_text]
    )
    extended = models.BooleanField(_("decision time limit extended"), default=False)
    exception_rule = models.CharField(_("rule set aside"), max_length=60, blank=True)
    exception_reason = models.TextField(
        _("reason for the exception"),
        blank=True,
        max_length=LONG_TEXT,
        validators=[multiline_text, long_text],
    )
    exception_level = models.CharField(_("exception approved by"), max_length=40, blank=True)
    exception_document_no = models.CharField(
        _("approval document number"), max_length=60, blank=True, validators=[plain_text]
    )
    exception_document_date = models.DateField(_("approval document date"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self):
        return f"{self.admission.person} · {self.get_outcome_display() or '…'}"

    def exception_rules_display(self):
        """The rules set aside, by their names in the active language."""
        return get_rules().rule_titles(self.exception_rule)

    def get_exception_level_display(self):
        return str(get_rules().level_label(self.exception_level))

    @property
    def unit(self):
        return self.admission.unit


class DossierDue(models.Model):
    """A time limit of a dossier that the work list shows, as the rule engine works it out.

    Derived data, stored so that the work list reads the nearest limits of a whole country
    by index instead of working out every open dossier's facts on each request
    (`pipeline.dues`, which also keeps them true: every service that changes a dossier's
    facts refreshes its rows in the same transaction, and rows computed under other rules
    or another calendar are rebuilt, see `DueBasis`). Never edited by hand, never exported.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="due_rows")
    kind = models.CharField(max_length=32)
    due_on = models.DateField()
    # For a stalled dossier: the date of its last step (or its opening).
    since = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="dossier_due_once_per_kind")
        ]
        indexes = [models.Index(fields=["due_on", "kind"], name="dossier_due_by_date")]

    def __str__(self):
        return f"{self.dossier_id} {self.kind} {self.due_on}"


class DueBasis(models.Model):
    """What the stored `DossierDue` rows were worked out with: a digest of the rule set, the
    calendar (administrators' marks, holiday country, the package's release) and the
    product's release. One row; when the digest in force differs, the rows are rebuilt."""

    digest = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.digest
