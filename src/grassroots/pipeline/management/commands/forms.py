"""`grassroots forms NATIONAL_ID --output FILE.pdf`: the statutory forms of a dossier."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.history.models import Access
from grassroots.history.services import record_access
from grassroots.pipeline import printing
from grassroots.pipeline.models import Dossier


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Print the statutory forms (1-KNĐ …) of a person's dossier, open or completed, "
            "as one PDF."
        )

    def add_arguments(self, parser):
        parser.add_argument("national_id")
        parser.add_argument("--output", required=True, help=_("The PDF file to write."))
        parser.add_argument(
            "--form", action="append", help=_("Only this form (e.g. 6-KNĐ); may be repeated.")
        )

    def handle(self, *args, national_id, output, form=None, **options):
        dossier = (
            Dossier.objects.filter(
                person__national_id=national_id.strip().upper(),
                status__in=[Dossier.Status.OPEN, Dossier.Status.ADMITTED],
            )
            .select_related("person", "unit", "source__mentor")
            .order_by("-opened_on", "-id")
            .first()
        )
        if dossier is None:
            raise CommandError(
                _("%(id)s has no open or completed admission dossier: there are no forms to print.")
                % {"id": national_id}
            )
        unknown = set(form or ()) - set(printing.form_codes())
        if unknown:
            raise CommandError(
                _("Unknown form: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            )
        pdf, printed = printing.render_pdf(dossier, set(form) if form else None)
        if not printed:
            raise CommandError(_("The dossier has no recorded step with a form yet."))
        Path(output).write_bytes(pdf)
        record_access(
            None,
            kind=Access.Kind.EXPORT,
            what=f"forms {','.join(f.code for f in printed)} {dossier.person.national_id}",
            person=dossier.person,
            unit=dossier.unit,
        )
        self.stdout.write(
            _("%(count)s forms of %(name)s written to %(file)s: %(codes)s")
            % {
                "count": len(printed),
                "name": dossier.person.full_name,
                "file": output,
                "codes": ", ".join(f.code for f in printed),
            }
        )
