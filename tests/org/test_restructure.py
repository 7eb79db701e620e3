"""Restructuring events through the service layer: move, rename, merge, split, close."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.accounts import scope
from grassroots.accounts.models import RoleAssignment
from grassroots.history.models import Cause, Change
from grassroots.history.services import Trace
from grassroots.org import restructure, timeline
from grassroots.org import services as org_services
from grassroots.org.models import SplitShare, Unit, UnitEvent
from grassroots.people.models import Person
from tests.exchange.helpers import imported, write

E = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 30)


def fresh(code):
    return Unit.objects.get(code=code)


def test_a_move_changes_the_structure_from_its_date(town):
    outcome = restructure.unit_move(
        trace=town.trace,
        unit=town.unit("W1C1"),
        new_parent=town.unit("W2"),
        day=E,
        reference="NQ 1",
    )
    assert outcome.event.kind == "move" and outcome.event.reference == "NQ 1"
    unit = fresh("W1C1")
    assert timeline.parent_on(unit, BEFORE).code == "W1"
    assert timeline.parent_on(unit, E).code == "W2"
    group = fresh("W1C1G1")
    assert timeline.ancestor_ids_on(group.pk, BEFORE) == [
        unit.pk,
        town.unit("W1").pk,
        town.unit("TOWN").pk,
    ]
    assert timeline.ancestor_ids_on(group.pk, E) == [
        unit.pk,
        town.unit("W2").pk,
        town.unit("TOWN").pk,
    ]
    assert unit.get_parent().code == "W2"  # the structure as it stands
    missing, surplus = timeline.rebuild_ancestry(check=True)
    assert not missing and not surplus


def test_a_rename_keeps_the_former_name_for_earlier_days(town):
    restructure.unit_rename(trace=town.trace, unit=town.unit("W1"), name="Ward One", day=E)
    unit = fresh("W1")
    assert unit.name == "Ward One"
    assert timeline.name_on(unit, BEFORE) == "Ward 1"
    assert timeline.name_on(unit, E) == "Ward One"


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(town):
    events, changes = UnitEvent.objects.count(), Change.objects.count()
    outcome = restructure.unit_merge(
        trace=town.trace,
        units=[town.unit("W1"), town.unit("W2")],
        into="W12",
        name="Ward 1+2",
        parent=town.unit("TOWN"),
        day=E,
        dry_run=True,
    )
    assert outcome.dry_run and outcome.event is None
    assert outcome.summary["into"] == ["W12"] and outcome.summary["created"]
    passed = {
        name: sum(g["count"] for g in groups) for name, groups in outcome.summary["passed"].items()
    }
    assert passed["people"] == 2  # registered at W1 and W2 themselves (not below them)
    assert (UnitEvent.objects.count(), Change.objects.count()) == (events, changes)
    assert not Unit.objects.filter(code="W12").exists()


def test_a_merge_into_a_new_unit_passes_people_and_subunits_and_ends_roles(town):
    outcome = restructure.unit_merge(
        trace=town.trace,
        units=[town.unit("W1"), town.unit("W2")],
        into="W12",
        name="Ward 1+2",
        parent=town.unit("TOWN"),
        day=E,
        reference="NQ 1659",
    )
    w12 = fresh("W12")
    assert w12.valid_from == E and timeline.parent_on(w12, E).code == "TOWN"
    for code in ("W1", "W2"):
        ended = fresh(code)
        assert ended.valid_to == BEFORE
        assert ended.get_parent().code == "W12"  # kept below its successor, for its records
    for code in ("W1C1", "W1C2", "W2C1"):
        assert timeline.parent_on(fresh(code), E) == w12
    assert Person.objects.get(national_id="001090000001").unit == w12
    ended = RoleAssignment.objects.filter(unit__code="W1")
    assert all(a.ended_on == BEFORE and a.ended_by_event == outcome.event for a in ended)
    assert {r["user"] for r in outcome.summary["roles_ended"]} == {
        "w1_clerk",
        "w1_viewer",
        "outsider",
    }
    clerk = town.user("w1_clerk")
    scope.forget(clerk)
    assert not scope.can_see(clerk, w12)  # fail closed: no access to the successor
    rows = Change.objects.filter(reference=outcome.event.history_reference)
    assert rows.exists() and set(rows.values_list("cause", flat=True)) == {Cause.RESTRUCTURING}


def test_a_merge_into_an_existing_unit_absorbs_the_others(town):
    restructure.unit_merge(trace=town.trace, units=[town.unit("W2")], into="W1", day=E)
    assert fresh("W2").valid_to == BEFORE
    assert timeline.parent_on(fresh("W2C1"), E).code == "W1"
    assert fresh("W1").valid_to is None


def test_a_subunit_moved_by_a_merge_keeps_its_validity_out_of_plain_edits(town):
    """W2C1 passed under W1 when W2 was absorbed: no event names it, yet its versions
    change only through events (a plain end date before the merge made its versions
    overlap: a database error, a server error on the page and in the API)."""
    restructure.unit_merge(trace=town.trace, units=[town.unit("W2")], into="W1", day=E)
    cell = fresh("W2C1")
    assert timeline.has_events(cell)
    with pytest.raises(ValidationError) as refused:
        org_services.unit_update(trace=town.trace, unit=cell, valid_to=dt.date(2024, 9, 30))
    assert "valid_to" in refused.value.message_dict
    assert fresh("W2C1").valid_to is None


def test_a_split_sends_people_and_subunits_where_the_file_says(town):
    assign = restructure.read_assignments("key,unit_code\nW1C2,W1B\n001090000001,W1B\n")
    outcome = restructure.unit_split(
        trace=town.trace,
        unit=town.unit("W1"),
        into=[("W1A", "Ward 1 A"), ("W1B", "Ward 1 B")],
        assign=assign,
        day=E,
    )
    assert fresh("W1").valid_to == BEFORE
    assert timeline.parent_on(fresh("W1C1"), E).code == "W1A"
    assert timeline.parent_on(fresh("W1C2"), E).code == "W1B"
    assert Person.objects.get(national_id="001090000001").unit.code == "W1B"
    assert SplitShare.objects.filter(event=outcome.event).count() == 1
    for code in ("W1A", "W1B"):
        assert timeline.parent_on(fresh(code), E).code == "TOWN"


def test_codes_typed_with_combining_accents_are_the_codes_units_keep(town):
    """Unikey's "Unicode tổ hợp" or a Mac writes ổ as o and two combining marks: a split's
    or a merge's codes and names are kept composed, as every other door keeps them."""
    import unicodedata

    def nfd(text):
        return unicodedata.normalize("NFD", text)

    restructure.unit_split(
        trace=town.trace,
        unit=town.unit("W1"),
        into=[(nfd("PHỔ-A"), nfd("Phường Phổ A")), ("PHO-B", "Ward 1 B")],
        day=E,
    )
    made = fresh("PHỔ-A")
    assert made.name == "Phường Phổ A"
    # Merging into the same code typed decomposed finds that unit: no second one.
    restructure.unit_merge(
        trace=town.trace, units=[fresh("PHO-B")], into=nfd("PHỔ-A"), day=dt.date(2025, 8, 1)
    )
    assert Unit.objects.filter(code__startswith="PH").count() == 2
    assert fresh("PHO-B").valid_to == dt.date(2025, 7, 31)


