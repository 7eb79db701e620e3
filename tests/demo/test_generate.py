"""`grassroots generate` writes a valid treebeard tree, people and admissions."""

import io

import pytest
from django.core.management import CommandError, call_command

from grassroots.demo.generator import GenerateError, encode, generate, level_sizes
from grassroots.history.models import Change
from grassroots.org import services as org_services
from grassroots.org import timeline
from grassroots.org.models import Unit
from grassroots.paths import under
from grassroots.people.models import Membership, Person
from grassroots.pipeline.models import Admission
from grassroots.reports import rollups


@pytest.fixture
def generated(db, town):
    result = generate(units=50, people=500, seed=7, append=True)
    return result, Unit.objects.get(code="G7")


def test_level_sizes_fill_a_balanced_tree():
    assert level_sizes(50, 6) == [1, 2, 4, 8, 16, 19]
    assert level_sizes(1, 6) == [1]
    assert sum(level_sizes(300_000, 6)) == 300_000
    assert len(level_sizes(300_000, 6)) == 6


def test_encode_uses_treebeards_alphabet():
    assert encode(1) == "0001"
    assert encode(36) == "0010"
    assert encode(36**4 - 1) == "ZZZZ"
    with pytest.raises(GenerateError):
        encode(36**4)


def test_generated_paths_are_valid_for_treebeard(generated):
    result, root = generated
    assert Unit.find_problems() == ([], [], [], [], [])
    tree = Unit.objects.filter(under(root.path))
    assert tree.count() == result.units == 50
    assert max(tree.values_list("depth", flat=True)) == 6
    assert root.get_descendant_count() == 49
    assert tree.filter(kind="group", numchild=0).count() == 19
    assert not tree.filter(kind="group", numchild__gt=0).exists()


def test_generated_tree_accepts_a_new_unit_through_the_service(generated, town):
    _, root = generated
    cell = Unit.objects.filter(under(root.path), kind="cell").order_by("path").first()
    org_services.unit_create(
        trace=town.trace, parent=cell, code="G7-NEW", name="New group", kind="group"
    )
    assert Unit.find_problems() == ([], [], [], [], [])
    assert Unit.objects.get(code="G7-NEW").get_parent() == cell


def test_people_admissions_and_tallies(generated):
    result, root = generated
    people = Person.objects.filter(under(root.path, "unit__path"))
    assert people.count() == result.people == 500
    assert not people.filter(unit__kind="committee").exists()
    assert not people.filter(search_text="").exists()
    assert not people.filter(sort_key="").exists()
    admissions = Admission.objects.filter(under(root.path, "unit__path"))
    assert admissions.count() == result.admissions
    assert 20 <= result.admissions <= 90
    assert Membership.objects.filter(admission__in=admissions).count() == result.admissions
    assert admissions.filter(decision_date__year__lt=2019).count() == 0
    new = set(Unit.objects.filter(under(root.path)).values_list("id", flat=True))
    assert rollups.check() == (0, 0)
    assert any(key[0] in new for key in rollups.stored()[0])
    missing, surplus = timeline.rebuild_ancestry(check=True)
    assert not missing and not surplus


def test_one_history_row_per_run(generated):
    _, root = generated
    rows = Change.objects.filter(reference="generate")
    assert rows.count() == 1
    assert rows.get().after["people"] == 500


def test_it_refuses_a_database_with_units_unless_appending(db, town):
    with pytest.raises(GenerateError):
        generate(units=5, people=5, seed=1)
    with pytest.raises(CommandError):
        call_command("generate", "--units", "5", "--people", "5", stdout=io.StringIO())


def test_the_same_seed_is_not_appended_twice(generated):
    with pytest.raises(GenerateError):
        generate(units=5, people=5, seed=7, append=True)


def test_command_prints_counts_and_timings(db, town):
    out = io.StringIO()
    call_command(
        "generate", "--units", "20", "--people", "100", "--seed", "9", "--append", stdout=out
    )
    text = out.getvalue()
    assert "Generated 20 units, 100 people" in text
    assert "people and admissions:" in text
    assert Unit.find_problems() == ([], [], [], [], [])


def test_small_batches_write_units_before_what_refers_to_them(db, town, monkeypatch):
    """At national scale the ancestry fills its batch before the units do: the units are
    written first (PostgreSQL checks each foreign key as the rows are copied)."""
    from grassroots.demo import generator

    monkeypatch.setattr(generator, "BATCH", 7)
    generate(units=40, people=60, seed=8, append=True)
    assert Unit.objects.filter(code__startswith="G8").count() == 40
    assert timeline.rebuild_ancestry(check=True) == (set(), set())
