"""people 0005 and pipeline 0006: free-text occupations become job titles with the group
`other`; admissions and the report roll-ups follow; codes already right stay."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("people", "0004_input_limits"),
    ("pipeline", "0005_input_limits"),
]
AFTER = [("people", "0005_occupation_groups"), ("pipeline", "0006_admission_occupation_group")]


def _migrate(targets):
    """Migrate people and pipeline to `targets`; the models as they then stand (every
    other app at its latest)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    apps = {app for app, _name in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in apps]
    return executor.loader.project_state([*others, *targets]).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Migrating back unapplies every later migration of these apps and of those that
    depend on them (pipeline 0007 on, the dues table, a source's nominating unit): the
    tests that run after this one in the same process need the schema as it is."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_free_text_occupations_become_job_titles(back_to_the_latest_schema):
    old = _migrate(BEFORE)
    Unit = old.get_model("org", "Unit")
    Person = old.get_model("people", "Person")
    Admission = old.get_model("pipeline", "Admission")
    SubtreeTally = old.get_model("reports", "SubtreeTally")
    top = Unit.objects.create(
        path="9901", depth=1, code="MIG", name="Top", kind="committee", special_area=""
    )
    cell = Unit.objects.create(
        path="99010001", depth=2, code="MIGC", name="Cell", kind="cell", special_area=""
    )
    month = dt.date(2024, 5, 1)
    for national_id, occupation in [
        ("M1", "Giáo viên"),
        ("M2", "Farmer"),
        ("M3", ""),
        ("M4", "Kỹ sư"),
    ]:
        person = Person.objects.create(
            national_id=national_id,
            full_name="Người",
            gender="male",
            birth_date=dt.date(1990, 1, 1),
            occupation=occupation,
            unit=cell,
        )
        Admission.objects.create(
            person=person, unit=cell, decision_date=dt.date(2024, 5, 2), occupation=occupation
        )
        SubtreeTally.objects.create(
            unit=top, month=month, dimension="occupation", value=occupation, n=1
        )

    new = _migrate(AFTER)
    Person = new.get_model("people", "Person")
    Admission = new.get_model("pipeline", "Admission")
    SubtreeTally = new.get_model("reports", "SubtreeTally")
    assert sorted(
        Person.objects.filter(unit__code="MIGC").values_list(
            "national_id", "occupation", "job_title"
        )
    ) == [
        ("M1", "other", "Giáo viên"),
        ("M2", "farmer", ""),
        ("M3", "", ""),
        ("M4", "other", "Kỹ sư"),
    ]
    assert sorted(
        Admission.objects.filter(unit__code="MIGC").values_list("person__national_id", "occupation")
    ) == [("M1", "other"), ("M2", "farmer"), ("M3", ""), ("M4", "other")]
    tallies = SubtreeTally.objects.filter(unit__code="MIG", dimension="occupation")
    assert sorted(tallies.values_list("value", "n")) == [("", 1), ("farmer", 1), ("other", 2)]


@pytest.mark.django_db
def test_the_schema_is_the_latest_after_it():
    """Run after the test above in the same process (file order): nothing is left unapplied."""
    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
