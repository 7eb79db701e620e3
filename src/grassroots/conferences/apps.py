from django.apps import AppConfig

from grassroots.deadlines import sources
from grassroots.history import subjects


class ConferencesConfig(AppConfig):
    name = "grassroots.conferences"
    label = "conferences"

    def ready(self):
        from . import sections, selectors

        subjects.register("conferences.conference", unit="committee")
        subjects.register("conferences.participation", unit=("conference__committee", "unit"))
        subjects.register("conferences.conclusion", unit="conference__committee")
        subjects.register("conferences.task", unit=("conclusion__conference__committee", "unit"))
        subjects.register("conferences.recognition", unit="unit", person="person")
        sources.register(selectors.work_items)
        sections.register()
