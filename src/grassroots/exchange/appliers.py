"""One applier per file of the exchange format: check a batch of rows, then write it.

Each applier compares rows in the file's own terms (`as_row`: foreign keys as codes), so
the same function serves the importer (what changed?) and the exporter (what to write).
History snapshots use the model's field names with foreign keys as codes.
"""

import dataclasses
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Action
from grassroots.history.models import Change
from grassroots.people.models import Membership, Person
from grassroots.people.services import OLDEST_PLAUSIBLE_AGE, YOUNGEST_PLAUSIBLE_AGE
from grassroots.pipeline.models import Admission, Confirmation, Course, Enrollment, Source
from grassroots.plans.models import Target
from grassroots.transfers.models import Transfer

from .format import COLUMNS, KEYS, parse_row, parse_value

WRITE_BATCH = 1000
ADULT_AGE, OLDEST_AGE = 18, 60


@dataclasses.dataclass
class Row:
    number: int
    values: dict
    key: tuple = ()
    refs: dict = dataclasses.field(default_factory=dict)


def add_months(day, months):
    """The same day `months` later (the last day of the month when it does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def people_by_national_id(national_ids):
    """Persons (a few fields) for these national IDs, in one query."""
    ids = list({n for n in national_ids if n})
    found = {}
    for start in range(0, len(ids), 2000):
        for person in Person.objects.filter(national_id__in=ids[start : start + 2000]).only(
            "id", "national_id", "full_name", "birth_date", "unit_id"
        ):
            found[person.national_id] = person
    return found


class Applier:
    """Check and write the rows of one file, a batch at a time."""

    file = ""
    model = None
    # column → the model field name used in history snapshots
    names = {}

    def __init__(self, ctx, present):
        self.ctx = ctx
        self.present = present
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        self.seen = set()
        self.defaults = {c.name: parse_value(c, "") for c in COLUMNS[self.file] if not c.required}

    # --- hooks -------------------------------------------------------------------
    def check(self, row):
        """Checks of one row on its own (no database). Report problems, return ok."""
        return True

    def resolve(self, rows):
        """Look up references for a batch; report problems; return the rows kept."""
        return rows

    def load(self, rows):
        """Existing records of the batch by key."""
        raise NotImplementedError

    def as_row(self, obj):
        raise NotImplementedError

    def assign(self, obj, row, values):
        raise NotImplementedError

    def allow_new(self, row):
        return True

    def allow_existing(self, row, obj):
        return True

    def unit_path(self, row, obj):
        return ""

    def describe(self, row, obj):
        return " ".join(str(v) for v in row.key)

    def after_write(self, created, updated):
        """Side effects on other records (memberships), with their own history."""

    def finish(self):
        """Work left for the end of the file."""

    # --- the engine ---------------------------------------------------------------
    def error(self, row, column, message):
        self.ctx.problem(self.file, row.number, column, message)

    def allowed(self, row, column, action, unit):
        if self.ctx.allowed(action, unit):
            return True
        code = getattr(unit, "code", None)
        if code:
            self.error(row, column, _("unit %(code)s is outside your scope") % {"code": code})
        else:
            self.error(row, column, _("only users of a top unit may import records without a unit"))
        return False

    def snapshot(self, values):
        return {self.names.get(k, k): _plain(v) for k, v in values.items()}

    def apply(self, batch):
        rows = []
        key_columns = KEYS[self.file]
        for number, cells in batch:
            values, errors = parse_row(self.file, self.present, cells)
            row = Row(number, values)
            for column, message in errors:
                self.error(row, column, message)
            if errors or not self.check(row):
                continue
            row.key = tuple(values[k] for k in key_columns)
            if row.key in self.seen:
                self.error(
                    row,
                    key_columns[-1],
                    _("the key %(key)s appears more than once in the file")
                    % {"key": " + ".join(_plain_text(v) for v in row.key)},
                )
                continue
            self.seen.add(row.key)
            rows.append(row)
        if not rows:
            return
        rows = self.resolve(rows)
        created, updated = self.apply_rows(rows, self.load(rows))
        self.write(created, updated)

    def apply_rows(self, rows, existing):
        """Split the batch into new and changed records, counting the unchanged ones."""
        created, updated = [], []
        for row in rows:
            obj = existing.get(row.key)
            if obj is None:
                if not self.allow_new(row):
                    continue
                after = {**self.defaults, **row.values}
                obj = self.model()
                self.assign(obj, row, after)
                created.append((row, obj, None, after))
                continue
            if not self.allow_existing(row, obj):
                continue
            before = self.as_row(obj)
            after = {**before, **row.values}
            if after == before:
                self.counts["unchanged"] += 1
                continue
            self.assign(obj, row, after)
            updated.append((row, obj, before, after))
        return created, updated

    def update_fields(self):
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name not in self.fixed_fields
        ]

    fixed_fields = ()

    def write(self, created, updated):
        manager = self.model.objects
        manager.bulk_create([obj for _, obj, _, _ in created], batch_size=WRITE_BATCH)
        if updated:
            manager.bulk_update(
                [obj for _, obj, _, _ in updated], self.update_fields(), batch_size=WRITE_BATCH
            )
        changes = []
        for row, obj, before, after in created + updated:
            changes.append(
                self.ctx.change(
                    obj.pk,
                    self.model,
                    action=Change.Action.CREATE if before is None else Change.Action.UPDATE,
                    before=None if before is None else self.snapshot(before),
                    after=self.snapshot(after),
                    unit_path=self.unit_path(row, obj),
                    repr_=self.describe(row, obj),
                )
            )
        Change.objects.bulk_create(changes, batch_size=WRITE_BATCH)
        self.counts["created"] += len(created)
        self.counts["updated"] += len(updated)
        self.after_write(created, updated)

    # --- shared lookups ---------------------------------------------------------------
    def resolve_unit(self, row, column, refs, action=None):
        """The unit named in `column` (None when empty); reports unknown and out of scope."""
        code = row.values.get(column)
        if not code:
            if action is not None and not self.allowed(row, column, action, None):
                return False
            row.refs[column] = None
            return True
        ref = refs.get(code)
        if ref is None:
            self.error(row, column, _("unknown unit %(code)s") % {"code": code})
            return False
        if action is not None and not self.allowed(row, column, action, ref):
            return False
        row.refs[column] = ref
        return True

    def resolve_person(self, row, people, column="national_id"):
        person = people.get(row.values[column])
        if person is None:
            self.error(
                row,
                column,
                _("unknown person %(id)s (not in the register nor in people)")
                % {"id": row.values[column]},
            )
            return False
        row.refs["person"] = person
        return True


def _plain_text(value):
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class PeopleApplier(Applier):
    file = "people"
    model = Person
    names = {"unit_code": "unit"}
    fixed_fields = ("national_id", "phone", "email", "address")

    def check(self, row):
        birth = row.values.get("birth_date")
        if birth is None:
            return True
        today = timezone.localdate()
        message = None
        if birth > today:
            message = _("the birth date lies in the future")
        elif birth.year < today.year - OLDEST_PLAUSIBLE_AGE:
            message = _("the birth date is more than 120 years ago")
        elif birth.year > today.year - YOUNGEST_PLAUSIBLE_AGE:
            message = _("the person would be younger than six")
        if message:
            self.error(row, "birth_date", message)
        return message is None

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values.get("unit_code") for r in rows])
        if "unit_code" not in self.present:
            return rows
        return [r for r in rows if self.resolve_unit(r, "unit_code", refs, Action.EDIT_PEOPLE)]

    def load(self, rows):
        ids = [r.key[0] for r in rows]
        return {
            (p.national_id,): p
            for p in Person.objects.filter(national_id__in=ids).select_related("unit")
        }

    def allow_new(self, row):
        if "unit_code" in self.present:
            return True  # checked in resolve
        return self.allowed(row, "national_id", Action.EDIT_PEOPLE, None)

    def allow_existing(self, row, obj):
        return self.allowed(row, "national_id", Action.EDIT_PEOPLE, obj.unit)

    def as_row(self, p):
        return {
            "national_id": p.national_id,
            "full_name": p.full_name,
            "gender": p.gender,
            "birth_date": p.birth_date,
            "ethnicity": p.ethnicity,
            "ethnic_minority": p.ethnic_minority,
            "religion": p.religion,
            "education": p.education,
            "occupation": p.occupation,
            "unit_code": p.unit.code if p.unit_id else None,
        }

    def assign(self, p, row, values):
        for column, value in values.items():
            if column == "unit_code":
                if column in self.present:
                    ref = row.refs.get("unit_code")
                    p.unit_id = ref.id if ref else None
            else:
                setattr(p, column, value)
        p.refresh_derived_fields()

    def unit_path(self, row, obj):
        ref = row.refs.get("unit_code")
        if ref:
            return ref.path
        return obj.unit.path if obj.unit_id and "unit" in obj._state.fields_cache else ""

    def describe(self, row, obj):
        return obj.full_name


class SourceApplier(Applier):
    file = "sources"
    model = Source
    names = {"unit_code": "unit", "national_id": "person"}
    fixed_fields = ("person", "unit", "category", "mentor", "status")

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        people = people_by_national_id(r.values["national_id"] for r in rows)
        return [
            r
            for r in rows
            if self.resolve_person(r, people)
            and self.resolve_unit(r, "unit_code", refs, Action.EDIT_PEOPLE)
        ]

    def load(self, rows):
        found = Source.objects.filter(
            person_id__in={r.refs["person"].id for r in rows},
            unit_id__in={r.refs["unit_code"].id for r in rows},
        ).select_related("person", "unit")
        return {(s.person.national_id, s.unit.code): s for s in found}

    def as_row(self, s):
        return {
            "national_id": s.person.national_id,
            "unit_code": s.unit.code,
            "nominated_on": s.nominated_on,
            "nominated_by": s.nominated_by,
            "note": s.note,
        }

    def assign(self, s, row, values):
        s.person_id = row.refs["person"].id
        s.unit_id = row.refs["unit_code"].id
        s.nominated_on = values["nominated_on"]
        s.nominated_by = values["nominated_by"]
        s.note = values["note"]

    def unit_path(self, row, obj):
        return row.refs["unit_code"].path

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['unit_code']}"


class CourseApplier(Applier):
    file = "courses"
    model = Course
    names = {"organizer_unit_code": "organizer"}
    fixed_fields = ("code", "place")

    def check(self, row):
        start, end = row.values.get("start_date"), row.values.get("end_date")
        if start and end and end < start:
            self.error(row, "end_date", _("the course ends before it starts"))
            return False
        return True

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["organizer_unit_code"] for r in rows])
        return [
            r for r in rows if self.resolve_unit(r, "organizer_unit_code", refs, Action.EDIT_UNITS)
        ]

    def load(self, rows):
        found = Course.objects.filter(code__in=[r.key[0] for r in rows]).select_related("organizer")
        return {(c.code,): c for c in found}

    def allow_existing(self, row, obj):
        return self.allowed(row, "code", Action.EDIT_UNITS, obj.organizer)

    def as_row(self, c):
        return {
            "code": c.code,
            "organizer_unit_code": c.organizer.code,
            "title": c.title,
            "start_date": c.start_date,
            "end_date": c.end_date,
        }

    def assign(self, c, row, values):
        c.code = values["code"]
        c.organizer_id = row.refs["organizer_unit_code"].id
        c.title = values["title"]
        c.start_date = values["start_date"]
        c.end_date = values["end_date"]

    def unit_path(self, row, obj):
        return row.refs["organizer_unit_code"].path

    def describe(self, row, obj):
        return f"{obj.title} ({obj.code})"


class EnrollmentApplier(Applier):
    file = "enrollments"
    model = Enrollment
    names = {"course_code": "course", "national_id": "person"}
    fixed_fields = ("course", "person")

    def resolve(self, rows):
        courses = {
            c.code: c
            for c in Course.objects.filter(
                code__in={r.values["course_code"] for r in rows}
            ).select_related("organizer")
        }
        people = people_by_national_id(r.values["national_id"] for r in rows)
        kept = []
        for r in rows:
            course = courses.get(r.values["course_code"])
            if course is None:
                self.error(
                    r,
                    "course_code",
                    _("unknown course %(code)s") % {"code": r.values["course_code"]},
                )
                continue
            if not self.resolve_person(r, people):
                continue
            if not self.allowed(r, "course_code", Action.EDIT_PEOPLE, course.organizer):
                continue
            r.refs["course"] = course
            kept.append(r)
        return kept

    def load(self, rows):
        found = Enrollment.objects.filter(
            course_id__in={r.refs["course"].id for r in rows},
            person_id__in={r.refs["person"].id for r in rows},
        ).select_related("course", "person")
        return {(e.course.code, e.person.national_id): e for e in found}

    def as_row(self, e):
        return {
            "course_code": e.course.code,
            "national_id": e.person.national_id,
            "result": e.result,
            "certificate_no": e.certificate_no,
            "certificate_date": e.certificate_date,
        }

    def assign(self, e, row, values):
        e.course_id = row.refs["course"].id
        e.person_id = row.refs["person"].id
        e.result = values["result"]
        e.certificate_no = values["certificate_no"]
        e.certificate_date = values["certificate_date"]

    def unit_path(self, row, obj):
        return row.refs["course"].organizer.path

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['course_code']}"


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
                    unit_path=membership_path(membership),
                    repr_=name,
                )
            )
    Change.objects.bulk_create(changes, batch_size=WRITE_BATCH)


class AdmissionApplier(Applier):
    """Admissions are facts: never refused for the procedure's rules, only flagged."""

    file = "admissions"
    model = Admission
    names = {"national_id": "person", "unit_code": "unit"}
    fixed_fields = ("person", "dossier", "membership")

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values["unit_code"] for r in rows])
        people = people_by_national_id(r.values["national_id"] for r in rows)
        return [
            r
            for r in rows
            if self.resolve_person(r, people)
            and self.resolve_unit(r, "unit_code", refs, Action.DECIDE)
        ]

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
        }

    def assign(self, a, row, values):
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

    def unit_path(self, row, obj):
        return row.refs["unit_code"].path

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
    model = Confirmation
    names = {"national_id": "admission"}
    fixed_fields = ("admission", "cell_vote_date", "decision_no", "exception_reason")

    def resolve(self, rows):
        people = people_by_national_id(r.values["national_id"] for r in rows)
        latest = {}
        admissions = (
            Admission.objects.filter(person_id__in={p.id for p in people.values()})
            .select_related("unit", "membership__unit")
            .order_by("person_id", "-decision_date", "-id")
        )
        for admission in admissions:
            latest.setdefault(admission.person_id, admission)
        kept = []
        for r in rows:
            if not self.resolve_person(r, people):
                continue
            admission = latest.get(r.refs["person"].id)
            if admission is None:
                self.error(
                    r,
                    "national_id",
                    _("%(id)s has no admission to confirm") % {"id": r.values["national_id"]},
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

    def unit_path(self, row, obj):
        return row.refs["admission"].unit.path

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
    model = Transfer
    names = {"national_id": "person", "to_unit_code": "to_unit"}
    fixed_fields = (
        "person",
        "membership",
        "from_unit",
        "origin",
        "report_by",
        "arrived_on",
        "letter_no",
        "dues_paid_until",
        "note",
    )

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
        refs = self.ctx.units.get_many([r.values.get("to_unit_code") for r in rows])
        people = people_by_national_id(r.values["national_id"] for r in rows)
        memberships = {}
        for membership in (
            Membership.objects.filter(person_id__in={p.id for p in people.values()})
            .select_related("unit")
            .order_by("person_id", "-admitted_on", "-id")
        ):
            memberships.setdefault(membership.person_id, membership)
        kept = []
        for r in rows:
            if not self.resolve_person(r, people) or not self.resolve_unit(r, "to_unit_code", refs):
                continue
            membership = memberships.get(r.refs["person"].id)
            if membership is None:
                self.error(
                    r,
                    "national_id",
                    _("%(id)s has no membership to transfer") % {"id": r.values["national_id"]},
                )
                continue
            if not self.allowed(r, "national_id", Action.RECORD_STEP, membership.unit):
                continue
            r.refs["membership"] = membership
            kept.append(r)
        return kept

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
        }

    def assign(self, t, row, values):
        membership = row.refs["membership"]
        if t.pk is None:
            t.person_id = row.refs["person"].id
            t.membership_id = membership.pk
            t.from_unit_id = membership.unit_id
            t._from_path = membership_path(membership)
        else:
            t._from_path = (t.from_unit or t.to_unit).path
        to_unit = row.refs.get("to_unit_code")
        t.kind = values["kind"]
        t.issued_on = values["issued_on"]
        t.to_unit_id = to_unit.id if to_unit else None
        t.destination = values["destination"]
        t.destination_type = values["destination_type"]
        t.status = Transfer.Status.RECEIVED if to_unit else Transfer.Status.LEFT_SCOPE
        # An official transfer moves the member; later transfers in the batch start there.
        if values["kind"] == Transfer.Kind.OFFICIAL and to_unit:
            if membership.pk not in self.moved:
                self.moved[membership.pk] = membership_state(membership)
            move_membership(membership, to_unit)

    def unit_path(self, row, obj):
        return obj._from_path

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
            before = self.moved.get(membership.pk) or membership_state(membership)
            changed.setdefault(membership.pk, (membership, before, row.refs["person"].full_name))
            if values["kind"] == Transfer.Kind.OFFICIAL and not values.get("to_unit_code"):
                membership.status = Membership.Status.TRANSFERRED_OUT
                membership.ended_on = values["issued_on"]
        if changed:
            save_memberships(self.ctx, list(changed.values()))


class TargetApplier(Applier):
    """Targets of one unit may nest but never partly overlap (also against the database)."""

    file = "targets"
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

    def unit_path(self, row, obj):
        return row.refs["unit_code"].path

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


def _appliers():
    from .units import UnitApplier

    return {
        "units": UnitApplier,
        "people": PeopleApplier,
        "sources": SourceApplier,
        "courses": CourseApplier,
        "enrollments": EnrollmentApplier,
        "admissions": AdmissionApplier,
        "confirmations": ConfirmationApplier,
        "transfers": TransferApplier,
        "targets": TargetApplier,
    }


class _Lazy(dict):
    def __missing__(self, key):
        self.update(_appliers())
        return dict.__getitem__(self, key)


APPLIERS = _Lazy()
