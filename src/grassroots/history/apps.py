from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "grassroots.history"
    label = "history"
