"""The member register: each spell of membership with its unit, status and dates.

Admissions open memberships, confirmations and transfers change them; but members
admitted before the records began have no admission row, and a membership's state today
(its unit after a restructuring, its status after years) is a fact of its own. A `members`
row gives that state: it creates the membership when none began on that date, else
updates it, and it is the last word on that membership within the import (confirmations
and transfers of the same import leave its state alone).
"""

from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.people.models import Membership

from .base import Applier, people_by_national_id


class MembershipApplier(Applier):
    file = "members"
    model = Membership
    reference_columns = ("national_id", "unit_code")
    names = {"national_id": "person", "unit_code": "unit"}
    fixed_fields = ("person",)

    def check(self, row):
        v = row.values
        first = v["admitted_on"]
        ok = True
        for column in ("probation_ends_on", "official_since", "ended_on", "unit_since"):
            day = v.get(column)
            if day is not None and day < first:
                self.error(row, column, _("lies before the admission date"))
                ok = False
        return ok

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        people = people_by_national_id(r.values["national_id"] for r in rows)
        return [
            r
            for r in rows
            if all([self.resolve_person(r, people), self.resolve_unit(r, "unit_code", refs)])
            and self.allowed(r, "unit_code", Action.RECORD_STEP, r.refs["unit_code"])
        ]

    def load(self, rows):
        found = Membership.objects.filter(
            person_id__in={r.refs["person"].id for r in rows},
            admitted_on__in={r.values["admitted_on"] for r in rows},
        ).select_related("person", "unit")
        return {(m.person.national_id, m.admitted_on): m for m in found}

    def allow_existing(self, row, obj):
        return self.allowed(row, "unit_code", Action.RECORD_STEP, obj.unit)

    def as_row(self, m):
        return {
            "national_id": m.person.national_id,
            "admitted_on": m.admitted_on,
            "unit_code": m.unit.code,
            "status": m.status,
            "ceremony_date": m.ceremony_date,
            "probation_ends_on": m.probation_ends_on,
            "official_since": m.official_since,
            "ended_on": m.ended_on,
            "unit_since": m.unit_since,
            "readmission": m.readmission,
        }

    def assign(self, m, row, values):
        m.person_id = row.refs["person"].id
        m.unit_id = row.refs["unit_code"].id
        for column in (
            "admitted_on",
            "status",
            "ceremony_date",
            "probation_ends_on",
            "official_since",
            "ended_on",
            "unit_since",
            "readmission",
        ):
            setattr(m, column, values[column])

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['status']}"

    def apply_rows(self, rows, existing):
        created, updated = super().apply_rows(rows, existing)
        # Unchanged ones too: their state is stated by this import.
        self.ctx.stated_memberships.update(existing[r.key].pk for r in rows if r.key in existing)
        return created, updated

    def after_write(self, created, updated):
        self.ctx.stated_memberships.update(m.pk for _r, m, _b, _a in created + updated)
