"""`grassroots demo`: load the demo town of Điện Bàn and print the demo accounts."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grassroots.demo import loader


class Command(BaseCommand):
    help = _("Load the demo town (Điện Bàn) once and print the demo accounts.")

    def handle(self, *args, **options):
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        built = loader.load_demo(log=self.stdout.write if verbose else None)
        elapsed = time.monotonic() - started
        if built:
            self.stdout.write(_("Demo town loaded in %(seconds).1f s.") % {"seconds": elapsed})
        else:
            self.stdout.write(_("The demo town is already there; nothing was added."))
        self.stdout.write(_("Demo accounts:"))
        for username, password, role, unit in loader.accounts_table():
            self.stdout.write(f"  {username:<10} {password:<6} {role} · {unit}")
