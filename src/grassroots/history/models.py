"""The record of every change and of every read or export of personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import display


class Cause(models.TextChoices):
    FORM = "form", _("form")
    IMPORT = "import", _("import")
    API = "api", _("API")
    COMMAND = "command", _("command")
    SYSTEM = "system", _("system")
    RESTRUCTURING = "restructuring", _("restructuring")


class Change(models.Model):
    """One change to one record: who, when, why, and what it was before and after.

    `model` and `object_id` name the record. Who may read the change is decided when it is
    read, by the record's own scope (`history.subjects`): a person moved to another unit
    takes their history with them, and a unit moved in the tree takes its records'.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("record type"), max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("record"), max_length=240)
    # No copy of the record's unit here: a change is scoped when read, by the record it is
    # about and where that record stands now (history.subjects, accounts.scope).
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "-at"])]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.model} {self.object_repr} {self.action}"

    def changed_fields(self):
        """[(field, before, after)] for the fields that differ."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def model_name(self):
        """The record type in the active language (its verbose name)."""
        return display.model_name(self.model)

    def shown_changes(self):
        """changed_fields as the page shows them: field names, choices, dates translated."""
        return display.shown_changes(self)

    def reference_shown(self):
        """The reference in the reader's words: "event no. 21" for a restructuring's
        `unit-event:21`, "import no. 7" for an import's id; anything else as written."""
        return display.reference(self.cause, self.reference)


class Access(models.Model):
    """A read or export of personal data (Law 91/2025, GDPR art. 9).

    A row names what was read, never where it is filed: the person whose data was shown
    (one row per person a page showed) and the unit that data belongs to (the person's
    unit, or the unit of an export). Who may review it is decided when the log is read,
    against the tree as it stands (`history.selectors.accesses_for`), so a unit that moves
    takes its log along.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    what = models.CharField(_("what"), max_length=240)
    # What the read was about. SET_NULL: the log outlives a deleted record (a row without
    # unit or person is shown to the officers of a root unit).
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "-at"], name="access_person_at"),
            models.Index(fields=["unit", "-at"], name="access_unit_at"),
            models.Index(fields=["actor", "-at"], name="access_actor_at"),
        ]
        verbose_name = _("access")
        verbose_name_plural = _("accesses")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.what}"


class Generation(models.Model):
    """How many times the data that pages show has changed (`history.generation`): one
    row, on SQLite. On PostgreSQL the count is the sequence `history_generation`, which
    writers move on without waiting for one another."""

    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "history_generation_row"

    def __str__(self):
        return str(self.value)
