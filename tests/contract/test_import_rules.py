"""The import rules of the exchange format, each checked against a data set of our own."""

import io

import pytest
from django.core.management import CommandError, call_command

from grassroots.exchange.importer import run_import
from grassroots.history.models import Cause, Change
from grassroots.org.models import Cluster, Unit
from grassroots.people.models import Person
from grassroots.pipeline.models import Admission, Confirmation
from grassroots.plans.models import Target

from . import dataset


def write(folder, **files):
    return dataset.write_folder(folder, files)


def run(path, *args):
    """(exit code, stdout, stderr) of `grassroots import`, in process."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def summary(stdout):
    return [line for line in stdout.splitlines() if " created, " in line]


def test_every_problem_is_reported_and_nothing_is_written(town, tmp_path):
    files = dict(dataset.FILES)
    files["people"] = dataset.PEOPLE.replace(
        "P03,Lê Thị Ba,female,2000-03-12", "P03,Lê Thị Ba,woman,2000-13-12"
    )
    files["admissions"] = dataset.ADMISSIONS + "P99,A,2024-02-02,,,maybe\n"
    files["transfers"] = dataset.TRANSFERS + "P98,official,2024-01-01,B,Hanoi,\n"
    files["targets"] = dataset.TARGETS + "R,2024-06-01,2025-05-31,4,3\n"
    code, out, err = run(write(tmp_path / "bad", **files))
    assert code != 0
    problems = [line for line in err.splitlines() if not line.startswith("CommandError")]
    assert problems[:5] == [
        "people:4: gender: unknown value woman (use female, male)",
        "people:4: birth_date: 2000-13-12 is not a date (use YYYY-MM-DD)",
        # P03 never came in: the rows that name P03 say so (references are checked too).
        "enrollments:4: national_id: unknown person P03 (not in the register nor in people)",
        "admissions:4: national_id: unknown person P03 (not in the register nor in people)",
        "admissions:15: readmission: maybe: use yes or no",
    ]
    # A row breaking a rule of its own still has its references and periods checked.
    assert problems[-5:-2] == [
        "transfers:3: national_id: unknown person P03 (not in the register nor in people)",
        "transfers:7: to_unit_code: give exactly one of to_unit_code and destination",
        "transfers:7: national_id: unknown person P98 (not in the register nor in people)",
    ]
    assert problems[-2:] == [
        "targets:10: stretch: the stretch target is below the minimum",
        "targets:10: period_start: partly overlaps the target 2024-01-01–2024-12-31 of unit R",
    ]
    assert not Unit.objects.filter(code__in=["R", "A"]).exists()
    assert not Person.objects.filter(national_id="P01").exists()
    assert not Cluster.objects.filter(name="Ayun Pa").exists()


def test_unknown_column_is_named_and_headers_ignore_case_and_bom(town, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "units.csv").write_bytes(
        "\ufeffCODE,Name,KIND,Parent_Code,colour\nR,Root Town,committee,,red\n".encode()
    )
    code, _out, err = run(folder)
    assert code != 0
    assert err.splitlines()[0] == "units:1: colour: unknown column"
    (folder / "units.csv").write_bytes(
        "\ufeffCODE,Name,KIND,Parent_Code\nR,Root Town,committee,\n".encode()
    )
    code, out, _err = run(folder)
    assert code == 0 and summary(out) == ["units: 1 created, 0 updated, 0 unchanged"]
    assert Unit.objects.get(code="R").name == "Root Town"


def test_dry_run_prints_the_summary_and_writes_nothing(town, tmp_path):
    folder = dataset.write_folder(tmp_path / "set")
    changes = Change.objects.count()
    code, out, _err = run(folder, "--dry-run")
    assert code == 0
    assert summary(out)[0] == "units: 8 created, 0 updated, 0 unchanged"
    assert summary(out)[-1] == "targets: 8 created, 0 updated, 0 unchanged"
    assert not Unit.objects.filter(code="R").exists()
    assert not Cluster.objects.filter(name="Ayun Pa").exists()
    assert Change.objects.count() == changes


def test_second_import_changes_nothing(town, tmp_path):
    folder = dataset.write_folder(tmp_path / "set")
    assert run(folder)[0] == 0
    changes = Change.objects.count()
    code, out, _err = run(folder)
    assert code == 0
    counts = {"units": 8, "people": 12, "sources": 2, "courses": 1, "enrollments": 7,
              "admissions": 13, "confirmations": 5, "transfers": 5, "targets": 8}  # fmt: skip
    assert summary(out) == [
        f"{name}: 0 created, 0 updated, {n} unchanged" for name, n in counts.items()
    ]
    assert Change.objects.count() == changes


def test_changed_row_updates_and_is_in_the_history_as_an_import(town, tmp_path):
    run(dataset.write_folder(tmp_path / "one"))
    code, out, _err = run(
        write(tmp_path / "two", people=dataset.PEOPLE.replace(",Buddhism,master,", ",,master,"))
    )
    assert code == 0
    assert summary(out) == ["people: 0 created, 1 updated, 11 unchanged"]
    assert Person.objects.get(national_id="P02").religion == ""
    change = Change.objects.filter(model="people.person").latest("pk")
    assert change.cause == Cause.IMPORT
    assert (change.before["religion"], change.after["religion"]) == ("Buddhism", "")


def test_empty_cell_is_no_value_and_defaults_apply(town, tmp_path):
    run(dataset.write_folder(tmp_path / "set"))
    p03 = Person.objects.get(national_id="P03")  # ethnicity, minority, religion empty
    assert (p03.ethnicity, p03.ethnic_minority, p03.religion) == ("", False, "")
    assert Admission.objects.get(person=p03).readmission is False  # empty readmission: no
    assert Target.objects.get(unit__code="R", period_start="2023-01-01").stretch is None


def test_later_import_refers_to_records_already_in_the_database(town, tmp_path):
    files = dict(dataset.FILES)
    admissions_only = {
        "admissions": files.pop("admissions"),
        "confirmations": files.pop("confirmations"),
    }
    files.pop("transfers")
    assert run(write(tmp_path / "first", **files))[0] == 0
    code, out, err = run(write(tmp_path / "second", **admissions_only))
    assert code == 0, err
    assert summary(out) == [
        "admissions: 13 created, 0 updated, 0 unchanged",
        "confirmations: 5 created, 0 updated, 0 unchanged",
    ]


def test_historical_facts_are_not_refused_for_procedure_rules(town, tmp_path):
    run(dataset.write_folder(tmp_path / "set"))
    young = Admission.objects.get(person__national_id="P11")  # aged 16 at the decision
    assert young.needs_review and "16" in young.review_note
    # A confirmation before probation ended and one of a readmitted member are kept too,
    # each with the admission decided before it.
    assert (
        Confirmation.objects.get(admission__person__national_id="P05").decided_on.isoformat()
        == "2024-11-30"
    )
    old = Confirmation.objects.get(admission__person__national_id="P10")
    assert old.admission.decision_date.isoformat() == "2020-05-01"


def test_confirmation_before_any_admission_is_a_reference_error(town, tmp_path):
    files = dict(
        dataset.FILES, confirmations="national_id,decided_on,outcome\nP07,2024-01-01,confirmed\n"
    )
    code, _out, err = run(write(tmp_path / "set", **files))
    assert code != 0
    assert err.splitlines()[0] == (
        "confirmations:2: decided_on: P07 has no admission decided on or before 2024-01-01 to confirm"
    )


@pytest.mark.parametrize(
    "row, ok",
    [
        ("R,2024-06-01,2025-05-31,4,", False),  # partly over the 2024 target (and 2025 none)
        ("B,2024-03-01,2024-09-30,4,", False),  # across B's two half years
        ("R,2024-01-01,2024-03-31,2,", True),  # a quarter inside 2024, inside the term
        ("B,2024-01-01,2024-12-31,5,", True),  # a year around both half years
    ],
)
def test_targets_may_nest_but_never_partly_overlap(town, tmp_path, row, ok):
    files = dict(dataset.FILES, targets=dataset.TARGETS + row + "\n")
    code, _out, err = run(write(tmp_path / "set", **files))
    if ok:
        assert code == 0, err
    else:
        assert code != 0
        assert err.splitlines()[0].startswith(
            "targets:10: period_start: partly overlaps the target"
        )


def test_partly_overlapping_target_already_in_the_database_is_refused(town, tmp_path):
    run(dataset.write_folder(tmp_path / "set"))
    code, _out, err = run(
        write(
            tmp_path / "more",
            targets="unit_code,period_start,period_end,minimum\nAC2,2024-07-01,2025-06-30,1\n",
        )
    )
    assert code != 0
    assert err.splitlines()[0] == (
        "targets:2: period_start: partly overlaps the target 2024-01-01–2024-12-31 of unit AC2"
    )


def test_children_may_come_before_their_parents_in_the_units_file(town, tmp_path):
    units = "code,name,kind,parent_code,cluster\nX3,Group,group,X2,\nX2,Cell,cell,X1,\nX1,Root,committee,,Hill\n"
    code, out, err = run(write(tmp_path / "set", units=units))
    assert code == 0, err
    assert summary(out) == ["units: 3 created, 0 updated, 0 unchanged"]
    x3 = Unit.objects.get(code="X3")
    assert [u.code for u in x3.get_ancestors()] == ["X1", "X2"]
    assert x3.effective_cluster.name == "Hill"
    assert Unit.objects.get(code="X1").numchild == 1
    assert run(write(tmp_path / "set", units=units))[1].splitlines()[0] == (
        "units: 0 created, 0 updated, 3 unchanged"
    )


def test_a_cycle_of_parents_is_reported_with_file_rows(town, tmp_path):
    units = "code,name,kind,parent_code\nY1,One,cell,Y2\nY2,Two,cell,Y1\n"
    code, _out, err = run(write(tmp_path / "set", units=units))
    assert code != 0
    assert [line.split(": ")[0] for line in err.splitlines()[:2]] == ["units:2", "units:3"]


def test_every_imported_change_has_the_import_as_its_cause(town, tmp_path):
    last = Change.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    result = run_import(dataset.write_folder(tmp_path / "set"))
    new = Change.objects.filter(pk__gt=last)
    assert new.filter(model="org.cluster", object_repr__contains="Ayun Pa").exists()
    assert new.count() >= 8 + 12 + 2 + 1 + 7 + 13 + 5 + 5 + 8
    assert set(new.values_list("cause", "reference").distinct()) == {
        (Cause.IMPORT, str(result.import_id))
    }


def test_workbook_cells_typed_by_a_spreadsheet_are_read_as_text(town, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    units = book.active
    units.title = "Units"
    units.append(["Code", "Name", "Kind", "Parent_code"])
    units.append(["Q1", "Hill ward", "committee", None])
    people = book.create_sheet("people")
    people.append(["national_id", "full_name", "gender", "birth_date", "ethnic_minority"])
    people.append([79100000001, "Ka Một", "female", dt.datetime(1990, 1, 2), True])
    targets = book.create_sheet("targets")
    targets.append(["unit_code", "period_start", "period_end", "minimum", "stretch"])
    targets.append(["Q1", dt.date(2024, 1, 1), dt.date(2024, 12, 31), 5, 6.0])
    book.save(tmp_path / "typed.xlsx")
    code, _out, err = run(tmp_path / "typed.xlsx")
    assert code == 0, err
    person = Person.objects.get(national_id="79100000001")
    assert (person.birth_date.isoformat(), person.ethnic_minority) == ("1990-01-02", True)
    assert Target.objects.filter(unit__code="Q1", minimum=5, stretch=6).exists()


def test_csv_written_by_excel_on_windows(town, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "Units.CSV").write_bytes(
        '\ufeffcode,name,kind,parent_code\r\nQ1,"Hill ward, north",committee,\r\n\r\n'.encode()
    )
    code, _out, err = run(folder)
    assert code == 0, err
    assert Unit.objects.get(code="Q1").name == "Hill ward, north"


def test_a_file_that_is_not_utf8_is_a_problem(town, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "units.csv").write_bytes(
        "code,name,kind\nQ1,Café du Parc,committee\n".encode("latin-1")
    )
    code, _out, err = run(folder)
    assert code != 0
    assert err.splitlines()[0] == "units:2: name: the file is not UTF-8 text"
    assert not Unit.objects.filter(code="Q1").exists()
