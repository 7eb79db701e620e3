"""`grassroots unlock --user NAME | --address IP`: end a log-in lock-out at once."""

import ipaddress

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts import services
from grassroots.commands import TranslatedHelp
from grassroots.history.services import Trace


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "End the lock-out of an account or an address after repeated failed log-ins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", default="", help=gettext_lazy("the account's user name"))
        parser.add_argument("--address", default="", help=gettext_lazy("the IP address"))

    def handle(self, *args, user, address, **options):
        if address.strip():
            # A mistyped address matched nothing and said "Nothing to unlock", as if the
            # address had been free: the lock-out went on and nobody knew why.
            try:
                ipaddress.ip_address(address.strip())
            except ValueError as exc:
                raise CommandError(
                    _("Not an IP address: %(address)s.") % {"address": address.strip()}
                ) from exc
        try:
            removed = services.login_unlock(
                trace=Trace.command("unlock"), username=user.strip(), ip_address=address.strip()
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if removed:
            self.stdout.write(
                _("Unlocked: %(count)d failure records removed.") % {"count": removed}
            )
        else:
            self.stdout.write(_("Nothing to unlock."))
