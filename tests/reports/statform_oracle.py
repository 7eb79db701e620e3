"""An independent computation of the statistical form on newly admitted members, straight
from the contract's words (docs/exchange-format.md) over plain Python lists.

It reads admissions, people, sources, dossiers and units, and places units with
`tests/reports/oracle.Oracle` (UnitVersion walked in Python): no roll-up, no
`UnitAncestry`, none of the product's counting or form code. Rounding is done with
fractions, not Decimal.
"""

import datetime as dt
import math
from fractions import Fraction

from grassroots.org.models import Unit
from grassroots.pipeline.models import Dossier, Source

from .oracle import Oracle

OCCUPATIONS = [
    "state_official",
    "party_mass_org_official",
    "commune_official",
    "public_employee",
    "non_public_employee",
    "business_owner",
    "enterprise_manager",
    "worker",
    "farmer",
    "armed_forces",
    "university_student",
    "pupil",
    "other",
]
EDUCATION = [
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational",
    "college",
    "university",
    "master",
    "doctorate",
]
BANDS = ["18_30", "31_35", "36_40", "41_45", "46_50", "51_55", "56_60", "over_60"]
INDICATORS = (
    ["total", "female", "ethnic_minority", "religious", "youth_union", "readmitted"]
    + [f"occupation.{c}" for c in OCCUPATIONS]
    + [f"age.{b}" for b in BANDS]
    + ["age.average"]
    + [f"education.{e}" for e in EDUCATION]
    + ["units_admitting", "units_without_sources"]
)


def a_year_earlier(day):
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return dt.date(day.year - 1, day.month, day.day)


def whole_years(birth, day):
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def band(age):
    if age <= 30:
        return "18_30"
    if age > 60:
        return "over_60"
    low = 31 + 5 * ((age - 31) // 5)
    return f"{low}_{low + 4}"


def one_decimal_half_up(fraction):
    """Half away from zero, to one decimal, as a Fraction."""
    sign = -1 if fraction < 0 else 1
    return sign * Fraction(math.floor(abs(fraction) * 10 + Fraction(1, 2)), 10)


def as_shown(fraction):
    """The number as the CSV shows it: '12.5' or '-3.0'."""
    return f"{float(fraction):.1f}"


class FormOracle:
    def __init__(self):
        self.places = Oracle()
        self.kinds = dict(Unit.objects.values_list("pk", "kind"))
        self.sources = list(Source.objects.all())
        self.dossiers = list(Dossier.objects.all())

    def counted(self, unit, start, end, restate_on):
        """[(admission, place, day)]: where and on which structure each counted one stands."""
        found = []
        for a in self.places.in_period(start, end):
            if restate_on is None:
                place, day = a.unit_id, a.decision_date
            else:
                place, day = self.places.home(a.unit_id, a.person_id, restate_on), restate_on
                if place is None:
                    continue
            if unit.pk in self.places.at_or_above(place, day):
                found.append((a, place, day))
        return found

    def values(self, unit, start, end, restate_on=None):
        counted = self.counted(unit, start, end, restate_on)
        v = dict.fromkeys(INDICATORS, 0)
        ages = []
        cells = set()
        for a, place, day in counted:
            p = a.person
            v["total"] += 1
            v["female"] += p.gender == "female"
            v["ethnic_minority"] += p.ethnic_minority is True
            v["religious"] += p.religion.strip() != ""
            v["youth_union"] += p.youth_union is True
            v["readmitted"] += a.readmission is True
            v[f"occupation.{a.occupation if a.occupation in OCCUPATIONS else 'other'}"] += 1
            v[f"education.{a.education if a.education in EDUCATION else 'none'}"] += 1
            age = whole_years(p.birth_date, a.decision_date)
            ages.append(age)
            v[f"age.{band(age)}"] += 1
            for u in self.places.at_or_above(place, day):
                if self.kinds[u] == "cell":
                    cells.add(u)
                    break
                if u == unit.pk:
                    break
        v["age.average"] = one_decimal_half_up(Fraction(sum(ages), len(ages))) if ages else None
        v["units_admitting"] = len(cells)
        v["units_without_sources"] = self.cells_without_sources(unit, end, restate_on)
        return v

    def cells_without_sources(self, unit, day, restate_on):
        structure = restate_on or day
        # A source stands where the unit that nominated it stands on the structure's day:
        # the nominating unit itself before any event, its successor after one.
        held = {
            self.places.home(s.nominated_in_id or s.unit_id, s.person_id, structure)
            for s in self.sources
            if self.is_open(s, day)
        }
        n = 0
        for u in Unit.objects.filter(kind="cell"):
            if u.valid_from > day or (u.valid_to is not None and u.valid_to < day):
                continue
            if unit.pk not in self.places.at_or_above(u.pk, structure):
                continue
            if u.pk not in held:
                n += 1
        return n

    def is_open(self, source, day):
        if source.nominated_on > day:
            return False
        for a in self.places.admissions:
            if a.person_id == source.person_id and source.nominated_on <= a.decision_date <= day:
                return False
        if source.status == "dropped":
            for d in self.dossiers:
                if (
                    d.person_id == source.person_id
                    and d.status == "closed"
                    and source.nominated_on <= d.opened_on <= day
                ):
                    return False
        return True

    def rows(self, unit, start, end, restate_on=None):
        """{indicator: (this, last, change)} with numbers as the CSV shows them (text)."""
        this = self.values(unit, start, end, restate_on)
        last = self.values(unit, a_year_earlier(start), a_year_earlier(end), restate_on)
        result = {}
        for code in INDICATORS:
            now, before = this[code], last[code]
            change = None
            if before and now is not None:
                change = as_shown(one_decimal_half_up(Fraction(100) * (now - before) / before))
            shown = [
                None if x is None else (as_shown(x) if code == "age.average" else str(x))
                for x in (now, before)
            ]
            result[code] = (*shown, change)
        return result


def shown(rows):
    """The product's rows in the same terms: {indicator: (this, last, change)} as text."""

    def text(value):
        return None if value is None else str(value)

    return {
        r["indicator"]: (
            text(r["this_period"]),
            text(r["same_period_last_year"]),
            text(r["change_pct"]),
        )
        for r in rows
    }
