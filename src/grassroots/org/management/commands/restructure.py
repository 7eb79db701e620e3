"""`grassroots restructure move|rename|merge|split|close …`: the restructuring contract of
docs/exchange-format.md, run by the operator. Each is all-or-nothing; with --dry-run it
prints what it would change and writes nothing."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.commands import TranslatedHelp
from grassroots.history.services import Trace
from grassroots.org import restructure
from grassroots.org.models import Unit


def iso_date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("not a date (use YYYY-MM-DD): %(text)s") % {"text": text}) from exc


def codes(text):
    return [code.strip() for code in (text or "").split(",") if code.strip()]


class Command(TranslatedHelp, BaseCommand):
    help = gettext_lazy(
        "Restructure units from a date: move, rename, merge, split or close (see "
        "docs/exchange-format.md, Restructuring contract)."
    )

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="{move,rename,merge,split,close}"
        )
        move = kinds.add_parser("move", help="from the date, the unit stands under another")
        move.add_argument("code")
        move.add_argument("--to", required=True, help="code of the new parent")
        rename = kinds.add_parser("rename", help="the unit's name from the date")
        rename.add_argument("code")
        rename.add_argument("--name", required=True)
        merge = kinds.add_parser("merge", help="units merged into one from the date")
        merge.add_argument("codes", help="CODE1,CODE2,…")
        merge.add_argument("--into", required=True, help="an existing code, or a new one")
        merge.add_argument("--name", default="", help="name of a new unit")
        merge.add_argument("--parent", default="", help="parent of a new unit")
        split = kinds.add_parser("split", help="a unit split into new ones from the date")
        split.add_argument("code")
        split.add_argument("--into", required=True, help="NEW1,NEW2,…")
        split.add_argument("--names", required=True, help="NAME1,NAME2,…")
        split.add_argument("--assign", help="CSV file with the header key,unit_code")
        close = kinds.add_parser("close", help="the unit ends the day before the date")
        close.add_argument("code")
        for sub in (move, rename, merge, split, close):
            sub.add_argument("--date", required=True, help="effective date E, YYYY-MM-DD")
            sub.add_argument("--reference", default="", help="resolution number and date")
            sub.add_argument("--dry-run", action="store_true", help="print, write nothing")
            sub.add_argument("--user", help="act as this user (default: the operator)")

    def handle(self, *args, **options):
        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user %(name)s.") % {"name": options["user"]})
        trace = Trace.command("restructure", user=user)
        common = {
            "trace": trace,
            "day": iso_date(options["date"]),
            "reference": options["reference"],
            "dry_run": options["dry_run"],
        }
        kind = options["kind"]
        try:
            if kind == "move":
                outcome = restructure.unit_move(
                    unit=self._subject(options["code"], user),
                    new_parent=self._unit(options["to"]),
                    **common,
                )
            elif kind == "rename":
                outcome = restructure.unit_rename(
                    unit=self._subject(options["code"], user), name=options["name"], **common
                )
            elif kind == "merge":
                parent = self._unit(options["parent"]) if options["parent"] else None
                outcome = restructure.unit_merge(
                    units=self._merged(codes(options["codes"]), user),
                    into=options["into"],
                    name=options["name"],
                    parent=parent,
                    **common,
                )
            elif kind == "split":
                outcome = self._split(options, common, user)
            else:
                outcome = restructure.unit_close(
                    unit=self._subject(options["code"], user), **common
                )
        except ValidationError as exc:
            for message in _messages(exc):
                self.stderr.write(message)
            raise CommandError(_("Refused: nothing was changed.")) from exc
        except PermissionDenied as exc:
            # --user: the same predicates as the pages and the API refuse it.
            raise CommandError(
                _("Refused: %(user)s may not restructure these units.") % {"user": user}
            ) from exc
        except Http404 as exc:
            raise CommandError(
                _("Refused: a unit named is not among the units of %(user)s.") % {"user": user}
            ) from exc
        self._print(outcome)

    def _split(self, options, common, user):
        new_codes, names = codes(options["into"]), codes(options["names"])
        if len(new_codes) != len(names):
            raise CommandError(
                _("--into names %(codes)d units but --names %(names)d names.")
                % {"codes": len(new_codes), "names": len(names)}
            )
        assign = {}
        if options.get("assign"):
            path = Path(options["assign"])
            if not path.is_file():
                raise CommandError(_("No file %(path)s.") % {"path": path})
            assign = restructure.read_assignments(path.read_text(encoding="utf-8-sig"))
        return restructure.unit_split(
            unit=self._subject(options["code"], user),
            into=list(zip(new_codes, names, strict=True)),
            assign=assign,
            **common,
        )

    def _subject(self, code, user):
        """The unit the event is about, checked first as on the page and in the API when
        the command acts as a user: 404 out of their sight, 403 without the role above."""
        unit = self._unit(code)
        restructure.require_restructurable(user, unit)
        return unit

    def _merged(self, merged, user):
        return (
            [self._subject(merged[0], user), *(self._unit(c) for c in merged[1:])] if merged else []
        )

    def _unit(self, code):
        unit = Unit.objects.filter(code=(code or "").strip()).first()
        if unit is None:
            raise CommandError(_("No unit with code %(code)s.") % {"code": code})
        return unit

    def _print(self, outcome):
        summary = outcome.summary
        write = self.stdout.write
        head = f"{outcome.kind} {outcome.effective_date.isoformat()}"
        write(head + (_(" (dry run)") if outcome.dry_run else f" (#{outcome.event.pk})"))
        for line in describe(summary):
            write(line)
        if outcome.dry_run:
            write(_("Nothing was written (dry run)."))


def describe(summary):
    """The event's summary as lines of text (units, what passes, roles that end)."""
    lines = []
    if summary.get("predecessors"):
        lines.append(_("ending: %(codes)s") % {"codes": ", ".join(summary["predecessors"])})
    if summary.get("into"):
        new = _(" (new)") if summary.get("created") else ""
        lines.append(_("into: %(codes)s") % {"codes": ", ".join(summary["into"])} + new)
    for code in summary.get("closed", []):
        lines.append(_("closing: %(code)s") % {"code": code})
    for renamed in summary.get("renamed", []):
        lines.append(
            _("name: %(unit)s: %(old)s → %(new)s")
            % {"unit": renamed["unit"], "old": renamed["from"], "new": renamed["to"]}
        )
    for moved in summary.get("moved", []):
        lines.append(
            _("unit: %(unit)s: %(old)s → %(new)s")
            % {"unit": moved["unit"], "old": moved["from"] or "—", "new": moved["to"]}
        )
    for name, groups in summary.get("passed", {}).items():
        for group in groups:
            lines.append(f"{name}: {group['count']} → {group['to']}")
    lines.append(_("targets: unchanged (targets stay with the unit they were set for)"))
    for role in summary.get("roles_ended", []):
        lines.append(
            _("role assignment ends: %(user)s %(role)s %(unit)s")
            % {"user": role["user"], "role": role["role"], "unit": role["unit"]}
        )
    return lines


def _messages(exc):
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" for field, errors in exc.message_dict.items() for m in errors]
    return exc.messages
