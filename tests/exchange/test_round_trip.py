"""Export, empty the database, import: the same data comes back, and the same reports.

The history is made the way the product makes it: the town, an imported story (sources,
a course, admissions, a confirmation, transfers, targets), members admitted before the
records (no admission row), a member arriving from outside the system, a dossier in
progress with its steps, a target and a finding set through the services, and the
restructurings of 1 July 2025 (a merge, a split with an assignment, a move, a rename).
Exporting again after the import gives the same files row for row (row order aside), and
every unit's report figures for a period are unchanged, as they were and restated.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from grassroots.conferences import services as conference_services
from grassroots.exchange import exporter
from grassroots.exchange.format import FILES
from grassroots.history.services import Trace
from grassroots.org import restructure, timeline
from grassroots.org.models import Cluster, Unit
from grassroots.people import services as people_services
from grassroots.people.models import Membership, Person
from grassroots.pipeline import dues
from grassroots.pipeline import services as pipeline_services
from grassroots.pipeline.models import Confirmation, DossierDue, FailedCellVote
from grassroots.plans import services as plan_services
from grassroots.reports import counting
from grassroots.transfers import services as transfer_services

from ..pipeline.walk import open_dossier, seed_cell, walk_until
from .helpers import STORY, imported, write

E = dt.date(2025, 7, 1)
# Report periods: before the reform, across it, and restated on the new structure.
PERIODS = [
    (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    (dt.date(2020, 1, 1), dt.date(2025, 12, 31)),
]


def _files(unit=None):
    """Every file of an export, its rows sorted (row order aside), header first."""
    data = {}
    for name in FILES:
        header, *rows = list(exporter.rows(name, unit))
        data[name] = [header, *sorted(rows)]
    return data


def _memberships():
    return sorted(
        Membership.objects.values_list(
            "person__national_id",
            "unit__code",
            "status",
            "admitted_on",
            "ceremony_date",
            "probation_ends_on",
            "official_since",
            "ended_on",
            "unit_since",
            "readmission",
            "leave_reason",
        )
    )


def _reports(codes=None):
    """{(unit, period, restated on): counts} for every unit (or those named)."""
    figures = {}
    units = Unit.objects.all() if codes is None else Unit.objects.filter(code__in=codes)
    for unit in units:
        for start, end in PERIODS:
            figures[(unit.code, start, None)] = counting.count(unit, start, end)
            figures[(unit.code, start, E)] = counting.count(unit, start, end, restate_on=E)
    return figures


def _members_by_status():
    found = {}
    for status in Membership.objects.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def _empty_database():
    """Delete every row of the project's tables (protected ones after what protects them)."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in {"contenttypes", "sessions", "auth"} and m._meta.managed
    ]
    for _ in range(10):
        left = False
        for model in models:
            if not model.objects.exists():
                continue
            try:
                with transaction.atomic():
                    model.objects.all().delete()
            except (ProtectedError, RestrictedError, IntegrityError):
                left = True
        if not left:
            return
    raise AssertionError("could not empty the database")


def _confirmations():
    return sorted(
        Confirmation.objects.values_list(
            "admission__person__national_id", "admission__decision_date", "decided_on", "outcome"
        )
    )