def test_a_split_refuses_a_key_that_does_not_belong(town):
    with pytest.raises(ValidationError) as refused:
        restructure.unit_split(
            trace=town.trace,
            unit=town.unit("W1"),
            into=[("W1A", "A"), ("W1B", "B")],
            assign={"001090000005": "W1B"},
            day=E,
        )
    assert "001090000005" in str(refused.value)
    assert not Unit.objects.filter(code="W1A").exists()


def test_a_split_names_every_problem_of_its_assignment_file(town):
    """An unreadable row does not hide the others: each conflict is named at once."""
    assign = restructure.read_assignments(
        "key,unit_code\n001090000005,W1B\nW1C2,W9\n001090000001,\nW1C2,W1A\n"
    )
    with pytest.raises(ValidationError) as refused:
        restructure.unit_split(
            trace=town.trace,
            unit=town.unit("W1"),
            into=[("W1A", "A"), ("W1B", "B")],
            assign=assign,
            day=E,
        )
    text = " ".join(refused.value.messages)
    assert "row 4: key and unit_code are required." in text
    assert "row 5: W1C2 is named twice." in text
    assert "001090000005 is neither a person" in text
    assert "W1C2: W9 is not one of the new units" in text
    assert not Unit.objects.filter(code="W1A").exists()


