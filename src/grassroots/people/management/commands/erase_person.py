"""`grassroots erase_person NATIONAL_ID --user NAME --reason TEXT [--apply]`.

A dry run unless told --apply: it says what would be deleted and changes nothing.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.history.services import Trace
from grassroots.people.erasure import person_erase
from grassroots.people.models import Person


class Rollback(Exception):
    pass


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Erase a person who never became a member (see docs/personal-data.md). "
        "Dry run unless --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument("national_id", help=gettext_lazy("The person's national ID."))
        parser.add_argument(
            "--user",
            required=True,
            help=gettext_lazy("The acting user: a superuser or administrator of a root unit."),
        )
        parser.add_argument(
            "--reason", required=True, help=gettext_lazy("Why (recorded in the history).")
        )
        parser.add_argument(
            "--apply", action="store_true", help=gettext_lazy("Really erase (default: dry run).")
        )

    def handle(self, *args, national_id, user, reason, apply, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("Unknown user %(user)s.") % {"user": user})
        person = Person.objects.filter(national_id=national_id.upper()).first()
        if person is None:
            raise CommandError(_("Nobody has national ID %(id)s.") % {"id": national_id})
        counts = {
            _("sources"): person.sources.count(),
            _("enrolments"): person.enrollments.count(),
            _("dossiers"): person.dossiers.count(),
        }
        try:
            with transaction.atomic():
                person_erase(
                    trace=Trace.command("erase_person", user=actor), person=person, reason=reason
                )
                if not apply:
                    raise Rollback
        except Rollback:
            pass
        except PermissionDenied as exc:
            raise CommandError(_("%(user)s may not erase people.") % {"user": user}) from exc
        except Http404 as exc:
            # Out of the user's sight: the same answer as for an ID nobody has.
            raise CommandError(_("Nobody has national ID %(id)s.") % {"id": national_id}) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for name, count in counts.items():
            self.stdout.write(_("%(what)s: %(count)d deleted") % {"what": name, "count": count})
        if apply:
            self.stdout.write(_("%(id)s erased.") % {"id": national_id.upper()})
        else:
            self.stdout.write(_("Dry run: nothing changed. Add --apply to erase."))
