"""Shared state while the demo town is built: the random generator, the units, new rows.

Rows are collected unsaved and written with `bulk_create` in one go per model; `people`
keeps every Person made so far so that later steps (admissions, sources) can refer to them.
"""

import datetime as dt
import random

from grassroots import workdays
from grassroots.people.models import Education, Person

from . import names
from .occupations import group_of

UNIVERSITY_LEVELS = [Education.UNIVERSITY] * 8 + [Education.MASTER] * 2 + [Education.DOCTORATE]
OTHER_LEVELS = (
    [Education.UPPER_SECONDARY] * 6
    + [Education.VOCATIONAL] * 2
    + [Education.COLLEGE] * 2
    + [Education.LOWER_SECONDARY]
)
OCCUPATIONS_BY_SECTOR = {
    "Giáo dục": (["Giáo viên"], ["Nhân viên trường học"]),
    "Y tế": (["Bác sĩ", "Dược sĩ"], ["Điều dưỡng", "Y sĩ"]),
    "Lực lượng vũ trang": (["Sĩ quan quân đội", "Sĩ quan công an"], ["Dân quân", "Chiến sĩ"]),
    "Hành chính": (["Công chức", "Viên chức"], ["Nhân viên văn phòng"]),
    "Doanh nghiệp": (["Kỹ sư", "Kế toán", "Quản lý doanh nghiệp"], ["Công nhân"]),
}
OCCUPATIONS_DEFAULT = (
    ["Công chức xã", "Viên chức", "Giáo viên", "Kỹ sư", "Kế toán", "Cán bộ đoàn thể"],
    ["Công nhân", "Nông dân", "Buôn bán", "Thợ may", "Bộ đội xuất ngũ", "Lao động tự do"],
)
RELIGIONS = ["Phật giáo"] * 3 + ["Công giáo"] * 2 + ["Cao Đài"]


class Builder:
    def __init__(self, *, seed, units, today):
        self.rng = random.Random(seed)
        # Its own generator: who is in the Youth Union leaves every other draw as it was.
        self.youth_rng = random.Random(seed + 1)
        self.units = units  # code -> Unit
        self.today = today
        self.overrides = workdays.calendar_overrides()
        self.people = []
        self._serial = 0

    # Dates --------------------------------------------------------------------------
    def day_between(self, start, end):
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def working_day_between(self, start, end):
        day = self.day_between(start, end)
        while not workdays.is_working_day(day, self.overrides) and day < end:
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start, count):
        return workdays.add_working_days(start, count, self.overrides)

    def birth_date_for_age(self, on, youngest, oldest):
        """A birth date making the person between `youngest` and `oldest` years old `on`."""
        latest = workdays.add_months(on, -12 * youngest) - dt.timedelta(days=1)
        earliest = workdays.add_months(on, -12 * (oldest + 1)) + dt.timedelta(days=1)
        return self.day_between(earliest, latest)

    # People -------------------------------------------------------------------------
    def job_title(self, unit, university):
        sector = unit.effective_sector.name if unit.effective_sector_id else None
        higher, lower = OCCUPATIONS_BY_SECTOR.get(sector, OCCUPATIONS_DEFAULT)
        return self.rng.choice(higher if university else lower)

    def education(self, university):
        return self.rng.choice(UNIVERSITY_LEVELS if university else OTHER_LEVELS)

    def person(self, *, unit, gender=None, birth_date, education=None, job_title=None, **extra):
        """A new unsaved person with a fresh national ID; kept in `self.people`. The job
        title gives the occupation group; most people of Youth Union age are members."""
        gender = gender or self.rng.choice(["female", "male"])
        if education is None:
            education = self.education(self.rng.random() < 0.35)
        if job_title is None:
            job_title = self.job_title(
                unit, education in (Education.UNIVERSITY, Education.MASTER, Education.DOCTORATE)
            )
        self._serial += 1
        person = Person(
            national_id=names.national_id(self._serial, gender, birth_date.year),
            full_name=names.full_name(self.rng, gender),
            gender=gender,
            birth_date=birth_date,
            education=education,
            occupation=group_of(job_title),
            job_title=job_title,
            unit=unit,
            phone=f"09{self.rng.randint(10_000_000, 99_999_999)}",
            **extra,
        )
        if "youth_union" not in extra:
            young = workdays.add_months(birth_date, 12 * 31) > self.today
            person.youth_union = job_title == "Học sinh" or (
                young and self.youth_rng.random() < 0.7
            )
        if "ethnicity" not in extra:
            person.ethnicity = "Kinh"
        if "religion" not in extra and self.rng.random() < 0.06:
            person.religion = self.rng.choice(RELIGIONS)
        person.refresh_derived_fields()
        self.people.append(person)
        return person

    def exact_mix(self, total, women, university):
        """`total` (gender, university?) pairs with exactly `women` women and `university`
        graduates, shuffled independently."""
        genders = ["female"] * women + ["male"] * (total - women)
        degrees = [True] * university + [False] * (total - university)
        self.rng.shuffle(genders)
        self.rng.shuffle(degrees)
        return list(zip(genders, degrees, strict=True))

    def cells(self, *, exclude_prefixes=()):
        """Cells (not committees or groups) outside the given subtrees."""
        return [
            unit
            for unit in self.units.values()
            if unit.kind == "cell" and not any(unit.path.startswith(p) for p in exclude_prefixes)
        ]
