from django.apps import AppConfig

from grassroots.history import subjects


class OrgConfig(AppConfig):
    name = "grassroots.org"
    label = "org"

    def ready(self):
        subjects.register("org.unit", unit="")
