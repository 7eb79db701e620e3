"""The member register: each spell of membership with its unit, status and dates.

Admissions open memberships, confirmations and transfers change them; but members
admitted before the records began have no admission row, and a membership's state today
(its unit after a restructuring, its status after years) is a fact of its own. A `members`
row gives that state: it creates the membership when none began on that date, else
updates it, and it is the last word on that membership within the import (confirmations
and transfers of the same import leave its state alone).

A row also carries the confirmation of the admission that opened the membership
(`confirmation_decided_on`, `confirmation_outcome`). The contract's `confirmations` file is
keyed by person and so holds one per person: a readmitted member's earlier confirmation
travels here, on the row of the earlier membership.
"""

from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.people.models import Membership
from grassroots.pipeline.models import Admission, Confirmation
from grassroots.pipeline.rules import get_rules

from .base import WRITE_BATCH, Applier, people_by_national_id

CONFIRMATION = ("confirmation_decided_on", "confirmation_outcome")


class MembershipApplier(Applier):
    file = "members"
    model = Membership
    reference_columns = ("national_id", "unit_code")
    names = {"national_id": "person", "unit_code": "unit"}
    fixed_fields = ("person",)
    # Rows of the batch in hand that changed a membership an admission of this import
    # opened: counted as created once written (apply_rows → after_write).
    _opened_updated = 0

    def check(self, row):
        v = row.values
        first = v["admitted_on"]
        ok = True
        for column in (
            "probation_ends_on",
            "official_since",
            "ended_on",
            "unit_since",
            "confirmation_decided_on",
        ):
            day = v.get(column)
            if day is not None and day < first:
                self.error(row, column, _("lies before the admission date"))
                ok = False
        reason = v.get("leave_reason")
        if reason:
            if reason not in dict(get_rules().leave_reasons):
                self.error(
                    row,
                    "leave_reason",
                    _("unknown value %(value)s (use %(choices)s)")
                    % {
                        "value": reason,
                        "choices": ", ".join(code for code, _label in get_rules().leave_reasons),
                    },
                )
                ok = False
            elif v["status"] != Membership.Status.LEFT:
                self.error(row, "leave_reason", _("a reason for leaving needs the status left"))
                ok = False
        decided, outcome = (v.get(c) for c in CONFIRMATION)
        if decided and not outcome:
            self.error(row, "confirmation_outcome", _("a value is required with a decision date"))
            ok = False
        elif outcome and not decided:
            self.error(row, "confirmation_decided_on", _("a value is required with an outcome"))
            ok = False
        elif not decided:
            # No confirmation stated: one the register holds stays as it is (confirmations
            # are facts, and an import does not take them back).
            for column in CONFIRMATION:
                v.pop(column, None)
        return ok

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        kept = [
            r
            for r in rows
            if all([self.resolve_person(r, people), self.resolve_unit(r, "unit_code", refs)])
            and self.allowed(r, "unit_code", Action.RECORD_STEP, r.refs["unit_code"])
        ]
        return self.resolve_admissions(kept)

    def resolve_admissions(self, rows):
        """A confirmation confirms an admission: the row's membership needs one decided on
        `admitted_on` (a member admitted before the records has none to confirm)."""
        confirming = [r for r in rows if r.values.get("confirmation_decided_on")]
        if not confirming:
            return rows
        found = {
            (a.person_id, a.decision_date): a
            for a in Admission.objects.filter(
                person_id__in={r.refs["person"].id for r in confirming},
                decision_date__in={r.values["admitted_on"] for r in confirming},
            ).select_related("confirmation")
        }
        kept = []
        for row in rows:
            if row.values.get("confirmation_decided_on"):
                admission = found.get((row.refs["person"].id, row.values["admitted_on"]))
                if admission is None:
                    self.error(
                        row,
                        "confirmation_decided_on",
                        _("%(id)s has no admission decided on %(date)s to confirm")
                        % {
                            "id": row.values["national_id"],
                            "date": row.values["admitted_on"].isoformat(),
                        },
                    )
                    continue
                row.refs["admission"] = admission
            kept.append(row)
        return kept

    def load(self, rows):
        found = Membership.objects.filter(
            person_id__in={r.refs["person"].id for r in rows},
            admitted_on__in={r.values["admitted_on"] for r in rows},
        ).select_related("person", "unit", "admission__confirmation")
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
            **_confirmation_cells(m),
            "leave_reason": m.leave_reason,
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
            "leave_reason",
        ):
            setattr(m, column, values[column])

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['status']}"

    def snapshot(self, values):
        # The membership's own fields: its admission's confirmation has a history of its own.
        return super().snapshot({k: v for k, v in values.items() if k not in CONFIRMATION})

    def apply_rows(self, rows, existing):
        created, updated = super().apply_rows(rows, existing)
        stated = [existing[r.key].pk for r in rows if r.key in existing]
        # Unchanged ones too: their state is stated by this import.
        self.ctx.stated_memberships.update(stated)
        # A membership an admission of this same import opened is new to the register:
        # its members row counts as created, not as updated or unchanged (into an empty
        # database, an export's members are created). Read from this import's history.
        opened = self._opened_by_this_import(stated)
        changed = {m.pk for _r, m, _b, _a in updated}
        self._opened_updated = len(opened & changed)
        opened_unchanged = len(opened - changed)
        self.counts["unchanged"] -= opened_unchanged
        self.counts["created"] += opened_unchanged
        return created, updated

    def _opened_by_this_import(self, pks):
        if not pks:
            return set()
        trace = self.ctx.trace
        return {
            int(object_id)
            for object_id in Change.objects.filter(
                model=Membership._meta.label_lower,
                object_id__in=[str(pk) for pk in pks],
                action=Change.Action.CREATE,
                cause=trace.cause,
                reference=trace.reference,
            ).values_list("object_id", flat=True)
        }

    def after_write(self, created, updated):
        self.ctx.stated_memberships.update(m.pk for _r, m, _b, _a in created + updated)
        self.counts["updated"] -= self._opened_updated
        self.counts["created"] += self._opened_updated
        self._opened_updated = 0
        self.write_confirmations(created + updated)

    def write_confirmations(self, written):
        """The confirmations the rows state, created or corrected, each with its history."""
        new, changed, changes = [], [], []
        for row, _membership, before, after in written:
            admission = row.refs.get("admission")
            if admission is None:
                continue
            stated = {c: after[c] for c in CONFIRMATION}
            if before is not None and all(before[c] == stated[c] for c in CONFIRMATION):
                continue
            confirmation = getattr(admission, "confirmation", None)
            action = Change.Action.UPDATE
            if confirmation is None:
                confirmation = Confirmation(admission=admission)
                action, earlier = Change.Action.CREATE, None
                new.append(confirmation)
            else:
                earlier = {"decided_on": confirmation.decided_on, "outcome": confirmation.outcome}
                changed.append(confirmation)
            confirmation.decided_on = stated["confirmation_decided_on"]
            confirmation.outcome = stated["confirmation_outcome"]
            changes.append(
                (
                    confirmation,
                    action,
                    earlier,
                    f"{row.refs['person'].full_name} · {confirmation.outcome}",
                    row.values["national_id"],
                )
            )
        if not changes:
            return
        Confirmation.objects.bulk_create(new, batch_size=WRITE_BATCH)
        Confirmation.objects.bulk_update(changed, ["decided_on", "outcome"], batch_size=WRITE_BATCH)
        Change.objects.bulk_create(
            [
                self.ctx.change(
                    c.pk,
                    Confirmation,
                    action=action,
                    before=None
                    if earlier is None
                    else _plain_snapshot({"admission": who, **earlier}),
                    after=_plain_snapshot(
                        {"admission": who, "decided_on": c.decided_on, "outcome": c.outcome}
                    ),
                    repr_=text,
                )
                for c, action, earlier, text, who in changes
            ],
            batch_size=WRITE_BATCH,
        )


def _plain_snapshot(values):
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _confirmation_cells(membership):
    """The confirmation of the admission that opened the membership, as the row's cells.
    The exporter's records say which of them `confirmations` does not carry (and only
    those are written here)."""
    if hasattr(membership, "left_out_decided_on"):
        if membership.left_out_decided_on is None:
            return dict.fromkeys(CONFIRMATION)
        return {
            "confirmation_decided_on": membership.left_out_decided_on,
            "confirmation_outcome": membership.left_out_outcome,
        }
    admission = getattr(membership, "admission", None)
    confirmation = getattr(admission, "confirmation", None) if admission else None
    if confirmation is None or confirmation.decided_on is None:
        return dict.fromkeys(CONFIRMATION)
    return {
        "confirmation_decided_on": confirmation.decided_on,
        "confirmation_outcome": confirmation.outcome,
    }
