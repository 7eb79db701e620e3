from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "grassroots.deadlines"
    label = "deadlines"
