"""`grassroots conference paper --unit CODE --cluster NAME|--sector NAME --from DATE
--to DATE [--lang vi|en|de] --output FILE.pdf`: the paper of a cluster's or sector's
conference, prepared from the data (the same document as the conference page's)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.conferences import paper
from grassroots.org.models import Cluster, Sector
from grassroots.people.access import log_export
from grassroots.reports.commandline import acting_user, unit_and_period

LANGUAGES = ("vi", "en", "de")


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy("Prepare the paper of a thematic conference of a cluster or a sector.")

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{paper}")
        sub = kinds.add_parser(
            "paper",
            help=gettext_lazy("the conference paper as a PDF, prepared from the data"),
        )
        sub.add_argument("--unit", required=True, help=gettext_lazy("code of the committee's unit"))
        grouping = sub.add_mutually_exclusive_group(required=True)
        grouping.add_argument("--cluster", help=gettext_lazy("name of the cluster"))
        grouping.add_argument("--sector", help=gettext_lazy("name of the sector"))
        sub.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        sub.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        sub.add_argument(
            "--restate-on",
            dest="restate_on",
            help=gettext_lazy(
                "YYYY-MM-DD: count the period on the structure of that day (default: as it was)"
            ),
        )
        sub.add_argument(
            "--lang", choices=LANGUAGES, default="vi", help=gettext_lazy("language of the paper")
        )
        sub.add_argument("--output", required=True, help=gettext_lazy("the PDF file to write"))
        sub.add_argument(
            "--user", help=gettext_lazy("act as this user (default: the system, sees all)")
        )

    def handle(self, *args, **options):
        user = acting_user(options.get("user"))
        unit, date_from, date_to, restate_on = unit_and_period(user, options)
        cluster = sector = None
        if options.get("cluster"):
            cluster = Cluster.objects.filter(name=options["cluster"]).first()
            if cluster is None:
                raise CommandError(f"unknown cluster: {options['cluster']}")
        else:
            sector = Sector.objects.filter(name=options["sector"]).first()
            if sector is None:
                raise CommandError(f"unknown sector: {options['sector']}")
        started = time.monotonic()
        data = paper.paper_data(
            user,
            committee=unit,
            cluster=cluster,
            sector=sector,
            date_from=date_from,
            date_to=date_to,
            language=options["lang"],
            restate_on=restate_on,
        )
        content = paper.render_pdf(data)
        Path(options["output"]).write_bytes(content)
        name = (cluster or sector).name
        log_export(
            user,
            what=f"conference paper {unit.code} {name} {date_from}–{date_to} ({options['lang']})",
            unit=unit,
        )
        self.stdout.write(
            f"{options['output']}: {len(data['units'])} units, "
            f"{data['total']['admitted']} admitted, {time.monotonic() - started:.2f} s\n"
        )
