from django.apps import AppConfig
from django.utils.module_loading import import_string

from grassroots import announcements

ROLLUPS = "grassroots.reports.rollups"


class ReportsConfig(AppConfig):
    name = "grassroots.reports"
    label = "reports"

    def ready(self):
        # The roll-ups follow the facts the services below announce (rollups.py).
        for fact, handler in (
            (announcements.ADMISSION_RECORDED, "on_admission_recorded"),
            (announcements.ADMISSION_WITHDRAWN, "on_admission_withdrawn"),
            (announcements.PERSON_CHANGED, "on_person_changed"),
            (announcements.UNITS_CHANGING, "on_units_changing"),
            (announcements.UNITS_CHANGED, "on_units_changed"),
        ):
            announcements.subscribe(fact, f"{ROLLUPS}.{handler}")
        # Big reports and PDF packs as background tasks (reports/tasks.py).
        import_string("grassroots.reports.tasks.register")()
