"""Targets: of one unit they may nest but never partly overlap."""

from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.plans.models import Target

from .base import Applier


class TargetApplier(Applier):
    """Targets of one unit may nest but never partly overlap (also against the database)."""

    file = "targets"
    reference_columns = ("unit_code", "period_start", "period_end")
    model = Target
    names = {"unit_code": "unit"}
    fixed_fields = (
        "unit",
        "women_share",
        "university_share",
        "student_share",
        "non_state_worker_share",
        "resolution_ref",
        "resolution_date",
    )

    def check(self, row):
        start, end = row.values["period_start"], row.values["period_end"]
        ok = True
        if end < start:
            self.error(row, "period_end", _("the period ends before it starts"))
            ok = False
        stretch = row.values.get("stretch")
        if stretch is not None and stretch < row.values["minimum"]:
            self.error(row, "stretch", _("the stretch target is below the minimum"))
            ok = False
        return ok

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        rows = [r for r in rows if self.resolve_unit(r, "unit_code", refs, Action.DECIDE)]
        periods = {}
        for unit_id, start, end in Target.objects.filter(
            unit_id__in={r.refs["unit_code"].id for r in rows}
        ).values_list("unit_id", "period_start", "period_end"):
            periods.setdefault(unit_id, set()).add((start, end))
        kept = []
        for r in rows:
            mine = (r.values["period_start"], r.values["period_end"])
            if mine[1] < mine[0]:
                continue  # already reported as a reversed period
            unit_periods = periods.setdefault(r.refs["unit_code"].id, set())
            clash = next((p for p in sorted(unit_periods) if _partly_overlap(mine, p)), None)
            if clash:
                self.error(
                    r,
                    "period_start",
                    _("partly overlaps the target %(start)s–%(end)s of unit %(code)s")
                    % {"start": clash[0], "end": clash[1], "code": r.values["unit_code"]},
                )
                continue
            unit_periods.add(mine)
            kept.append(r)
        return kept

    def load(self, rows):
        found = Target.objects.filter(
            unit_id__in={r.refs["unit_code"].id for r in rows},
            period_start__in={r.values["period_start"] for r in rows},
        ).select_related("unit")
        return {(t.unit.code, t.period_start, t.period_end): t for t in found}

    def as_row(self, t):
        return {
            "unit_code": t.unit.code,
            "period_start": t.period_start,
            "period_end": t.period_end,
            "minimum": t.minimum,
            "stretch": t.stretch,
        }

    def assign(self, t, row, values):
        t.unit_id = row.refs["unit_code"].id
        t.period_start = values["period_start"]
        t.period_end = values["period_end"]
        t.minimum = values["minimum"]
        t.stretch = values["stretch"]

    def describe(self, row, obj):
        v = row.values
        return f"{v['unit_code']} {v['period_start']}–{v['period_end']}: {v['minimum']}"


def _partly_overlap(a, b):
    """Overlapping periods where neither contains the other (equal ones are the same key)."""
    (a1, a2), (b1, b2) = a, b
    if a1 > b2 or b1 > a2:
        return False
    a_in_b = b1 <= a1 and a2 <= b2
    b_in_a = a1 <= b1 and b2 <= a2
    return not (a_in_b or b_in_a)
