"""What an import writes: records, memberships, the tree, history; and what it does not."""

import datetime as dt

from grassroots.exchange.importer import run_import
from grassroots.exchange.models import Import
from grassroots.history.models import Change
from grassroots.org import restructure
from grassroots.org.models import Cluster, Unit
from grassroots.people.models import Membership, Person
from grassroots.pipeline.models import Admission, Confirmation, Enrollment, Source
from grassroots.plans.models import Target
from grassroots.transfers.models import Transfer

from .helpers import STORY, imported, problems, write


def test_the_story_is_imported(town, tmp_path):
    result = imported(write(tmp_path, **STORY))
    assert result.summary["people"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert Source.objects.filter(person__national_id="079100000001", unit__code="HS").exists()
    assert Enrollment.objects.get(person__national_id="079100000003").result == "withdrew"
    assert Target.objects.filter(unit__code="TOWN").count() == 2

    xuan = Membership.objects.get(person__national_id="079100000001")
    # Admitted in HS, confirmed from the end of probation, then moved officially to W1C2.
    assert (xuan.status, xuan.unit.code) == ("official", "W1C2")
    assert xuan.probation_ends_on == dt.date(2024, 6, 20)
    assert xuan.official_since == dt.date(2024, 6, 20)
    bih = Membership.objects.get(person__national_id="079100000002")
    assert (bih.status, bih.ended_on, bih.probation_ends_on) == (
        "transferred_out",
        dt.date(2024, 10, 1),
        None,
    )
    transfer = Transfer.objects.get(person__national_id="079100000002")
    assert (transfer.from_unit.code, transfer.status) == ("W2C2", "left_scope")
    minh = Membership.objects.get(person__national_id="079100000003")
    assert (minh.status, minh.readmission) == ("not_confirmed", True)
    assert Confirmation.objects.get(admission__person__national_id="079100000003").outcome == (
        "not_confirmed"
    )
    assert Admission.objects.get(person__national_id="079100000001").membership == xuan


def test_new_units_get_a_valid_tree_and_inherited_groupings(town, tmp_path):
    imported(write(tmp_path, **STORY))
    assert Unit.find_problems() == ([], [], [], [], [])
    cell = Unit.objects.get(code="W2C2")
    group = Unit.objects.get(code="W2C2G1")
    assert cell.get_parent().code == "W2" and group.get_parent() == cell
    assert cell.effective_cluster.name == "Riverside"
    assert (group.effective_cluster.name, group.effective_sector.name) == ("Riverside", "Health")
    assert Unit.objects.get(code="W2").numchild == 2
    assert Cluster.objects.filter(name="Riverside").exists()


def test_many_units_under_one_parent_in_batches(town, tmp_path):
    lines = ["code,name,kind,parent_code"]
    lines += [f"B{n:03d},Branch {n},cell,W1" for n in range(60)]
    lines += [f"B{n:03d}G,Group of {n},group,B{n:03d}" for n in range(0, 60, 7)]
    imported(write(tmp_path, units="\n".join(lines) + "\n"), batch_size=16)
    assert Unit.find_problems() == ([], [], [], [], [])
    assert Unit.objects.get(code="W1").numchild == 62
    assert Unit.objects.get(code="B007G").get_parent().code == "B007"
    # A unit added later through the ordinary service still finds its place.
    w1 = Unit.objects.get(code="W1")
    Unit.objects.get(code="W1").add_child(code="A0", name="First", kind="cell")
    assert Unit.find_problems() == ([], [], [], [], [])
    assert Unit.objects.get(code="W1").numchild == w1.numchild + 1


def test_units_are_updated_and_moved(town, tmp_path):
    folder = write(
        tmp_path,
        units="""
            code,name,kind,parent_code,cluster,sector
            W1C2,Renamed cell,cell,W2,,Health
        """,
    )
    result = imported(folder)
    assert result.summary["units"] == {"created": 0, "updated": 1, "unchanged": 0}
    unit = Unit.objects.get(code="W1C2")
    assert (unit.name, unit.get_parent().code, unit.effective_sector.name) == (
        "Renamed cell",
        "W2",
        "Health",
    )
    assert unit.effective_cluster.name == "Gò Nổi"
    assert Unit.find_problems() == ([], [], [], [], [])


def test_unknown_parent_or_parent_group_is_an_error(town, tmp_path):
    # A parent later in the file is fine (tests/contract/test_import_rules.py).
    folder = write(
        tmp_path,
        units="code,name,kind,parent_code\nX1,Child,cell,X9\nX0,Parent,committee,TOWN\n"
        "X2,Under a group,cell,W1C1G1\n",
    )
    assert [str(p) for p in run_import(folder).problems] == [
        "units:2: parent_code: unknown unit X9 (a parent must exist or be in the file)",
        "units:4: parent_code: a group cannot have units below it",
    ]


def test_second_import_changes_nothing_and_writes_no_history(town, tmp_path):
    folder = write(tmp_path, **STORY)
    imported(folder)
    changes = Change.objects.count()
    result = imported(folder)
    assert all(
        counts == {"created": 0, "updated": 0, "unchanged": counts["unchanged"]}
        for counts in result.summary.values()
    )
    assert result.summary["people"]["unchanged"] == 3
    assert Change.objects.count() == changes


def test_a_changed_row_updates_its_record(town, tmp_path):
    imported(write(tmp_path / "a", **STORY))
    people = STORY["people"].replace("Hồ Thị Xuân", "Hồ Thị Xuân Mai")
    result = imported(write(tmp_path / "b", people=people))
    assert result.summary["people"] == {"created": 0, "updated": 1, "unchanged": 2}
    person = Person.objects.get(national_id="079100000001")
    assert person.full_name == "Hồ Thị Xuân Mai"
    assert "xuan mai" in person.search_text
    change = Change.objects.filter(model="people.person", object_id=str(person.pk)).first()
    assert change.before["full_name"] == "Hồ Thị Xuân"
    assert change.after["full_name"] == "Hồ Thị Xuân Mai"


def test_absent_columns_are_left_alone(town, tmp_path):
    folder = write(tmp_path, people="national_id,occupation\n001090000001,farmer\n")
    # Required columns are required even for updates.
    assert [str(p) for p in run_import(folder).problems][0] == (
        "people:1: full_name: a required column is missing"
    )
    folder = write(
        tmp_path / "b",
        people="national_id,full_name,gender,birth_date\n001090000001,Đặng Hữu Tú,male,1975-04-02\n",
    )
    result = imported(folder)
    assert result.summary["people"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Person.objects.get(national_id="001090000001").unit.code == "W1"


def test_dry_run_writes_nothing(town, tmp_path):
    before = (Person.objects.count(), Change.objects.count(), Import.objects.count())
    result = run_import(write(tmp_path, **STORY), dry_run=True)
    assert result.ok and result.dry_run
    assert result.summary["people"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert result.summary["admissions"] == {"created": 3, "updated": 0, "unchanged": 0}
    after = (Person.objects.count(), Change.objects.count(), Import.objects.count())
    assert after == before
    assert not Unit.objects.filter(code="W2C2").exists()


def test_history_rows_name_the_import(town, tmp_path, django_user_model):
    result = imported(write(tmp_path, **STORY))
    record = Import.objects.get(pk=result.import_id)
    assert record.summary["people"]["created"] == 3
    changes = Change.objects.filter(reference=str(record.pk))
    assert changes.exists()
    assert set(changes.values_list("cause", flat=True)) == {"import"}
    assert set(changes.values_list("actor", flat=True)) == {None}
    models = set(changes.values_list("model", flat=True))
    assert {
        "org.unit",
        "org.cluster",
        "people.person",
        "people.membership",
        "pipeline.source",
        "pipeline.course",
        "pipeline.enrollment",
        "pipeline.admission",
        "pipeline.confirmation",
        "transfers.transfer",
        "plans.target",
    } <= models
    person = Person.objects.get(national_id="079100000001")
    created = changes.get(model="people.person", object_id=str(person.pk))
    assert created.action == "create"
    assert created.after["unit"] == "HS"


def test_queries_do_not_grow_with_the_rows(town, tmp_path, django_assert_max_num_queries):
    def roster(n):
        lines = ["national_id,full_name,gender,birth_date,unit_code"]
        lines += [f"0796{i:08d},Person {i},male,1990-01-01,HS" for i in range(n)]
        lines += [f"0797{i:08d},Person {i},female,1991-01-01,W1C1" for i in range(n)]
        return "\n".join(lines) + "\n"

    # SQLite inserts at most ~60 rows a statement, so allow for the inserts themselves.
    with django_assert_max_num_queries(40):
        imported(write(tmp_path / "small", people=roster(10)))
    with django_assert_max_num_queries(60):
        imported(write(tmp_path / "big", people=roster(400)))
    with django_assert_max_num_queries(20):
        result = imported(write(tmp_path / "again", people=roster(400)))
    assert result.summary["people"]["unchanged"] == 800


def test_a_person_is_not_put_back_into_a_unit_that_ended(town, tmp_path):
    """After a merge the people of the merged units belong to the successor; an old people
    file imported again names each row that would put someone back, and changes nothing."""
    restructure.unit_merge(
        trace=town.trace,
        units=[Unit.objects.get(code="W1C1"), Unit.objects.get(code="W1C2")],
        into="W1CX",
        name="Residential areas 1 and 2",
        parent=Unit.objects.get(code="W1"),
        day=dt.date(2025, 7, 1),
    )
    moved = Person.objects.get(national_id="001090000004")
    assert moved.unit.code == "W1CX"
    result = run_import(
        write(
            tmp_path,
            people="""
            national_id,full_name,gender,birth_date,unit_code
            001090000004,Trần Thị Bích,female,1990-06-30,W1C1
            001090000005,Phạm Văn An,male,1988-03-03,W2C1
            """,
        )
    )
    assert [str(p) for p in result.problems] == [
        "people:2: unit_code: unit W1C1 ended on 2025-06-30: whoever belonged to it passed to "
        "its successor"
    ]
    assert Person.objects.get(national_id="001090000004").unit.code == "W1CX"


def test_transfers_and_sources_name_units_as_they_stood_on_their_day(town, tmp_path):
    """A letter is sent from and to units that existed then, and a source is nominated by
    a unit that existed on that day (an outside check imported both for a cell that had
    ended months before). A transfer still on its way passed to the successor, which may
    be younger than the letter: it only has to exist."""
    restructure.unit_merge(
        trace=town.trace,
        units=[Unit.objects.get(code="W1C1"), Unit.objects.get(code="W1C2")],
        into="W1CX",
        name="Residential areas 1 and 2",
        parent=Unit.objects.get(code="W1"),
        day=dt.date(2025, 7, 1),
    )
    imported(
        write(
            tmp_path / "members",
            members="""
                national_id,admitted_on,unit_code,status,official_since
                001090000005,2015-05-05,W2C1,official,2016-05-05
                001090000006,2015-05-05,W2C1,official,2016-05-05
            """,
        )
    )
    result = run_import(
        write(
            tmp_path / "late",
            transfers="""
                national_id,kind,issued_on,to_unit_code,status,arrived_on
                001090000005,official,2025-08-01,W1C1,received,2025-08-20
                001090000006,official,2025-08-01,W1CX,issued,
            """,
            sources="""
                national_id,unit_code,nominated_on
                001090000002,W1C2,2025-09-01
                001090000003,W1C2,2025-03-01
            """,
        )
    )
    assert problems(result) == [
        "sources:2: unit_code: W1C2 did not exist on 2025-09-01 (valid 1930-02-03 to 2025-06-30)",
        "transfers:2: to_unit_code: W1C1 did not exist on 2025-08-20 (valid 1930-02-03 to "
        "2025-06-30)",
    ]
    assert not Transfer.objects.exists() and not Source.objects.exists()


def test_a_members_row_carries_the_confirmation_of_its_admission(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    Confirmation.objects.filter(admission__person__national_id="079100000003").delete()
    row = "079100000003,2023-08-01,W1C1,not_confirmed,2023-08-10,2024-08-10,,2024-09-01,,yes"
    members = f"""
        national_id,admitted_on,unit_code,status,ceremony_date,probation_ends_on,official_since,ended_on,unit_since,readmission,confirmation_decided_on,confirmation_outcome
        {row},2024-09-01,not_confirmed
    """
    result = imported(write(tmp_path / "members", members=members))
    assert result.summary["members"]["updated"] == 1
    confirmation = Confirmation.objects.get(admission__person__national_id="079100000003")
    assert (confirmation.decided_on, confirmation.outcome) == (
        dt.date(2024, 9, 1),
        "not_confirmed",
    )
    change = Change.objects.filter(model="pipeline.confirmation").latest("id")
    assert (change.action, change.before, change.after["outcome"]) == (
        "create",
        None,
        "not_confirmed",
    )
    # Again: nothing changes; and a row without the two cells leaves the confirmation alone.
    again = imported(write(tmp_path / "again", members=members))
    assert again.summary["members"] == {"created": 0, "updated": 0, "unchanged": 1}
    without = members.replace(",2024-09-01,not_confirmed", ",,")
    assert (
        imported(write(tmp_path / "without", members=without)).summary["members"]["unchanged"] == 1
    )
    assert Confirmation.objects.filter(admission__person__national_id="079100000003").exists()


def test_a_members_row_cannot_confirm_what_no_admission_opened(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    members = """
        national_id,admitted_on,unit_code,status,confirmation_decided_on,confirmation_outcome
        079100000003,2010-05-01,W1C1,left,2011-05-01,confirmed
        079100000001,2023-06-01,HS,official,,confirmed
        079100000002,2023-07-01,W2C2,transferred_out,2024-07-01,
    """
    result = run_import(write(tmp_path / "members", members=members))
    assert not result.ok
    assert sorted(problems(result)) == [
        "members:2: confirmation_decided_on: 079100000003 has no admission decided on "
        "2010-05-01 to confirm",
        "members:3: confirmation_decided_on: a value is required with an outcome",
        "members:4: confirmation_outcome: a value is required with a decision date",
    ]
    assert not Membership.objects.filter(admitted_on=dt.date(2010, 5, 1)).exists()


READMITTED = dict(
    people="""
        national_id,full_name,gender,birth_date,unit_code
        079100000009,Đỗ Văn Hải,male,1980-05-05,W1C1
    """,
    admissions="""
        national_id,unit_code,decision_date,decision_no,ceremony_date,readmission
        079100000009,W1C1,2010-03-01,QD-10,2010-03-15,no
        079100000009,W1C1,2023-04-01,QD-23,2023-04-10,yes
    """,
)


def test_a_readmission_without_the_earlier_membership_ended_is_named_in_a_warning(town, tmp_path):
    """A person is a member once. Admissions are facts and the contract's files cannot say
    that a membership ended, so the import takes them, but names the row that leaves two
    memberships in force, once every file is in (the `members` file that ends the earlier
    one comes after the admissions)."""
    result = imported(write(tmp_path / "open", **READMITTED))
    assert [str(w) for w in result.warnings] == [
        "admissions:3: national_id: warning: 079100000009 now holds 2 memberships in force "
        "(admitted 2010-03-01, 2023-04-01): a person is a member once; record when the "
        "earlier one ended (a members row with its end date and status left)"
    ]
    held = Membership.objects.filter(person__national_id="079100000009")
    assert held.filter(status="probationary").count() == 2

    # The members row that ends the earlier one: no warning.
    result = imported(
        write(
            tmp_path / "ended",
            **READMITTED,
            members="""
                national_id,admitted_on,unit_code,status,ended_on
                079100000009,2010-03-01,W1C1,left,2015-06-30
            """,
        )
    )
    assert result.warnings == []
    assert sorted(held.values_list("admitted_on", "status")) == [
        (dt.date(2010, 3, 1), "left"),
        (dt.date(2023, 4, 1), "probationary"),
    ]
    # A members row that puts the ended one back in force is named at its row.
    result = imported(
        write(
            tmp_path / "reopened",
            members="""
                national_id,admitted_on,unit_code,status
                079100000009,2010-03-01,W1C1,official
            """,
        )
    )
    assert [(w.file, w.row, w.column) for w in result.warnings] == [("members", 2, "national_id")]
