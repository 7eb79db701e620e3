"""The people import's fast path: the register's bulk service (COPY on PostgreSQL,
executemany on SQLite) writes what one person_create would, with its history."""

import datetime as dt

from grassroots.exchange.importer import run_import
from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.org.models import Unit
from grassroots.people.models import Person
from grassroots.people.services import person_bulk_create

from .helpers import imported, problems, write


def test_bulk_create_stores_what_a_saved_person_stores(town):
    cell = Unit.objects.get(code="W1C1")
    ids = person_bulk_create(
        trace=Trace.command("test"),
        people=[
            {
                "national_id": "BULK1",
                "full_name": "Đặng Hữu Tú",
                "gender": "male",
                "birth_date": dt.date(1990, 5, 6),
                "unit": cell,
            },
            {
                "national_id": "BULK2",
                "full_name": "Nguyễn Thị Ánh",
                "gender": "female",
                "birth_date": dt.date(1991, 1, 2),
                "ethnic_minority": True,
                "unit": None,
            },
        ],
    )
    first, second = Person.objects.get(national_id="BULK1"), Person.objects.get(national_id="BULK2")
    assert ids == {"BULK1": first.pk, "BULK2": second.pk}
    assert (first.unit, first.birth_date, first.religion) == (cell, dt.date(1990, 5, 6), "")
    assert (second.unit, second.ethnic_minority, second.youth_union) == (None, True, False)
    for person in (first, second):
        search_text, sort_key = person.search_text, person.sort_key
        person.refresh_derived_fields()
        assert (search_text, sort_key) == (person.search_text, person.sort_key)
    assert "dang huu tu bulk1" == first.search_text
    change = Change.objects.get(model="people.person", object_id=str(first.pk))
    assert (change.action, change.cause, change.reference) == ("create", "command", "test")
    assert change.object_repr == "Đặng Hữu Tú"
    assert change.after["unit"] == "W1C1"
    assert change.after["birth_date"] == "1990-05-06"
    assert change.before is None and change.at is not None


def test_bulk_created_people_get_new_keys_after_the_existing_ones(town):
    before = max(Person.objects.values_list("pk", flat=True), default=0)
    ids = person_bulk_create(
        trace=Trace.command("test"),
        people=[
            {
                "national_id": f"KEY{n}",
                "full_name": f"Person {n}",
                "gender": "female",
                "birth_date": dt.date(1990, 1, 1),
            }
            for n in range(3)
        ],
    )
    assert sorted(ids.values()) == list(ids.values())
    assert min(ids.values()) > before
    later = Person.objects.create(
        national_id="LATER", full_name="Later", gender="male", birth_date=dt.date(1990, 1, 1)
    )
    assert later.pk > max(ids.values())


def test_imported_people_have_their_history_and_are_found_by_name(town, tmp_path):
    folder = write(
        tmp_path,
        people="""
            national_id,full_name,gender,birth_date,occupation,unit_code
            079200000001,Đặng Hữu Tú,male,1990-01-01,teacher,W1C1
            079200000002,Lê Thị Hoa,female,1991-02-03,farmer,
        """,
    )
    result = imported(folder)
    tu = Person.objects.get(national_id="079200000001")
    assert tu in Person.objects.filter(search_text__contains="dang huu tu")
    assert tu.occupation == "other" and tu.job_title == "teacher"
    changes = Change.objects.filter(reference=str(result.import_id), model="people.person")
    assert sorted(int(i) for i in changes.values_list("object_id", flat=True)) == sorted(
        Person.objects.filter(national_id__startswith="0792").values_list("pk", flat=True)
    )
    after = changes.get(object_id=str(tu.pk)).after
    assert after["unit"] == "W1C1" and after["job_title"] == "teacher"
    assert after["birth_date"] == "1990-01-01"
    # Unchanged again: nothing written, not even history.
    count = Change.objects.count()
    assert imported(folder).summary["people"]["unchanged"] == 2
    assert Change.objects.count() == count


def test_the_same_bad_cell_is_named_on_every_row(town, tmp_path):
    folder = write(
        tmp_path,
        people="""
            national_id,full_name,gender,birth_date
            079300000001,A B,robot,1990-01-01
            079300000002,C D,robot,1990-01-01
            079300000003,E F,male,1990-13-01
            079300000004,G H,male,1990-13-01
        """,
    )
    result = run_import(folder)
    found = problems(result)
    assert [p.split(":")[1] for p in found] == ["2", "3", "4", "5"]
    assert Person.objects.filter(national_id__startswith="0793").count() == 0


def _indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "people_person"))


def test_a_large_load_builds_the_indexes_again(town, tmp_path, monkeypatch):
    from grassroots.people import services

    monkeypatch.setattr(services, "BULK_LOAD_ROWS", 5)
    before = _indexes()
    lines = ["national_id,full_name,gender,birth_date,unit_code"]
    lines += [f"0794{i:08d},Nguyễn Văn Số {i},male,1990-01-01,W1C1" for i in range(300)]
    folder = write(tmp_path, people="\n".join(lines) + "\n")
    result = run_import(folder, batch_size=50)
    assert result.ok, problems(result)
    assert _indexes() == before
    assert Person.objects.filter(search_text__contains="nguyen van so 12 ").count() == 1
    # A load that fails is rolled back with its indexes.
    lines.append("079499999999,Bad Row,robot,1990-01-01,W1C1")
    lines = [lines[0]] + [line.replace("0794", "0795", 1) for line in lines[1:]]
    failed = run_import(write(tmp_path / "bad", people="\n".join(lines) + "\n"), batch_size=50)
    assert not failed.ok
    assert _indexes() == before
    assert not Person.objects.filter(national_id__startswith="0795").exists()
