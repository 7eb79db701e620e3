"""Admissions, confirmations and transfers, and the memberships they open, confirm and move.

These are historical facts: checked for format, vocabularies and references, never refused
for the admission procedure's rules (an admission may be flagged for review instead).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.people.models import Membership
from grassroots.pipeline.models import Admission, Confirmation
from grassroots.transfers.models import Transfer

from .base import WRITE_BATCH, Applier, _plain, add_months, age_on, people_by_national_id

# Outside these ages an imported admission is flagged for review (never refused).
ADULT_AGE, OLDEST_AGE = 18, 60


def membership_state(membership):
    """A membership as a history snapshot (its unit by code)."""
    code = getattr(membership, "_unit_code", None) or membership.unit.code
    return {
        "unit": code,
        "status": membership.status,
        "admitted_on": _plain(membership.admitted_on),
        "ceremony_date": _plain(membership.ceremony_date),
        "probation_ends_on": _plain(membership.probation_ends_on),
        "official_since": _plain(membership.official_since),
        "ended_on": _plain(membership.ended_on),
        "readmission": membership.readmission,
    }


def move_membership(membership, unit_ref):
    membership.unit_id = unit_ref.id
    membership._unit_code = unit_ref.code
    membership._unit_path = unit_ref.path


def membership_path(membership):
    return getattr(membership, "_unit_path", None) or membership.unit.path


MEMBERSHIP_FIELDS = [
    "unit",
    "status",
    "admitted_on",
    "ceremony_date",
    "probation_ends_on",
    "official_since",
    "ended_on",
    "readmission",
]


def save_memberships(ctx, items, *, create=False):
    """Write memberships [(membership, state before or None, person's name)] with history."""
    objs = [m for m, _, _ in items]
    if create:
        Membership.objects.bulk_create(objs, batch_size=WRITE_BATCH)
    else:
        Membership.objects.bulk_update(objs, MEMBERSHIP_FIELDS, batch_size=WRITE_BATCH)
    action = Change.Action.CREATE if create else Change.Action.UPDATE
    changes = []
    for membership, before, name in items:
        after = membership_state(membership)
        if before != after:
            changes.append(
                ctx.change(
                    membership.pk,
                    Membership,
                    action=action,
                    before=before,
                    after=after,
                    repr_=name,
                )
            )
    Change.objects.bulk_create(changes, batch_size=WRITE_BATCH)


class AdmissionApplier(Applier):
    """Admissions are facts: never refused for the procedure's rules, only flagged."""

    file = "admissions"
    reference_columns = ("national_id", "unit_code")
    model = Admission
    names = {"national_id": "person", "unit_code": "unit"}
    fixed_fields = ("person", "dossier", "membership")

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        found = [
            r
            for r in rows
            # Both checked (not `and`), so that both problems are reported.
            if all([self.resolve_person(r, people), self.resolve_unit(r, "unit_code", refs)])
            and self.allowed(r, "unit_code", Action.DECIDE, r.refs["unit_code"])
        ]
        # An admission counts where its unit stood on the decision date: the unit must have
        # existed then (restructuring contract).
        return [r for r in found if self.unit_existed_on(r, "unit_code", r.values["decision_date"])]

    def load(self, rows):
        found = Admission.objects.filter(
            person_id__in={r.refs["person"].id for r in rows},
            decision_date__in={r.values["decision_date"] for r in rows},
        ).select_related("person", "unit", "membership__unit")
        return {(a.person.national_id, a.decision_date): a for a in found}

    def allow_existing(self, row, obj):
        return self.allowed(row, "unit_code", Action.DECIDE, obj.unit)

    def as_row(self, a):
        return {
            "national_id": a.person.national_id,
            "unit_code": a.unit.code,
            "decision_date": a.decision_date,
            "decision_no": a.decision_no,
            "ceremony_date": a.ceremony_date,
            "readmission": a.readmission,
            "education": a.education,
            "occupation": a.occupation,
        }

    def assign(self, a, row, values):
        if a.pk is None:
            # What the statistics count of the person is taken when the admission is
            # recorded, as by the admission service; unless the file says what it was.
            a.keep_person_attributes(row.refs["person"])
        for column in ("education", "occupation"):
            if column in self.present:
                setattr(a, column, values[column])
        a.person_id = row.refs["person"].id
        a.unit_id = row.refs["unit_code"].id
        a.decision_date = values["decision_date"]
        a.decision_no = values["decision_no"]
        a.ceremony_date = values["ceremony_date"]
        a.readmission = values["readmission"]
        notes = self.review_notes(row.refs["person"], values)
        if notes:
            a.needs_review = True
            a.review_note = "\n".join(notes)

    def review_notes(self, person, values):
        """What a reviewer should look at; the import accepts the row regardless."""
        notes = []
        decided = values["decision_date"]
        age = age_on(person.birth_date, decided)
        if age < ADULT_AGE or age > OLDEST_AGE:
            notes.append(
                _("Imported: age %(age)d at the decision lies outside %(low)d–%(high)d.")
                % {"age": age, "low": ADULT_AGE, "high": OLDEST_AGE}
            )
        ceremony = values["ceremony_date"]
        if ceremony and ceremony < decided:
            notes.append(_("Imported: the ceremony date lies before the decision date."))
        return notes

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['decision_date']}"

    def write(self, created, updated):
        # A new admission opens a spell of membership: probationary, 12 months' probation.
        new_memberships = []
        for row, admission, _before, values in created:
            membership = Membership(
                person_id=admission.person_id, status=Membership.Status.PROBATIONARY
            )
            move_membership(membership, row.refs["unit_code"])
            self._fill(membership, values)
            admission._new_membership = membership
            new_memberships.append((membership, None, row.refs["person"].full_name))
        save_memberships(self.ctx, new_memberships, create=True)
        for _row, admission, _before, _values in created:
            admission.membership_id = admission._new_membership.pk
        changed = []
        for row, admission, before, values in updated:
            membership = admission.membership
            if membership is None:
                continue
            state = membership_state(membership)
            # The admitting unit was corrected: a member not yet moved moves with it.
            if (
                membership.status == Membership.Status.PROBATIONARY
                and membership.unit.code == before["unit_code"]
            ):
                move_membership(membership, row.refs["unit_code"])
            self._fill(membership, values)
            changed.append((membership, state, row.refs["person"].full_name))
        if changed:
            save_memberships(self.ctx, changed)
        super().write(created, updated)

    @staticmethod
    def _fill(membership, values):
        membership.admitted_on = values["decision_date"]
        membership.ceremony_date = values["ceremony_date"]
        membership.readmission = values["readmission"]
        if values["ceremony_date"]:
            membership.probation_ends_on = add_months(values["ceremony_date"], 12)
        else:
            membership.probation_ends_on = None


class ConfirmationApplier(Applier):
    """Confirms (or not) the person's latest admission, and sets the membership status."""

    file = "confirmations"
    reference_columns = ("national_id",)
    model = Confirmation
    names = {"national_id": "admission"}
    fixed_fields = ("admission", "cell_vote_date", "decision_no", "exception_reason")

    def resolve(self, rows):
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        by_person = {}
        admissions = (
            Admission.objects.filter(person_id__in={p.id for p in people.values()})
            .select_related("unit", "membership__unit")
            .order_by("person_id", "-decision_date", "-id")
        )
        for admission in admissions:
            by_person.setdefault(admission.person_id, []).append(admission)
        kept = []
        for r in rows:
            if not self.resolve_person(r, people):
                continue
            # The admission confirmed is the latest one decided on or before the
            # confirmation: a readmitted member's old confirmation stays with the old one.
            admission = next(
                (
                    a
                    for a in by_person.get(r.refs["person"].id, [])
                    if a.decision_date <= r.values["decided_on"]
                ),
                None,
            )
            if admission is None:
                self.error(
                    r,
                    "decided_on" if r.refs["person"].id in by_person else "national_id",
                    _("%(id)s has no admission decided on or before %(date)s to confirm")
                    % {"id": r.values["national_id"], "date": r.values["decided_on"]},
                )
                continue
            if not self.allowed(r, "national_id", Action.DECIDE, admission.unit):
                continue
            r.refs["admission"] = admission
            kept.append(r)
        return kept

    def load(self, rows):
        found = Confirmation.objects.filter(
            admission_id__in={r.refs["admission"].id for r in rows}
        ).select_related("admission__person")
        return {(c.admission.person.national_id,): c for c in found}

    def as_row(self, c):
        return {
            "national_id": c.admission.person.national_id,
            "decided_on": c.decided_on,
            "outcome": c.outcome,
        }

    def assign(self, c, row, values):
        c.admission_id = row.refs["admission"].id
        c.decided_on = values["decided_on"]
        c.outcome = values["outcome"]

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['outcome']}"

    def after_write(self, created, updated):
        active = {
            Membership.Status.PROBATIONARY,
            Membership.Status.OFFICIAL,
            Membership.Status.NOT_CONFIRMED,
        }
        changed = []
        for row, _confirmation, _before, values in created + updated:
            membership = row.refs["admission"].membership
            if membership is None or membership.status not in active:
                continue
            if membership.pk in self.ctx.stated_memberships:
                continue  # a members row of this import gave its state
            state = membership_state(membership)
            if values["outcome"] == Confirmation.Outcome.CONFIRMED:
                membership.status = Membership.Status.OFFICIAL
                # A late recognition still dates from the end of probation.
                membership.official_since = membership.probation_ends_on or values["decided_on"]
                membership.ended_on = None
            else:
                membership.status = Membership.Status.NOT_CONFIRMED
                membership.official_since = None
                membership.ended_on = values["decided_on"]
            changed.append((membership, state, row.refs["person"].full_name))
        if changed:
            save_memberships(self.ctx, changed)


