"""`grassroots report achievement|funnel|newly-admitted …`: the reports of the
exchange-format contract."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.people.access import log_export
from grassroots.reports import documents, exports, form2, selectors, statform
from grassroots.reports.commandline import acting_user, iso_date, unit_and_period

FORMATS = ("table", "csv", "json", "xlsx", "pdf")


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Print a report: achievement against plan for a unit, the funnel of a course, or "
        "the statistical form on newly admitted members."
    )

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="{achievement,funnel,newly-admitted}"
        )
        achievement = kinds.add_parser("achievement", help="admissions against plan")
        achievement.add_argument("--unit", required=True, help="unit code")
        achievement.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        achievement.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        achievement.add_argument("--by", choices=selectors.GROUPINGS, default="children")
        achievement.add_argument(
            "--restate-on",
            dest="restate_on",
            help="YYYY-MM-DD: count the period on the structure of that day (default: as it was)",
        )
        achievement.add_argument("--format", choices=FORMATS, default="table")
        achievement.add_argument("--output", help="write to this file (needed for xlsx, pdf)")
        _common(achievement)
        form = kinds.add_parser(
            "newly-admitted",
            help="the statistical form on newly admitted members (11-HD/BTCTW, form 2)",
        )
        form.add_argument("--unit", required=True, help="unit code")
        form.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        form.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        form.add_argument(
            "--restate-on",
            dest="restate_on",
            help="YYYY-MM-DD: count the periods on the structure of that day (default: as it was)",
        )
        form.add_argument("--format", choices=FORMATS, default="table")
        form.add_argument("--output", help="write to this file (needed for xlsx, pdf)")
        _common(form)
        funnel = kinds.add_parser("funnel", help="what became of a course's participants")
        funnel.add_argument("--course", required=True, help="course code")
        funnel.add_argument("--until", required=True, help="YYYY-MM-DD")
        funnel.add_argument("--format", choices=FORMATS, default="table")
        funnel.add_argument("--output", help="write to this file (needed for xlsx, pdf)")
        _common(funnel)

    def handle(self, *args, **options):
        user = acting_user(options.get("user"))
        language = options.get("language") or translation.get_language() or "en"
        languages = [code for code, _name in settings.LANGUAGES]
        if options.get("language") and language not in languages:
            # Unknown, it fell back silently to English names and documents.
            raise CommandError(
                _("Unknown language %(code)s: use one of %(codes)s.")
                % {"code": language, "codes": ", ".join(languages)}
            )
        fmt = options["format"]
        if fmt in ("xlsx", "pdf") and not options.get("output"):
            raise CommandError(_("--format %(format)s needs --output FILE") % {"format": fmt})
        with translation.override(language):
            if options["kind"] == "achievement":
                content, what, unit = self._achievement(user, language, fmt, options)
            elif options["kind"] == "newly-admitted":
                content, what, unit = self._newly_admitted(user, language, fmt, options)
            else:
                content, what, unit = self._funnel(user, language, fmt, options)
        if options.get("output"):
            write_file(options["output"], content)
        else:
            self.stdout.write(content, ending="")
        # Logged once written: a file that could not be written exported nothing.
        log_export(user, what=what, unit=unit)

    def _achievement(self, user, language, fmt, options):
        unit, date_from, date_to, restate_on = unit_and_period(user, options)
        by = options["by"]
        rows = selectors.achievement(
            user,
            unit=unit,
            date_from=date_from,
            date_to=date_to,
            by=by,
            language=language,
            restate_on=restate_on,
        )
        columns = selectors.ACHIEVEMENT_COLUMNS
        what = f"achievement report {unit.code} {date_from}–{date_to} by {by} ({fmt})"
        if restate_on:
            what += f" restated on {restate_on}"
        kwargs = {
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "by": by,
            "language": language,
        }
        if fmt == "xlsx":
            return documents.achievement_xlsx(rows, **kwargs), what, unit
        if fmt == "pdf":
            return documents.achievement_pdf(rows, **kwargs), what, unit
        return _text(rows, columns, fmt), what, unit

    def _newly_admitted(self, user, language, fmt, options):
        unit, date_from, date_to, restate_on = unit_and_period(user, options)
        rows = statform.newly_admitted(
            user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
        )
        what = f"newly admitted form {unit.code} {date_from}–{date_to} ({fmt})"
        if restate_on:
            what += f" restated on {restate_on}"
        kwargs = {
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "restate_on": restate_on,
            "language": language,
        }
        if fmt == "xlsx":
            return form2.newly_admitted_xlsx(rows, **kwargs), what, unit
        if fmt == "pdf":
            return form2.newly_admitted_pdf(rows, **kwargs), what, unit
        return _text(rows, statform.COLUMNS, fmt), what, unit

    def _funnel(self, user, language, fmt, options):
        until = iso_date(options["until"])
        try:
            course = selectors.course_for_report(user, options["course"])
        except Http404 as exc:
            raise CommandError(f"unknown course: {options['course']}") from exc
        row = selectors.course_funnel(user, course=course, until=until)
        columns = list(row)
        what = f"funnel report {course.code} until {until} ({fmt})"
        organizer = course.organizer
        if fmt == "xlsx":
            content = exports.to_xlsx(
                [row],
                columns,
                title=f"{course.title} ({course.code})",
                filters=[(_("Course code"), course.code), (_("Until"), until.isoformat())],
                headers=documents.column_headers(columns, documents.FUNNEL_LABELS),
            )
            return content, what, organizer
        if fmt == "pdf":
            html = render_to_string(
                "reports/pdf/funnel.html",
                {
                    "course": course,
                    "until": until,
                    "columns": documents.column_headers(columns, documents.FUNNEL_LABELS),
                    "row": row,
                },
            )
            return exports.html_to_pdf(html), what, organizer
        return _text([row], columns, fmt), what, organizer


def write_file(path, content):
    """Writes the report to `path`; a path that cannot be written is a one-line error
    (a folder that does not exist, no permission), not a traceback."""
    target = Path(path)
    try:
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("Cannot write %(path)s: %(reason)s.") % {"path": path, "reason": exc.strerror or exc}
        ) from exc


def _common(parser):
    parser.add_argument("--user", help="act as this user (default: the system, sees all)")
    parser.add_argument("--language", help="language of names and documents (en, vi, de)")


def _text(rows, columns, fmt):
    if fmt == "csv":
        return exports.to_csv(rows, columns)
    if fmt == "json":
        return exports.to_json(rows, columns)
    return exports.to_table(rows, columns)