def _make_history(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    # Not confirmed in 2024, readmitted in 2025: `confirmations` holds one row per person
    # (none for the readmission yet), so the earlier refusal travels on the members row.
    imported(
        write(
            tmp_path / "readmitted",
            admissions="""
                national_id,unit_code,decision_date,decision_no,ceremony_date,readmission
                079100000003,W1C1,2025-03-01,QD-9,2025-03-10,yes
            """,
        )
    )
    trace = Trace(user=town.user("org"))
    # Admitted as a college graduate, then went on studying: the 2023 figures keep "college".
    people_services.person_update(
        trace=trace, person=Person.objects.get(national_id="079100000002"), education="master"
    )
    # Members admitted before the records began: no admission row.
    seed_cell(town, "W1C1")
    seed_cell(town, "W2C1", count=3)
    # One of them resigned: the reason travels, a readmission is checked against it.
    transfer_services.membership_leave(
        trace=trace,
        membership=Membership.objects.filter(unit__code="W2C1").order_by("pk").first(),
        ended_on=dt.date(2024, 6, 30),
        reason="resigned",
    )
    # A dossier in progress, with its steps up to the cell vote, which failed twice (one of
    # them recorded by mistake and annulled): the next vote's number is counted from them.
    dossier = open_dossier(town)
    walk_until(town, dossier, stop="cell_vote")
    for day in (10, 11):
        pipeline_services.failed_cell_vote_record(
            trace=trace, dossier=dossier, date=dt.date(2024, 10, day), present=8, in_favour=5,
            against=3,
        )  # fmt: skip
    pipeline_services.failed_cell_vote_annul(
        trace=trace, vote=FailedCellVote.objects.latest("pk"), reason="Entered twice."
    )
    # A member who arrived from outside the system.
    arriving = Person.objects.create(
        national_id="079200000001",
        full_name="Đinh Thị Mai",
        gender="female",
        birth_date=dt.date(1992, 4, 4),
    )
    transfer_services.transfer_incoming(
        trace=trace,
        person=arriving,
        kind="official",
        issued_on=dt.date(2024, 3, 1),
        origin="Hà Tĩnh provincial committee",
        to_unit=town.unit("W2C1"),
        arrived_on=dt.date(2024, 3, 10),
        admitted_on=dt.date(2019, 5, 19),
        letter_no="GT-12",
        dues_paid_until="2024-02",
    )
    plan_services.target_set(
        trace=trace,
        unit=town.unit("W2"),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        minimum=4,
        stretch=6,
        women_share=45,
        resolution_ref="NQ 7",
        resolution_date=dt.date(2024, 12, 20),
    )
    finding = plan_services.finding_record(
        trace=trace,
        unit=town.unit("W1C1"),
        date=dt.date(2024, 5, 2),
        kind="shortcoming",
        findings="The sources list was not reviewed.\nFollow up in July.",
        follow_up_due=dt.date(2024, 7, 1),
    )
    _conference(town, trace, finding)
    # The reform of 1 July 2025.
    system = Trace.system("reform")
    restructure.unit_merge(
        trace=system,
        units=[Unit.objects.get(code="W2C1"), Unit.objects.get(code="W2C2")],
        into="W2N",
        name="Ward 2 new cell",
        parent=Unit.objects.get(code="W2"),
        day=E,
        reference="NQ 1659",
    )
    restructure.unit_split(
        trace=system,
        unit=Unit.objects.get(code="HS"),
        into=[("HSA", "High school cell A"), ("HSB", "High school cell B")],
        assign={"001090000003": "HSB"},
        day=E,
        reference="NQ 1659",
    )
    restructure.unit_move(
        trace=system,
        unit=Unit.objects.get(code="W1C2"),
        new_parent=Unit.objects.get(code="W2"),
        day=E,
        reference="NQ 1659",
    )
    restructure.unit_rename(trace=system, unit=Unit.objects.get(code="W1"), name="Ward One", day=E)


def _conference(town, trace, finding):
    """A cluster's conference: attendance, two conclusions (one with tasks, one done),
    praise by the conference and criticism by the finding."""
    conference = conference_services.conference_create(
        trace=trace,
        committee=town.unit("TOWN"),
        cluster=Cluster.objects.get(name="Gò Nổi"),
        title="Gò Nổi: winning new members",
        date=dt.date(2024, 7, 15),
        place="Town hall",
        chair="Lê Văn Dũng",
        period_from=dt.date(2024, 1, 1),
        period_to=dt.date(2024, 6, 30),
        units=[town.unit("W1"), town.unit("W2"), town.unit("HS")],
    )
    for p, values in zip(
        conference.participations.order_by("unit__path"),
        [{"attendees": 12, "invited": 15}, {"present": False}, {"present": True}],
        strict=True,
    ):
        conference_services.participation_record(trace=trace, participation=p, **values)
    first = conference_services.conclusion_add(
        trace=trace,
        conference=conference,
        text="Sources in the enterprises.\nEach ward nominates five.",
        tasks=[
            {"unit": town.unit("W1C1"), "role": "secretary", "action": "Nominate five sources",
             "due_on": dt.date(2024, 9, 30)},
            {"unit": town.unit("W2"), "role": "organisation_committee",
             "action": "Review the sources list", "due_on": dt.date(2024, 8, 31)},
        ],
    )  # fmt: skip
    conference_services.conclusion_add(trace=trace, conference=conference, text="Report in July.")
    conference_services.task_complete(
        trace=trace, task=first.tasks.get(unit__code="W1C1"), completed_on=dt.date(2024, 9, 1),
        note="Five nominated.",
    )  # fmt: skip
    conference_services.recognition_record(
        trace=trace, conference=conference, kind="commend", unit=town.unit("W1"),
        date=dt.date(2024, 7, 15), text="Twelve sources.", decision="Certificate of merit",
        document_ref="QĐ 12",
    )  # fmt: skip
    conference_services.recognition_record(
        trace=trace, finding=finding, kind="shortcoming", unit=town.unit("W1C1"),
        person=Person.objects.get(national_id="001090000004"), date=dt.date(2024, 5, 2),
        text="List not reviewed.", decision="Reminded in writing",
    )  # fmt: skip
    # The conference criticises the same person of the same cell on the same day: a
    # recognition is known by its source too, so the two stay two.
    conference_services.recognition_record(
        trace=trace, conference=conference, kind="shortcoming", unit=town.unit("W1C1"),
        person=Person.objects.get(national_id="001090000004"), date=dt.date(2024, 5, 2),
        text="Sources list late again.",
    )  # fmt: skip


def _export(target, fmt, unit=None):
    if fmt == "csv":
        exporter.write_csv_folder(target, unit=unit)
        return target
    exporter.write_xlsx(target.with_suffix(".xlsx"), unit=unit)
    return target.with_suffix(".xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database(town, tmp_path, fmt):
    _make_history(town, tmp_path)
    files, memberships, reports = _files(), _memberships(), _reports()
    statuses, confirmations = _members_by_status(), _confirmations()
    assert ("079100000003", dt.date(2023, 8, 1), dt.date(2024, 9, 1), "not_confirmed") in (
        confirmations
    )
    assert statuses[Membership.Status.OFFICIAL] >= 12
    assert Membership.objects.filter(admission__isnull=True).count() >= 13  # no admission row
    exported = _export(tmp_path / "export", fmt)
    _empty_database()
    assert not Unit.objects.exists() and not Membership.objects.exists()

    result = imported(exported)
    print({name: len(rows) - 1 for name, rows in files.items()}, statuses, len(reports))

    assert all(counts["created"] for name, counts in result.summary.items() if len(files[name]) > 1)
    for name in FILES:
        assert _files()[name] == files[name], name
    assert _memberships() == memberships
    assert _members_by_status() == statuses
    assert _confirmations() == confirmations
    assert FailedCellVote.objects.filter(annulled_at__isnull=False).count() == 1
    assert FailedCellVote.objects.filter(annulled_at__isnull=True).count() == 1
    assert _reports() == reports
    assert Unit.find_problems() == ([], [], [], [], [])
    assert timeline.rebuild_ancestry(check=True) == (set(), set())
    # The imported dossier's time limits, refreshed from the import's own history.
    assert DossierDue.objects.exists() and dues.check() == 0


def test_importing_the_export_again_changes_nothing(town, tmp_path):
    _make_history(town, tmp_path)
    exported = _export(tmp_path / "export", "csv")
    result = imported(exported)
    for name, counts in result.summary.items():
        assert counts["created"] == counts["updated"] == 0, (name, counts)


def test_a_subtree_export_imports_on_its_own(town, tmp_path):
    _make_history(town, tmp_path)
    w2 = Unit.objects.get(code="W2")
    codes = [u.code for u in Unit.objects.filter(path__startswith=w2.path)]
    files, reports = _files(w2), _reports(codes)
    exported = _export(tmp_path / "w2", "csv", unit=w2)
    _empty_database()

    imported(exported)

    w2 = Unit.objects.get(code="W2")
    assert _files(w2) == files
    assert _reports(codes) == reports
    # The units above it came along, and the members its transfers name.
    assert Unit.objects.filter(code="TOWN").exists()
    assert Membership.objects.filter(person__national_id="079200000001").exists()


def test_export_of_a_unit_names_the_units_above_it(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    exporter.write_csv_folder(tmp_path / "hs", unit=Unit.objects.get(code="HS"))
    units = (tmp_path / "hs" / "units.csv").read_text().splitlines()
    assert units[1:] == [
        "TOWN,Town committee,committee,,Gò Nổi,,1930-02-03,,",
        "HS,High school cell,cell,TOWN,,Education,1930-02-03,,",
        # W1C2: where a member of HS was transferred to; W1 above it.
        "W1,Ward 1,committee,TOWN,,,1930-02-03,,",
        "W1C2,Residential area 2,cell,W1,,,1930-02-03,,",
    ]
    people = (tmp_path / "hs" / "people.csv").read_text()
    assert "001090000002" in people and "079100000001" in people
    assert "001090000001" not in people  # lives in W1, no record in HS
    assert "079100000002" not in people


def test_only_some_tables(town, tmp_path):
    counts = exporter.write_csv_folder(tmp_path / "x", only=["people", "units"])
    assert list(counts) == ["units", "people"]
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["people.csv", "units.csv"]


def test_into_an_empty_database_an_exports_members_are_created_not_updated(town, tmp_path):
    """The admissions file opens the memberships that the members file then states: both in
    one import, so the register got them new, and the summary says so."""
    _make_history(town, tmp_path)
    exported = _export(tmp_path / "export", "csv")
    members = Membership.objects.count()
    _empty_database()
    result = imported(exported)
    assert result.summary["members"] == {"created": members, "updated": 0, "unchanged": 0}
    again = imported(exported)
    assert again.summary["members"] == {"created": 0, "updated": 0, "unchanged": members}
