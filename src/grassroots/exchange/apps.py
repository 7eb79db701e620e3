from django.apps import AppConfig
from django.utils.translation import gettext as _

from grassroots import downloads
from grassroots.tasks import kinds


def register_kinds():
    kinds.register(
        "import_check",
        title=lambda run: _("Check of %(name)s") % {"name": run.params["name"]},
        run="grassroots.exchange.tasks.check_run",
        template="exchange/partials/import_result.html",
    )
    kinds.register(
        "import_apply",
        title=lambda run: _("Import of %(name)s") % {"name": run.params["name"]},
        run="grassroots.exchange.tasks.apply_run",
        template="exchange/partials/import_result.html",
        atomic=True,
    )
    kinds.register(
        "export",
        title=lambda run: (
            _("Export of %(unit)s (%(format)s)")
            % {"unit": run.params.get("unit") or _("everything"), "format": run.params["format"]}
        ),
        run="grassroots.exchange.tasks.export_run",
        template="exchange/partials/export_result.html",
    )


class ExchangeConfig(AppConfig):
    name = "grassroots.exchange"
    label = "exchange"

    def ready(self):
        # The work itself is in tasks.py, named by its path: the importer and the exporter
        # are imported by the runs that need them, not by every process's start.
        register_kinds()
        downloads.register("grassroots.exchange.downloads.table_response")
