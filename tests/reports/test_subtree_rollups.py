"""The subtree tallies (what lies below each unit, by count, education, religion,
occupation and age) always equal a fresh count, and the reports read from them agree
with a count over the admissions themselves."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.org.services import unit_move
from grassroots.people.services import person_update
from grassroots.pipeline.models import Admission
from grassroots.reports import rollups, selectors
from grassroots.reports.counting import breakdown
from grassroots.reports.models import SubtreeTally
from tests.reports.data import admit, unadmit

UNITS = ["TOWN", "W1", "W1C1", "W1C1G1", "W1C2", "W2", "W2C1", "HS"]


def assert_subtree_matches():
    stored = rollups.stored_subtree_counts()
    assert stored == rollups.fresh_subtree_counts()
    assert rollups.check_subtree() == 0
    assert not SubtreeTally.objects.filter(n=0).exists()


def test_subtree_tallies_follow_admissions_people_and_moves(town):
    first = admit(
        town.unit("W1C1G1"),
        "2024-01-31",
        gender="female",
        education="master",
        occupation="teacher",
        religion="Buddhism",
        birth_date=dt.date(1990, 2, 1),
    )
    admit(town.unit("W1C1"), "2024-01-01", readmission=True, birth_date=dt.date(2000, 1, 1))
    admit(town.unit("HS"), "2024-02-01", ethnic_minority=True)
    assert_subtree_matches()
    # Ages at the decision date: 33 (the birthday is the next day) and 24 (on the birthday).
    w1 = town.unit("W1")
    ages = SubtreeTally.objects.filter(unit=w1, dimension="age").values_list("value", flat=True)
    assert sorted(ages) == ["24", "33"]
    assert not SubtreeTally.objects.filter(unit=town.unit("W1C1G1")).exists()  # nothing below

    person_update(
        trace=town.trace,
        person=first.person,
        birth_date=dt.date(1980, 6, 1),
        occupation="farmer",
        religion="",
        education="college",
    )
    assert_subtree_matches()

    # W1C1 (with its group) moves from ward 1 to ward 2: its counts move with it.
    unit_move(trace=town.trace, unit=town.unit("W1C1"), new_parent=town.unit("W2"))
    assert_subtree_matches()
    assert not SubtreeTally.objects.filter(unit=w1).exists()
    # The move left a gap in ward 1's child paths: children_of falls back to treebeard.
    w1.refresh_from_db()
    assert selectors.children_of(w1) == list(w1.get_children()) == [town.unit("W1C2")]
    w2 = town.unit("W2")
    assert [u.code for u in selectors.children_of(w2)] == ["W1C1", "W2C1"]
    unit_move(trace=town.trace, unit=town.unit("W1C1G1"), new_parent=town.unit("W1C2"))
    assert_subtree_matches()

    unadmit(first)
    assert_subtree_matches()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["admit", "remove", "change", "move"]),
            st.sampled_from(UNITS),
            st.dates(dt.date(2023, 11, 1), dt.date(2024, 3, 31)),
            st.dates(dt.date(1950, 1, 1), dt.date(2006, 12, 31)),
            st.sampled_from(["", "Buddhism", "Catholic"]),
            st.sampled_from(["farmer", "teacher", ""]),
        ),
        max_size=10,
    )
)
def test_any_series_of_changes_keeps_subtree_tallies_exact(town, steps):
    made = []
    for action, code, day, birth, religion, occupation in steps:
        if action == "admit" or not made:
            made.append(
                admit(
                    town.unit(code),
                    day,
                    birth_date=birth,
                    religion=religion,
                    occupation=occupation,
                    gender="female" if birth.day % 2 else "male",
                )
            )
        elif action == "remove":
            unadmit(made.pop(0))
        elif action == "change":
            person_update(
                trace=town.trace,
                person=made[-1].person,
                birth_date=birth,
                religion=religion,
                occupation=occupation,
            )
        else:
            unit, parent = town.unit("W1C2"), town.unit(code)
            if parent.kind != "group" and not parent.path.startswith(unit.path):
                unit_move(trace=town.trace, unit=unit, new_parent=parent)
    assert_subtree_matches()


def test_rebuild_check_and_refresh(town):
    from grassroots.people.models import Person

    first = admit(town.unit("W1C1G1"), "2024-01-31", occupation="teacher")
    admit(town.unit("W2C1"), "2024-02-01", religion="Buddhism")
    SubtreeTally.objects.filter(dimension="occupation").update(n=7)
    with pytest.raises(CommandError, match="subtree tally rows differ"):
        call_command("rebuild_rollups", "--check", stdout=io.StringIO())
    call_command("rebuild_rollups", stdout=io.StringIO())
    assert_subtree_matches()
    call_command("rebuild_rollups", "--check", stdout=io.StringIO())

    # A bulk writer changes facts behind the tallies' back, then asks for a recount.
    old_key = (first.unit_id, first.decision_date)
    Admission.objects.filter(pk=first.pk).update(
        unit=town.unit("HS"), decision_date=dt.date(2024, 3, 3)
    )
    Person.objects.filter(pk=first.person_id).update(occupation="farmer")
    assert rollups.stored_subtree_counts() != rollups.fresh_subtree_counts()
    rollups.refresh_for_people([first.person_id], extra_keys=[old_key])
    assert_subtree_matches()

    # The generator's bulk path writes the same rows for a tree that has none yet.
    SubtreeTally.objects.all().delete()
    assert rollups.write_subtree_tallies(town.unit("TOWN").path) > 0
    assert_subtree_matches()


def _direct_breakdown(unit, date_from, date_to):
    found = {"education": {}, "religion": {}, "occupation": {}, "age": {}}
    admissions = Admission.objects.filter(
        unit__path__startswith=unit.path,
        decision_date__gte=date_from,
        decision_date__lte=date_to,
    ).select_related("person")
    for admission in admissions:
        person = admission.person
        age = rollups.age_on(person.birth_date, admission.decision_date)
        for dimension, value in (
            ("education", person.education),
            ("religion", person.religion),
            ("occupation", person.occupation),
            ("age", age),
        ):
            if dimension == "religion" and not value:
                continue
            found[dimension][value] = found[dimension].get(value, 0) + 1
    return found


def test_reports_from_subtree_tallies_equal_a_count_of_the_admissions(town):
    days = ["2023-12-31", "2024-01-01", "2024-01-15", "2024-02-29", "2024-03-01", "2024-03-31"]
    for index, day in enumerate(days):
        for code in UNITS:
            admit(
                town.unit(code),
                day,
                gender="female" if index % 2 else "male",
                occupation=["farmer", "teacher"][index % 2],
                religion=["", "Buddhism", "Catholic"][index % 3],
                birth_date=dt.date(1960 + index * 7, 3, 1),
                readmission=code == "HS",
            )
    for code in ("TOWN", "W1", "W1C1", "W1C1G1"):
        unit = town.unit(code)
        for date_from, date_to in (
            (dt.date(2024, 1, 1), dt.date(2024, 3, 31)),  # whole months
            (dt.date(2023, 12, 15), dt.date(2024, 3, 10)),  # partial months at both ends
            (dt.date(2024, 2, 1), dt.date(2024, 2, 28)),  # no whole month
        ):
            kwargs = {"unit": unit, "date_from": date_from, "date_to": date_to}
            assert selectors.achievement(selectors.SYSTEM, **kwargs) == selectors.achievement(
                selectors.SYSTEM, use_rollups=False, **kwargs
            )
            assert breakdown(**kwargs) == _direct_breakdown(**kwargs)
            months = selectors.admissions_per_month(selectors.SYSTEM, **kwargs)
            direct = Admission.objects.filter(
                unit__path__startswith=unit.path,
                decision_date__gte=date_from,
                decision_date__lte=date_to,
            )
            assert sum(n for _month, n in months) == direct.count()
            for month, n in months:
                assert (
                    n
                    == direct.filter(
                        decision_date__year=month.year, decision_date__month=month.month
                    ).count()
                )
