from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "grassroots.reports"
    label = "reports"
