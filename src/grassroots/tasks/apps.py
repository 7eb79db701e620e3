from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "grassroots.tasks"
    label = "tasks"
    verbose_name = _("Background tasks")

    def ready(self):
        from . import cleanup  # noqa: F401 - registers the daily clean-up
