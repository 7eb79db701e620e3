"""The register: people, sources, courses and enrolments."""

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.bulk import existing_values, value_in
from grassroots.people.models import Occupation, Person
from grassroots.people.services import (
    OLDEST_PLAUSIBLE_AGE,
    YOUNGEST_PLAUSIBLE_AGE,
    person_bulk_create,
    person_bulk_load_begin,
    person_bulk_load_end,
)
from grassroots.pipeline.models import Course, Enrollment, Source

from ..format import COLUMNS, FreeOccupation
from .base import Applier, people_by_national_id

# The register's fields a people file can give (its columns but the unit's code).
STORED_FIELDS = tuple(c.name for c in COLUMNS["people"] if c.name != "unit_code")


@dataclasses.dataclass(slots=True)
class StoredPerson:
    """A person in the register as `as_row` and the scope checks read them: the fields
    the file can give, the unit as a `UnitRef`; no model instance."""

    national_id: str
    full_name: str
    gender: str
    birth_date: object
    ethnicity: str
    ethnic_minority: bool
    religion: str
    education: str
    occupation: str
    job_title: str
    youth_union: bool
    pk: int = 0
    unit_id: int | None = None
    unit: object = None


class PeopleApplier(Applier):
    file = "people"
    reference_columns = ("unit_code",)
    model = Person
    names = {"unit_code": "unit"}
    fixed_fields = ("national_id", "phone", "email", "address")

    wants_row_count = True

    def __init__(self, ctx, present):
        super().__init__(ctx, present)
        self.today = timezone.localdate()
        self.set_aside = None

    def finish(self):
        if self.set_aside:
            person_bulk_load_end(self.set_aside)
        self.set_aside = None

    def check(self, row):
        self.read_free_occupation(row)
        birth = row.values.get("birth_date")
        if birth is None:
            return True
        today = self.today
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

    def read_free_occupation(self, row):
        """An older file's free-text occupation: kept as the job title (unless the row
        gives one), the group set to `other`, and the row named in a warning."""
        text = row.values.get("occupation")
        if not isinstance(text, FreeOccupation):
            return
        row.values["occupation"] = Occupation.OTHER.value
        if not row.values.get("job_title"):
            row.values["job_title"] = str(text)
        self.warn(
            row,
            "occupation",
            _("%(value)s is not an occupation code: kept as the job title, occupation set to other")
            % {"value": text},
        )

    def resolve(self, rows):
        refs = self.ctx.units.get_many([r.values.get("unit_code") for r in rows])
        if "unit_code" not in self.present:
            return rows
        return self.refuse_ended_units(
            [r for r in rows if self.resolve_unit(r, "unit_code", refs, Action.EDIT_PEOPLE)]
        )

    def load(self, rows):
        # Which exist, in one light query; those are read as plain values, not records
        # (an unchanged row, the re-import's usual case, needs no more).
        ids = list(existing_values(Person, "national_id", [r.key[0] for r in rows]))
        if not ids:
            return {}
        found = Person.objects.filter(value_in(Person, "national_id", ids)).values_list(
            "pk", "unit_id", "unit__code", *STORED_FIELDS
        )
        stored = []
        for pk, unit_id, code, *values in found:
            person = StoredPerson(*values)
            person.pk, person.unit_id, person.unit = pk, unit_id, code
            stored.append(person)
        units = self.ctx.units.get_many([p.unit for p in stored if p.unit])
        for person in stored:
            if person.unit is not None:
                person.unit = units[person.unit]
        return {(p.national_id,): p for p in stored}

    def records_to_change(self, changed):
        if not changed:
            return changed
        people = Person.objects.select_related("unit").in_bulk([obj.pk for _, obj, _, _ in changed])
        return [(row, people[obj.pk], before, after) for row, obj, before, after in changed]

    def allow_new(self, row):
        if "unit_code" in self.present:
            return True  # checked in resolve
        return self.allowed(row, "national_id", Action.EDIT_PEOPLE, None)

    def allow_existing(self, row, obj):
        user = self.ctx.scope_user
        if user is not None and not scope.can_see(user, obj.unit):
            # Out of the uploader's sight: said as the register's form says it, without
            # naming the unit the person belongs to.
            self.error(
                row,
                "national_id",
                _("Another person already has national ID %(id)s.") % {"id": row.key[0]},
            )
            return False
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
            "job_title": p.job_title,
            "youth_union": p.youth_union,
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

    def describe(self, row, obj):
        return obj.full_name

    def new_record(self, row, after):
        return None  # person_bulk_create writes plain values

    def create(self, created):
        """New people go through the register's bulk service (COPY on PostgreSQL), which
        also writes their history rows."""
        if self.set_aside is None:
            self.set_aside = person_bulk_load_begin(self.expected_rows)
        people = []
        for row, _obj, _before, after in created:
            fields = after.copy()
            del fields["unit_code"]
            fields["unit"] = row.refs.get("unit_code")
            people.append(fields)
        person_bulk_create(trace=self.ctx.trace, people=people)
        return True


