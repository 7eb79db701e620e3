from django.apps import AppConfig
from django.utils.translation import gettext as _

from grassroots import announcements
from grassroots.tasks import kinds

ROLLUPS = "grassroots.reports.rollups"


def register_kinds():
    kinds.register(
        "report_document",
        title=lambda run: (
            _("Achievement report %(unit)s %(from)s–%(to)s (%(format)s)")
            % {
                "unit": run.params["unit"],
                "from": run.params["from"],
                "to": run.params["to"],
                "format": run.params["format"],
            }
        ),
        run="grassroots.reports.tasks.document_run",
    )
    kinds.register(
        "report_pack",
        title=lambda run: (
            _("Achievement reports of %(unit)s and the units below %(from)s–%(to)s")
            % {"unit": run.params["unit"], "from": run.params["from"], "to": run.params["to"]}
        ),
        run="grassroots.reports.tasks.pack_run",
        template="reports/partials/pack_result.html",
    )


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
        # Big reports and PDF packs as background tasks; the work is in reports/tasks.py,
        # imported by the runs that need it.
        register_kinds()