def test_a_close_is_refused_while_anything_belongs_to_the_unit(town):
    with pytest.raises(ValidationError) as refused:
        restructure.unit_close(trace=town.trace, unit=town.unit("W1"), day=E)
    text = str(refused.value)
    assert "W1C1" in text and "people" in text
    restructure.unit_close(trace=town.trace, unit=town.unit("W1C1G1"), day=E)
    assert fresh("W1C1G1").valid_to == BEFORE


def test_events_in_the_future_or_out_of_order_are_refused(town):
    with pytest.raises(ValidationError):
        restructure.unit_rename(
            trace=town.trace, unit=town.unit("W1"), name="X", day=dt.date(2999, 1, 1)
        )
    restructure.unit_rename(trace=town.trace, unit=town.unit("W1"), name="X", day=E)
    with pytest.raises(ValidationError):
        restructure.unit_rename(trace=town.trace, unit=town.unit("W1"), name="Y", day=BEFORE)


def test_codes_are_never_reused(town):
    with pytest.raises(ValidationError):
        restructure.unit_merge(
            trace=town.trace,
            units=[town.unit("W1")],
            into="HS2",
            name="",
            parent=town.unit("TOWN"),
            day=E,
        )
    with pytest.raises(ValidationError):
        restructure.unit_split(
            trace=town.trace, unit=town.unit("W1"), into=[("HS", "A"), ("W9", "B")], day=E
        )


def test_only_an_administrator_above_every_unit_may_restructure(town):
    # Out of sight: 404; in sight without the role: 403.
    for name in ("org", "secretary", "w1_clerk", "outsider"):
        with pytest.raises((PermissionDenied, Http404)):
            restructure.unit_move(
                trace=Trace(user=town.user(name)),
                unit=town.unit("W1C1"),
                new_parent=town.unit("W2"),
                day=E,
            )
    restructure.unit_move(
        trace=Trace(user=town.user("admin")),
        unit=town.unit("W1C1"),
        new_parent=town.unit("W2"),
        day=E,
    )
    with pytest.raises(PermissionDenied):  # a new root: the operator's
        restructure.unit_merge(
            trace=Trace(user=town.user("admin")),
            units=[town.unit("TOWN")],
            into="CITY",
            name="City",
            day=E,
        )


def test_a_merge_into_a_new_unit_sorted_before_the_merged_ones(town):
    """The new unit's code sorts before the wards' in the tree: the merge ends the wards it
    read before it created the new unit (the service reads each unit afresh before ending
    it, since what the event moved first may have shifted its path)."""
    day = dt.date(2025, 7, 1)
    restructure.unit_merge(
        trace=town.trace,
        units=[Unit.objects.get(code="W1"), Unit.objects.get(code="W2")],
        into="A12",
        name="Wards 1 and 2",
        parent=Unit.objects.get(code="TOWN"),
        day=day,
    )
    merged = Unit.objects.get(code="A12")
    for code in ("W1", "W2"):
        ended = Unit.objects.get(code=code)
        assert ended.valid_to == day - dt.timedelta(days=1)
        assert ended.get_parent() == merged
    assert Unit.objects.get(code="W2C1").get_parent() == merged
    assert timeline.rebuild_ancestry(check=True) == (set(), set())


def test_a_merge_among_units_imported_children_first(db, tmp_path):
    """The units file may list children before their parents and siblings in any order:
    the importer gives each the next free path under its parent, so siblings' paths are
    not in code order. A merge into a unit whose code sorts among them used to shift
    their paths into one another (a duplicate path, a traceback); a new unit is now its
    parent's last child, whatever its code."""
    folder = write(
        tmp_path / "mini",
        units="""
        code,name,kind,parent_code
        B,Unit B,cell,R
        A,Unit A,cell,R
        R,Root,committee,
        """,
    )
    imported(folder)
    restructure.unit_merge(
        trace=Trace.system("test"),
        units=[fresh("A"), fresh("B")],
        into="AB",
        name="A and B",
        parent=fresh("R"),
        day=E,
    )
    restructure.unit_split(
        trace=Trace.system("test"),
        unit=fresh("AB"),
        into=[("A1", "One"), ("A0", "Zero")],
        day=dt.date(2025, 8, 1),
    )
    assert sorted(u.code for u in fresh("R").get_children()) == ["A0", "A1", "AB"]
    assert sorted(u.code for u in fresh("AB").get_children()) == ["A", "B"]
    assert timeline.rebuild_ancestry(check=True) == (set(), set())
