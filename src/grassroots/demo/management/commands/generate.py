"""`grassroots generate`: a synthetic organisation of any size, for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.demo.generator import GenerateError, generate


class Command(BaseCommand):
    help = _(
        "Write a synthetic organisation (a balanced tree of units, people, admissions) "
        "straight into the database. Refuses a database that already holds units "
        "unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True, help=_("number of units"))
        parser.add_argument("--people", type=int, required=True, help=_("number of people"))
        parser.add_argument("--seed", type=int, default=1, help=_("random seed (default 1)"))
        parser.add_argument("--depth", type=int, default=6, help=_("levels of the tree (6)"))
        parser.add_argument(
            "--admission-share",
            type=float,
            default=0.1,
            help=_("share of people with an admission in 2019–2025 (0.1)"),
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help=_("add a new tree beside the units already in the database"),
        )

    def handle(self, *args, **options):
        if options["units"] < 1 or options["people"] < 0:
            raise CommandError(_("--units must be at least 1 and --people at least 0."))
        started = time.monotonic()
        try:
            result = generate(
                units=options["units"],
                people=options["people"],
                seed=options["seed"],
                depth=options["depth"],
                append=options["append"],
                admission_share=options["admission_share"],
                log=lambda line: self.stdout.write(f"  {line}"),
            )
        except GenerateError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Generated %(units)d units, %(people)d people, %(admissions)d admissions "
                "in %(seconds).1f s."
            )
            % {
                "units": result.units,
                "people": result.people,
                "admissions": result.admissions,
                "seconds": time.monotonic() - started,
            }
        )
