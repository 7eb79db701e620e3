"""One row per piece of background work a user started: what, whose, how it ended.

The queue itself belongs to the tasks framework's backend (a table of django-tasks-db in
the embedded mode, a queue server in production); this row is what the pages read, so
ownership, the result and "run again" do not depend on which backend is configured.
Progress is not stored here but in a small file beside the result (`tasks/files.py`):
on SQLite an import holds the database's only write lock for its whole transaction, so a
progress row could not be written until the import had finished.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("task", "waiting")
        RUNNING = "running", pgettext_lazy("task", "running")
        DONE = "done", pgettext_lazy("task", "done")
        PROBLEMS = "problems", pgettext_lazy("task", "problems found")
        FAILED = "failed", pgettext_lazy("task", "failed")
        INTERRUPTED = "interrupted", pgettext_lazy("task", "interrupted")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_runs"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    # The unit whose data the result holds (None: the whole database): downloading needs
    # sight of it still, as the tree stands then.
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(_("began running"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The id the tasks backend gave the latest attempt (opaque, up to 64 characters).
    backend_id = models.CharField(max_length=64, blank=True)
    # This run's folder under TASKS_DIR: the uploaded input, progress.json, the result.
    folder = models.CharField(max_length=64, unique=True)
    result_file = models.CharField(_("result file"), max_length=120, blank=True)
    summary = models.JSONField(_("summary"), default=dict)
    # The first problems, shown on the page; all of them are in the result file.
    problems = models.JSONField(_("problems"), default=list)
    problem_count = models.PositiveIntegerField(_("number of problems"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="tasks_run_owner_idx"),
            models.Index(fields=["status"], name="tasks_run_status_idx"),
            models.Index(fields=["expires_at"], name="tasks_run_expires_idx"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in FINISHED

    @property
    def can_run_again(self):
        return self.status in (self.Status.FAILED, self.Status.INTERRUPTED)


FINISHED = {
    TaskRun.Status.DONE,
    TaskRun.Status.PROBLEMS,
    TaskRun.Status.FAILED,
    TaskRun.Status.INTERRUPTED,
}


class Recurring(models.Model):
    """A task that runs again and again (daily): when it is next due (`tasks/schedule.py`)."""

    name = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    backend_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("recurring task")
        verbose_name_plural = _("recurring tasks")

    def __str__(self):
        return self.name
