"""`grassroots token create USER --name NAME` and `grassroots token revoke NAME --user USER`.

Operators make and revoke API tokens for a user, as the user does on the profile page
(`accounts.tokens`). `create` prints the new token alone on its last line, so that a
script can take it with `tail -n 1`; it is shown this once and stored only as a digest.
Both are recorded in the history with the command as the cause.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from grassroots.accounts import tokens
from grassroots.accounts.models import ApiToken
from grassroots.commands import TranslatedHelp
from grassroots.history.services import Trace


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy("Create or revoke a user's API token.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser(
            "create",
            help=gettext_lazy("Create a token and print it (shown only this once)."),
            description=gettext_lazy("Create a token for USER and print it on the last line."),
        )
        create.add_argument("user", help=gettext_lazy("The user name the token acts as."))
        create.add_argument(
            "--name", required=True, help=gettext_lazy("What the token is for, e.g. a script.")
        )
        revoke = actions.add_parser(
            "revoke",
            help=gettext_lazy("Revoke a user's tokens of that name; they stop working at once."),
            description=gettext_lazy("Revoke USER's active tokens named NAME."),
        )
        revoke.add_argument("name", help=gettext_lazy("The token's name."))
        revoke.add_argument(
            "--user", required=True, help=gettext_lazy("The user name the token belongs to.")
        )

    def handle(self, *args, action, **options):
        if action == "create":
            self.create(options["user"], options["name"])
        else:
            self.revoke(options["name"], options["user"])

    def _user(self, username, *, active=True):
        """The user by name; for a new token an active one. Revoking works on an inactive
        user too: deactivating a leaver only suspends the tokens, reactivating revives them."""
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Unknown user %(user)s.") % {"user": username})
        if active and not user.is_active:
            raise CommandError(
                _("%(user)s is not active: a token would not work.") % {"user": username}
            )
        return user

    def create(self, username, name):
        user = self._user(username)
        try:
            token, plaintext = tokens.token_create(user, name, trace=Trace.command("token create"))
        except ValidationError as exc:
            raise CommandError(_error_text(exc)) from exc
        self.stdout.write(
            _("Token %(name)s for %(user)s (%(prefix)s…). It is shown only this once:")
            % {"name": token.name, "user": username, "prefix": token.prefix}
        )
        self.stdout.write(plaintext)

    def revoke(self, name, username):
        user = self._user(username, active=False)
        trace = Trace.command("token revoke")
        with transaction.atomic():
            active = ApiToken.objects.filter(user=user, name=name.strip(), revoked_at__isnull=True)
            revoked = [tokens.token_revoke(token, trace=trace) for token in active]
        if not revoked:
            raise CommandError(
                _("%(user)s has no active token named %(name)s.") % {"user": username, "name": name}
            )
        self.stdout.write(
            ngettext(
                "Revoked %(count)d token named %(name)s of %(user)s.",
                "Revoked %(count)d tokens named %(name)s of %(user)s.",
                len(revoked),
            )
            % {"count": len(revoked), "name": name, "user": username}
        )


def _error_text(exc):
    return "; ".join(
        f"{field}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    )
