"""Admission dossiers and their steps, so that work in progress moves with the data.

Like the other imported records they are facts: checked for format, vocabularies (the
rule set's step codes) and references, never against the procedure's rules; an exception
recorded on a step travels with it.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.pipeline.models import Dossier, DossierStep, Source
from grassroots.pipeline.rules import get_rules

from .base import Applier, people_by_national_id


def _dossiers_of(people_ids, days):
    found = Dossier.objects.filter(person_id__in=people_ids, opened_on__in=days).select_related(
        "person", "unit", "source__unit"
    )
    return {(d.person.national_id, d.opened_on): d for d in found}


def resolve_dossiers(applier, rows):
    """The rows whose dossier (national_id + opened_on) exists and lies in the importing
    user's scope, each with `refs["dossier"]`; the others are named."""
    people = people_by_national_id((r.values["national_id"] for r in rows), applier.ctx.scope_user)
    dossiers = _dossiers_of({p.id for p in people.values()}, {r.values["opened_on"] for r in rows})
    kept = []
    for r in rows:
        if not applier.resolve_person(r, people):
            continue
        dossier = dossiers.get((r.values["national_id"], r.values["opened_on"]))
        if dossier is None:
            applier.error(
                r,
                "opened_on",
                _("%(id)s has no dossier opened on %(day)s (dossiers)")
                % {"id": r.values["national_id"], "day": r.values["opened_on"]},
            )
            continue
        if not applier.allowed(r, "national_id", Action.RECORD_STEP, dossier.unit):
            continue
        r.refs["dossier"] = dossier
        kept.append(r)
    return kept


class DossierApplier(Applier):
    file = "dossiers"
    model = Dossier
    reference_columns = ("national_id", "unit_code", "source_unit_code")
    names = {"national_id": "person", "unit_code": "unit", "source_unit_code": "source"}
    fixed_fields = ("person",)

    def check(self, row):
        if row.values.get("status") == "":
            row.values["status"] = Dossier.Status.OPEN
        return True

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        kept = [
            r
            for r in rows
            if all([self.resolve_person(r, people), self.resolve_unit(r, "unit_code", refs)])
            and self.allowed(r, "unit_code", Action.RECORD_STEP, r.refs["unit_code"])
        ]
        wanted = [r for r in kept if r.values.get("source_unit_code")]
        sources = {
            (s.person_id, s.unit.code): s
            for s in Source.objects.filter(
                person_id__in={r.refs["person"].id for r in wanted},
                unit__code__in={r.values["source_unit_code"] for r in wanted},
            ).select_related("unit")
        }
        result = []
        for r in kept:
            code = r.values.get("source_unit_code")
            source = sources.get((r.refs["person"].id, code)) if code else None
            if code and source is None:
                self.error(
                    r,
                    "source_unit_code",
                    _("%(id)s has no source in %(code)s (sources)")
                    % {"id": r.values["national_id"], "code": code},
                )
                continue
            r.refs["source"] = source
            result.append(r)
        return result

    def load(self, rows):
        return _dossiers_of(
            {r.refs["person"].id for r in rows}, {r.values["opened_on"] for r in rows}
        )

    def allow_existing(self, row, obj):
        return self.allowed(row, "unit_code", Action.RECORD_STEP, obj.unit)

    def as_row(self, d):
        return {
            "national_id": d.person.national_id,
            "opened_on": d.opened_on,
            "unit_code": d.unit.code,
            "status": d.status,
            "readmission": d.readmission,
            "source_unit_code": d.source.unit.code if d.source_id else None,
            "closed_reason": d.closed_reason,
        }

    def assign(self, d, row, values):
        d.person_id = row.refs["person"].id
        d.unit_id = row.refs["unit_code"].id
        d.opened_on = values["opened_on"]
        d.status = values["status"] or Dossier.Status.OPEN
        d.readmission = values["readmission"]
        if "source_unit_code" in self.present:
            source = row.refs.get("source")
            d.source_id = source.pk if source else None
        d.closed_reason = values["closed_reason"]

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['unit_code']}"


class DossierStepApplier(Applier):
    file = "dossier_steps"
    model = DossierStep
    reference_columns = ("national_id", "opened_on", "step")
    names = {"national_id": "dossier", "annulled_on": "annulled_at"}
    fixed_fields = ("dossier", "attachment", "recorded_by", "recorded_at", "annulled_by")

    def check(self, row):
        codes = [step.code for step in get_rules().steps]
        if row.values["step"] not in codes:
            self.error(
                row,
                "step",
                _("unknown step %(value)s (use %(choices)s)")
                % {"value": row.values["step"], "choices": ", ".join(codes)},
            )
            return False
        return True

    def resolve(self, rows):
        return resolve_dossiers(self, rows)

    def load(self, rows):
        found = DossierStep.objects.filter(
            dossier_id__in={r.refs["dossier"].pk for r in rows}
        ).select_related("dossier__person")
        return {
            (s.dossier.person.national_id, s.dossier.opened_on, s.step, s.date): s for s in found
        }

    def as_row(self, s):
        annulled = timezone.localtime(s.annulled_at).date() if s.annulled_at else None
        return {
            "national_id": s.dossier.person.national_id,
            "opened_on": s.dossier.opened_on,
            "step": s.step,
            "date": s.date,
            "document_no": s.document_no,
            "data": s.data or {},
            "exception_rule": s.exception_rule,
            "exception_reason": s.exception_reason,
            "exception_level": s.exception_level,
            "exception_document_no": s.exception_document_no,
            "exception_document_date": s.exception_document_date,
            "annulled_on": annulled,
            "annul_reason": s.annul_reason,
        }

    def assign(self, s, row, values):
        s.dossier_id = row.refs["dossier"].pk
        for column in (
            "step",
            "date",
            "document_no",
            "data",
            "exception_rule",
            "exception_reason",
            "exception_level",
            "exception_document_no",
            "exception_document_date",
            "annul_reason",
        ):
            setattr(s, column, values[column])
        day = values["annulled_on"]
        if day is None:
            s.annulled_at = None
        elif s.annulled_at is None or timezone.localtime(s.annulled_at).date() != day:
            s.annulled_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    def describe(self, row, obj):
        return f"{row.values['national_id']} · {row.values['step']} · {row.values['date']}"
