from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "grassroots.workdays"
    label = "workdays"
    verbose_name = _("working days")

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from . import forget_overrides
        from . import request_finished as finished
        from . import request_started as started
        from .models import CalendarDay

        request_started.connect(started, dispatch_uid="workdays.request_started")
        request_finished.connect(finished, dispatch_uid="workdays.request_finished")
        post_save.connect(forget_overrides, sender=CalendarDay, dispatch_uid="workdays.saved")
        post_delete.connect(forget_overrides, sender=CalendarDay, dispatch_uid="workdays.deleted")