class TransferApplier(Applier):
    """Transfers of a member's latest membership: to a unit, or out of the system."""

    file = "transfers"
    reference_columns = ("national_id",)
    model = Transfer
    names = {"national_id": "person", "to_unit_code": "to_unit"}
    fixed_fields = ("person", "membership")
    # Columns added after the contract's: a file without them leaves them as they are.
    DETAILS = (
        "origin",
        "report_by",
        "arrived_on",
        "ends_on",
        "ended_on",
        "letter_no",
        "dues_paid_until",
        "note",
    )
    MOVED = (Transfer.Status.RECEIVED, Transfer.Status.MADE_OFFICIAL)

    def check(self, row):
        has_unit = bool(row.values.get("to_unit_code"))
        has_destination = bool(row.values.get("destination"))
        if has_unit == has_destination:
            self.error(
                row,
                "to_unit_code" if has_unit else "destination",
                _("give exactly one of to_unit_code and destination"),
            )
            return False
        return True

    def resolve(self, rows):
        refs = self.ctx.units.get_many(
            [r.values.get("to_unit_code") for r in rows]
            + [r.values.get("from_unit_code") for r in rows]
        )
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        memberships = {}
        for membership in (
            Membership.objects.filter(person_id__in={p.id for p in people.values()})
            .select_related("unit")
            .order_by("person_id", "-admitted_on", "-id")
        ):
            memberships.setdefault(membership.person_id, []).append(membership)
        kept = []
        for r in rows:
            if not all(
                [
                    self.resolve_person(r, people),
                    self.resolve_unit(r, "to_unit_code", refs),
                    self.resolve_unit(r, "from_unit_code", refs),
                ]
            ) or not self.units_existed_then(r):
                continue
            mine = memberships.get(r.refs["person"].id, [])
            # The membership current when the letter was issued (a readmitted member's
            # old transfer stays with the old one); else the latest.
            membership = next(
                (m for m in mine if m.admitted_on and m.admitted_on <= r.values["issued_on"]),
                mine[0] if mine else None,
            )
            arriving = r.values.get("origin") and not r.values.get("from_unit_code")
            if arriving and r.values["kind"] == Transfer.Kind.TEMPORARY:
                # A temporary arrival from outside: the member stays on the roll there.
                r.refs["membership"] = None
                if self.allowed(r, "to_unit_code", Action.RECORD_STEP, r.refs["to_unit_code"]):
                    kept.append(r)
                continue
            if membership is None:
                self.error(
                    r,
                    "national_id",
                    _("%(id)s has no membership to transfer") % {"id": r.values["national_id"]},
                )
                continue
            sender = r.refs.get("from_unit_code") or membership.unit
            if not self.allowed(r, "national_id", Action.RECORD_STEP, sender):
                continue
            r.refs["membership"] = membership
            kept.append(r)
        return kept

    def units_existed_then(self, row):
        """The sending unit existed when the letter was issued, the receiving one when the
        member arrived (or, not yet arrived, when it was issued). A transfer still on its
        way to a unit that ended has passed to the successor (transfers/restructuring.py),
        which may be younger than the letter: only that it exists is asked then."""
        v = row.values
        sent = self.unit_existed_on(row, "from_unit_code", v["issued_on"])
        if v.get("status") == Transfer.Status.ISSUED:
            received = self.unit_existed_on(row, "to_unit_code", timezone.localdate())
        else:
            received = self.unit_existed_on(
                row, "to_unit_code", v.get("arrived_on") or v["issued_on"]
            )
        return sent and received

    def load(self, rows):
        found = Transfer.objects.filter(
            person_id__in={r.refs["person"].id for r in rows},
            issued_on__in={r.values["issued_on"] for r in rows},
        ).select_related("person", "to_unit", "from_unit")
        return {(t.person.national_id, t.issued_on): t for t in found}

    def allow_existing(self, row, obj):
        return self.allowed(row, "national_id", Action.RECORD_STEP, obj.unit)

    def as_row(self, t):
        return {
            "national_id": t.person.national_id,
            "kind": t.kind,
            "issued_on": t.issued_on,
            "to_unit_code": t.to_unit.code if t.to_unit_id else None,
            "destination": t.destination,
            "destination_type": t.destination_type,
            "from_unit_code": t.from_unit.code if t.from_unit_id else None,
            "origin": t.origin,
            "status": t.status,
            "report_by": t.report_by,
            "arrived_on": t.arrived_on,
            "ends_on": t.ends_on,
            "ended_on": t.ended_on,
            "letter_no": t.letter_no,
            "dues_paid_until": t.dues_paid_until,
            "note": t.note,
        }

    def assign(self, t, row, values):
        membership = row.refs["membership"]
        to_unit = row.refs.get("to_unit_code")
        if t.pk is None:
            t.person_id = row.refs["person"].id
            t.membership_id = membership.pk if membership else None
            if "from_unit_code" in self.present:
                sender = row.refs.get("from_unit_code")
                t.from_unit_id = sender.id if sender else None
            else:
                t.from_unit_id = membership.unit_id
        elif "from_unit_code" in self.present:
            sender = row.refs.get("from_unit_code")
            t.from_unit_id = sender.id if sender else None
        t.kind = values["kind"]
        t.issued_on = values["issued_on"]
        t.to_unit_id = to_unit.id if to_unit else None
        t.destination = values["destination"]
        t.destination_type = values["destination_type"]
        for column in self.DETAILS:
            setattr(t, column, values[column])
        t.status = values["status"] or (
            Transfer.Status.RECEIVED if to_unit else Transfer.Status.LEFT_SCOPE
        )
        if membership is None or membership.pk in self.ctx.stated_memberships:
            return  # no membership, or a members row of this import gave its state
        # An official transfer moves the member; later transfers in the batch start there.
        if values["kind"] == Transfer.Kind.OFFICIAL and to_unit and t.status in self.MOVED:
            if membership.pk not in self.moved:
                self.moved[membership.pk] = membership_state(membership)
            move_membership(membership, to_unit)

    def describe(self, row, obj):
        target = row.values.get("to_unit_code") or row.values.get("destination")
        return f"{row.refs['person'].full_name} → {target} ({row.values['issued_on']})"

    def apply(self, batch):
        self.moved = {}  # membership id → its state before this batch
        super().apply(batch)

    def after_write(self, created, updated):
        changed = {}
        for row, _transfer, _before, values in created + updated:
            membership = row.refs["membership"]
            if membership is None or membership.pk in self.ctx.stated_memberships:
                continue
            before = self.moved.get(membership.pk) or membership_state(membership)
            changed.setdefault(membership.pk, (membership, before, row.refs["person"].full_name))
            if (
                values["kind"] == Transfer.Kind.OFFICIAL
                and not values.get("to_unit_code")
                and (values.get("status") or Transfer.Status.LEFT_SCOPE)
                in (Transfer.Status.LEFT_SCOPE, Transfer.Status.MADE_OFFICIAL)
            ):
                membership.status = Membership.Status.TRANSFERRED_OUT
                membership.ended_on = values["issued_on"]
        if changed:
            save_memberships(self.ctx, list(changed.values()))
