"""Failed cell votes, so that a dossier in progress keeps its count of votes.

The passing vote's attempt number is counted from them (pipeline.engine), so a dossier
that lost them in a round trip would get its votes back. Facts, like the steps: checked
for format and references, never against the procedure's rules.
"""

import datetime as dt

from django.utils import timezone

from grassroots.pipeline.models import FailedCellVote

from .base import Applier
from .dossiers import resolve_dossiers


def _annulled_on(vote):
    return timezone.localtime(vote.annulled_at).date() if vote.annulled_at else None


class FailedVoteApplier(Applier):
    file = "failed_cell_votes"
    model = FailedCellVote
    reference_columns = ("national_id", "opened_on")
    names = {"national_id": "dossier", "annulled_on": "annulled_at"}
    fixed_fields = ("dossier", "recorded_by", "recorded_at", "annulled_by")

    def check(self, row):
        # Part of the key: a vote annulled and then recorded again on the same day are two.
        row.values.setdefault("annulled_on", None)
        return True

    def resolve(self, rows):
        return resolve_dossiers(self, rows)

    def load(self, rows):
        found = FailedCellVote.objects.filter(
            dossier_id__in={r.refs["dossier"].pk for r in rows}
        ).select_related("dossier__person")
        return {
            (v.dossier.person.national_id, v.dossier.opened_on, v.date, _annulled_on(v)): v
            for v in found
        }

    def as_row(self, v):
        return {
            "national_id": v.dossier.person.national_id,
            "opened_on": v.dossier.opened_on,
            "date": v.date,
            "present": v.present,
            "in_favour": v.in_favour,
            "against": v.against,
            "annulled_on": _annulled_on(v),
            "annul_reason": v.annul_reason,
        }

    def assign(self, v, row, values):
        v.dossier_id = row.refs["dossier"].pk
        for column in ("date", "present", "in_favour", "against", "annul_reason"):
            setattr(v, column, values[column])
        day = values["annulled_on"]
        if day is None:
            v.annulled_at = None
        elif v.annulled_at is None or _annulled_on(v) != day:
            v.annulled_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    def describe(self, row, obj):
        return f"{row.values['national_id']} · {row.values['date']}"