class SourceApplier(Applier):
    file = "sources"
    reference_columns = ("national_id", "unit_code")
    model = Source
    names = {"unit_code": "unit", "national_id": "person", "nominated_in_code": "nominated_in"}
    fixed_fields = ("person", "unit", "category", "mentor", "status")

    def resolve(self, rows):
        codes = [r.values["unit_code"] for r in rows]
        codes += [r.values["nominated_in_code"] for r in rows if r.values.get("nominated_in_code")]
        refs = self.ctx.units.get_many(codes)
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        return [
            r
            for r in rows
            if all(
                [
                    self.resolve_person(r, people),
                    self.resolve_unit(r, "unit_code", refs),
                    self.resolve_unit(r, "nominated_in_code", refs),
                ]
            )
            and self.allowed(r, "unit_code", Action.EDIT_PEOPLE, r.refs["unit_code"])
            and self.nominating_unit_existed(r)
        ]

    def nominating_unit_existed(self, row):
        """The unit that nominated the person existed on the day: `nominated_in_code`, or,
        for a source that never passed to a successor, its own `unit_code` (a source
        passed by a merge or a split keeps where it was nominated in nominated_in)."""
        column = "nominated_in_code" if row.refs.get("nominated_in_code") else "unit_code"
        return self.unit_existed_on(row, column, row.values.get("nominated_on"))

    def load(self, rows):
        found = Source.objects.filter(
            person_id__in={r.refs["person"].id for r in rows},
            unit_id__in={r.refs["unit_code"].id for r in rows},
        ).select_related("person", "unit", "nominated_in")
        return {(s.person.national_id, s.unit.code): s for s in found}

    def as_row(self, s):
        return {
            "national_id": s.person.national_id,
            "unit_code": s.unit.code,
            "nominated_on": s.nominated_on,
            "nominated_by": s.nominated_by,
            "note": s.note,
            "nominated_in_code": s.nominated_in.code if s.nominated_in_id else None,
        }

    def assign(self, s, row, values):
        s.person_id = row.refs["person"].id
        s.unit_id = row.refs["unit_code"].id
        s.nominated_on = values["nominated_on"]
        s.nominated_by = values["nominated_by"]
        s.note = values["note"]
        if "nominated_in_code" in self.present:  # an older file leaves the fact alone
            nominated_in = row.refs.get("nominated_in_code")
            s.nominated_in_id = nominated_in.id if nominated_in is not None else None

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['unit_code']}"


class CourseApplier(Applier):
    file = "courses"
    reference_columns = ("organizer_unit_code",)
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

    def describe(self, row, obj):
        return f"{obj.title} ({obj.code})"


class EnrollmentApplier(Applier):
    file = "enrollments"
    reference_columns = ("course_code", "national_id")
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
        people = people_by_national_id((r.values["national_id"] for r in rows), self.ctx.scope_user)
        kept = []
        for r in rows:
            course = courses.get(r.values["course_code"])
            if course is None:
                self.error(
                    r,
                    "course_code",
                    _("unknown course %(code)s") % {"code": r.values["course_code"]},
                )
            if not self.resolve_person(r, people) or course is None:
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

    def describe(self, row, obj):
        return f"{row.refs['person'].full_name} · {row.values['course_code']}"
