from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "grassroots.reports"
    label = "reports"

    def ready(self):
        from . import tasks

        tasks.register()
