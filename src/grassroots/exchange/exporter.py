"""Exporting in the exchange format: what the importer reads back unchanged.

Each file is streamed from the database (`iterator(chunk_size=...)`), written row by row
to CSV files or a write-only workbook. A unit filter keeps its subtree, plus the people
who have a record there, the memberships its records refer to, and the units outside it
that the files name (with every unit above them), so that it imports on its own. Rows are
written with the importer's own `as_row`, or for the big files (`PLAIN`) read as plain
values or, in CSV, written by the database, each proven to give the same cells (see
docs/architecture.md, "Streaming exports"), so export then import into an empty database
gives the same data.
"""

import tempfile
import zipfile
from pathlib import Path

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from grassroots import sheets
from grassroots.conferences.models import Conference, Participation, Recognition, Task
from grassroots.org.models import SplitShare, Unit, UnitEvent, UnitEventPart, UnitVersion
from grassroots.paths import under
from grassroots.people.models import Membership, Person
from grassroots.pipeline.models import (
    Admission,
    Confirmation,
    Course,
    Dossier,
    DossierStep,
    Enrollment,
    FailedCellVote,
    Source,
)
from grassroots.plans.models import Finding, Target
from grassroots.transfers.models import Transfer

from .format import COLUMNS, DATE, DECIMAL, FILES, INT, export_text
from .tables import APPLIERS

CHUNK = 2000
FORMATS = ("csv", "xlsx")


def _within(unit, field):
    return Q() if unit is None else under(unit.path, field)


def _members_query(unit):
    """Memberships in the subtree, admitted by it, or moved by a transfer of it: every
    membership another file of the export refers to."""
    if unit is None:
        return Membership.objects.all()
    return Membership.objects.filter(
        _within(unit, "unit__path")
        | Q(pk__in=Admission.objects.filter(_within(unit, "unit__path")).values("membership_id"))
        | Q(pk__in=_transfers_query(unit).values("membership_id"))
    )


def _transfers_query(unit):
    if unit is None:
        return Transfer.objects.all()
    return Transfer.objects.filter(
        _within(unit, "from_unit__path") | _within(unit, "to_unit__path")
    )


def _events_query(unit):
    if unit is None:
        return UnitEvent.objects.all()
    return UnitEvent.objects.filter(
        pk__in=UnitEventPart.objects.filter(_within(unit, "unit__path")).values("event_id")
    )


def _recognitions_query(unit):
    # A recognition goes with its source, as a conference's tasks go with the conference:
    # in a subtree's export, those of a conference or a finding of the subtree (a cell's
    # praise by a committee above is that committee's record, and its conference is not
    # in the export to refer to).
    if unit is None:
        return Recognition.objects.all()
    return Recognition.objects.filter(
        _within(unit, "conference__committee__path") | _within(unit, "finding__unit__path")
    )


def _conference_units(unit):
    """Ids of the units the subtree's conferences name (participants, the units of their
    tasks and recognitions). A conference counts on the structure of its day, so these
    may stand elsewhere now: the export carries their versions too, for the importer to
    see where they stood (`conferences.services.units_not_below`)."""
    conferences = Conference.objects.filter(_within(unit, "committee__path"))
    ids = set(
        Participation.objects.filter(conference__in=conferences).values_list("unit_id", flat=True)
    )
    ids.update(
        Task.objects.filter(conclusion__conference__in=conferences).values_list(
            "unit_id", flat=True
        )
    )
    ids.update(_recognitions_query(unit).values_list("unit_id", flat=True))
    return ids


def _versions_query(unit):
    if unit is None:
        return UnitVersion.objects.all()
    return UnitVersion.objects.filter(
        _within(unit, "unit__path") | Q(unit_id__in=_conference_units(unit))
    )


def _units_named_outside(unit):
    """Ids of the units outside the subtree that its files name (where its people live,
    where its members went, the units above it…), with every unit above them: so that a
    subtree export imports on its own into an empty database."""
    ids = set()
    ids.update(Person.objects.filter(pk__in=_people(unit).values("pk")).values_list("unit_id"))
    ids.update(_members_query(unit).values_list("unit_id"))
    for pair in _transfers_query(unit).values_list("from_unit_id", "to_unit_id"):
        ids.update(pair)
    ids.update(_conference_units(unit))
    ids.update(_versions_query(unit).values_list("parent_id"))
    ids.update(UnitEventPart.objects.filter(event__in=_events_query(unit)).values_list("unit_id"))
    ids.update(Finding.objects.filter(_within(unit, "unit__path")).values_list("by_unit_id"))
    ids = {i[0] if isinstance(i, tuple) else i for i in ids} - {None}
    paths = {unit.path}
    for start in range(0, len(ids), 900):
        chunk = sorted(ids)[start : start + 900]
        paths.update(Unit.objects.filter(pk__in=chunk).values_list("path", flat=True))
    prefixes = {p[:end] for p in paths for end in range(Unit.steplen, len(p) + 1, Unit.steplen)}
    prefixes = sorted(p for p in prefixes if not p.startswith(unit.path))
    found = set()
    for start in range(0, len(prefixes), 900):
        found.update(
            Unit.objects.filter(path__in=prefixes[start : start + 900]).values_list("pk", flat=True)
        )
    return found


def _units_queryset(unit):
    if unit is None:
        return Unit.objects.all()
    return Unit.objects.filter(_within(unit, "path") | Q(pk__in=_units_named_outside(unit)))


def _units(unit):
    queryset = _units_queryset(unit).select_related("cluster", "sector")
    codes = {}
    for node in queryset.order_by("path").iterator(chunk_size=CHUNK):
        # Parents come before children in path order; keep only the current chain.
        codes[node.path] = node.code
        node.parent_code = codes.get(node.path[: -Unit.steplen])
        if len(codes) > 10_000:
            codes = {p: c for p, c in codes.items() if node.path.startswith(p)}
        yield node


def _people(unit):
    queryset = Person.objects.select_related("unit")
    if unit is not None:
        # Everyone with a record in the subtree, so that the other files can refer to them.
        queryset = queryset.filter(
            _within(unit, "unit__path")
            | Q(pk__in=Source.objects.filter(_within(unit, "unit__path")).values("person_id"))
            | Q(pk__in=Admission.objects.filter(_within(unit, "unit__path")).values("person_id"))
            | Q(pk__in=_members_query(unit).values("person_id"))
            | Q(pk__in=Dossier.objects.filter(_within(unit, "unit__path")).values("person_id"))
            | Q(
                pk__in=Enrollment.objects.filter(_within(unit, "course__organizer__path")).values(
                    "person_id"
                )
            )
            | Q(pk__in=_transfers_query(unit).values("person_id"))
        )
    return queryset.order_by("national_id")


def _confirmations(unit):
    # The format keys confirmations by person: the one of each person's latest admission.
    later = Admission.objects.filter(
        person=OuterRef("admission__person"), decision_date__gt=OuterRef("admission__decision_date")
    )
    return (
        Confirmation.objects.filter(_within(unit, "admission__unit__path"))
        .filter(~Exists(later))
        .select_related("admission__person")
        .order_by("admission__person__national_id")
    )


def _confirmations_left_out(unit):
    """The confirmation of a membership's admission that `confirmations` does not carry
    (that of a readmitted member's earlier admission), as the annotations the members rows
    write (`MembershipApplier.as_row`); in a subtree's export, of an admission the export
    carries."""
    later = Admission.objects.filter(
        person=OuterRef("person"), decision_date__gt=OuterRef("admission__decision_date")
    )
    left_out = Q(Exists(later)) & _within(unit, "admission__unit__path")
    return {
        f"left_out_{field}": Case(
            When(left_out, then=F(f"admission__confirmation__{field}")),
            default=None,
            output_field=Confirmation._meta.get_field(field).__class__(),
        )
        for field in ("decided_on", "outcome")
    }


def _transfers(unit):
    return (
        _transfers_query(unit)
        .select_related("person", "to_unit", "from_unit")
        .order_by("issued_on", "id")
    )


def _split_assignments(unit):
    shares = (
        SplitShare.objects.filter(event__in=_events_query(unit))
        .select_related("event", "unit")
        .order_by("event__effective_date", "event_id", "person_id")
    )
    national_ids = {}
    split_codes = dict(
        UnitEventPart.objects.filter(
            event__kind=UnitEvent.Kind.SPLIT, role=UnitEventPart.Role.PREDECESSOR
        ).values_list("event_id", "unit__code")
    )
    for share in shares.iterator(chunk_size=CHUNK):
        if share.person_id not in national_ids:
            national_ids[share.person_id] = (
                Person.objects.filter(pk=share.person_id).values_list("national_id", flat=True)
            ).first()
        share._national_id = national_ids[share.person_id]
        share._split_code = split_codes.get(share.event_id)
        if share._national_id and share._split_code:
            yield share


QUERIES = {
    "units": _units,
    "unit_versions": lambda unit: (
        _versions_query(unit).select_related("unit", "parent").order_by("unit__code", "valid_from")
    ),
    "restructurings": lambda unit: (
        _events_query(unit).prefetch_related("parts__unit").order_by("effective_date", "id")
    ),
    "people": _people,
    "split_assignments": _split_assignments,
    "sources": lambda unit: (
        Source.objects.filter(_within(unit, "unit__path"))
        .select_related("person", "unit")
        .order_by("nominated_on", "id")
    ),
    "courses": lambda unit: (
        Course.objects.filter(_within(unit, "organizer__path"))
        .select_related("organizer")
        .order_by("start_date", "code")
    ),
    "enrollments": lambda unit: (
        Enrollment.objects.filter(_within(unit, "course__organizer__path"))
        .select_related("course", "person")
        .order_by("course__code", "person__national_id")
    ),
    "dossiers": lambda unit: (
        Dossier.objects.filter(_within(unit, "unit__path"))
        .select_related("person", "unit", "source__unit")
        .order_by("opened_on", "id")
    ),
    "dossier_steps": lambda unit: (
        DossierStep.objects.filter(_within(unit, "dossier__unit__path"))
        .select_related("dossier__person")
        .order_by("dossier__opened_on", "dossier_id", "date", "id")
    ),
    "failed_cell_votes": lambda unit: (
        FailedCellVote.objects.filter(_within(unit, "dossier__unit__path"))
        .select_related("dossier__person")
        .order_by("dossier__opened_on", "dossier_id", "date", "id")
    ),
    "admissions": lambda unit: (
        Admission.objects.filter(_within(unit, "unit__path"))
        .select_related("person", "unit")
        .order_by("decision_date", "id")
    ),
    "members": lambda unit: (
        _members_query(unit)
        .annotate(**_confirmations_left_out(unit))
        .select_related("person", "unit")
        .order_by("admitted_on", "person__national_id")
    ),
    "confirmations": _confirmations,
    "transfers": _transfers,
    "targets": lambda unit: (
        Target.objects.filter(_within(unit, "unit__path"))
        .select_related("unit")
        .order_by("unit__path", "period_start", "-period_end")
    ),
    "findings": lambda unit: (
        Finding.objects.filter(_within(unit, "unit__path"))
        .select_related("unit", "by_unit")
        .order_by("date", "id")
    ),
    "conferences": lambda unit: (
        Conference.objects.filter(_within(unit, "committee__path"))
        .select_related("committee", "cluster", "sector")
        .order_by("date", "id")
    ),
    "conference_tasks": lambda unit: (
        Task.objects.filter(_within(unit, "conclusion__conference__committee__path"))
        .select_related("unit", "conclusion__conference__committee")
        .order_by("conclusion__conference__date", "conclusion_id", "id")
    ),
    "recognitions": lambda unit: (
        _recognitions_query(unit)
        .select_related("unit", "person", "conference__committee", "finding__by_unit")
        .order_by("date", "id")
    ),
}


def record_count(name, unit=None):
    """How many records file `name` will have (one COUNT query; for progress)."""
    if name == "units":
        return _units_queryset(unit).count()
    if name == "split_assignments":
        return SplitShare.objects.filter(event__in=_events_query(unit)).count()
    return QUERIES[name](unit).count()


def rows(name, unit=None):
    """The header, then one list of text cells per record of file `name`."""
    yield header(name)
    for values in typed_rows(name, unit):
        yield [export_text(v) for v in values]


TYPED = (DATE, INT, DECIMAL)


# The biggest files are read as plain values, not model instances: for each column the
# lookup that gives what the applier's `as_row` gives, where it is not the column's name
# (tests/exchange/test_streaming_export.py proves them equal). Several times faster: a
# national register has millions of people. In CSV the database writes their cells
# (`_csv_cells_query`; tests/exchange/test_export_sql.py proves the bytes equal).
PERSON, UNIT = {"national_id": "person__national_id"}, {"unit_code": "unit__code"}
PLAIN = {
    "people": UNIT,
    "sources": {**PERSON, **UNIT, "nominated_in_code": "nominated_in__code"},
    "enrollments": {**PERSON, "course_code": "course__code"},
    "dossiers": {**PERSON, **UNIT, "source_unit_code": "source__unit__code"},
    "admissions": {**PERSON, **UNIT},
    "members": {
        **PERSON,
        **UNIT,
        "confirmation_decided_on": "left_out_decided_on",
        "confirmation_outcome": "left_out_outcome",
    },
    "transfers": {
        **PERSON,
        "to_unit_code": "to_unit__code",
        "from_unit_code": "from_unit__code",
    },
}


def _plain(name, found):
    """The query as tuples in the file's column order, or None for a file read through
    its records."""
    if name not in PLAIN or not isinstance(found, QuerySet):
        return None
    lookups = [PLAIN[name].get(c.name, c.name) for c in COLUMNS[name]]
    return found.values_list(*lookups).iterator(chunk_size=CHUNK)


def _field(model, lookup):
    if lookup.startswith("left_out_"):  # an annotation (`_confirmations_left_out`)
        return Confirmation._meta.get_field(lookup.removeprefix("left_out_"))
    for part in lookup.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return field


class _StoredDate(Func):
    """A date column as the database gives it: PostgreSQL's date (which the csv module
    writes as ISO), SQLite's stored ISO text, cast so that the sqlite3 module does not
    parse it into a date first (it does for a column declared `date`)."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)")


def _csv_cell(model, lookup):
    """One column's CSV cell as an SQL expression: yes/no, a date (ISO), a text escaped
    by `sheets.escaped_in_sql`. NULL stays NULL: an empty cell."""
    field = _field(model, lookup)
    if isinstance(field, BooleanField):
        return Case(
            When(Q(**{lookup: True}), then=Value("yes")),
            When(Q(**{lookup: False}), then=Value("no")),
            output_field=CharField(),
        )
    if isinstance(field, DateField):
        return _StoredDate(F(lookup))
    if isinstance(field, CharField | TextField):
        return sheets.escaped_in_sql(F(lookup))
    raise TypeError(f"{lookup}: no CSV form for {type(field).__name__}")


def _csv_cells_query(name, found):
    """The query of a PLAIN file as SQL whose rows are its CSV cells in column order, or
    None for a file read through its records."""
    if name not in PLAIN or not isinstance(found, QuerySet):
        return None
    cells = [_csv_cell(found.model, PLAIN[name].get(c.name, c.name)) for c in COLUMNS[name]]
    return found.values_list(*cells)


def _cursor_batches(query, tick):
    """The query's rows CHUNK at a time, straight from the database's cursor (no model
    instances, no value converters; on PostgreSQL a server-side cursor), so memory does
    not grow with the records."""
    sql, params = query.query.sql_with_params()
    with connections[query.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(CHUNK):
            yield batch
            tick(rows=len(batch))


def typed_rows(name, unit=None, records=None):
    """One list of values per record of file `name` (or of `records`): dates, whole and
    decimal numbers as such (for Excel), every other cell as the text the format reads.
    Memory does not grow with the records: they are read CHUNK at a time."""
    columns = COLUMNS[name]
    found = QUERIES[name](unit) if records is None else records
    plain = _plain(name, found)
    if plain is not None:
        typed = [c.kind in TYPED for c in columns]
        for values in plain:
            yield [
                v if keep else ("" if v is None else v if v.__class__ is str else export_text(v))
                for v, keep in zip(values, typed, strict=True)
            ]
        return
    applier = APPLIERS[name]
    as_row = applier.as_row
    if isinstance(found, QuerySet) or hasattr(found, "iterator"):
        found = found.iterator(chunk_size=CHUNK)
    for obj in found:
        values = as_row(applier, obj)
        yield [values[c.name] if c.kind in TYPED else export_text(values[c.name]) for c in columns]


def header(name):
    return [c.name for c in COLUMNS[name]]


def _ticking(values, tick):
    tick()  # the header
    for row in values:
        tick()
        yield row


def _names(only):
    if not only:
        return list(FILES)
    unknown = set(only) - set(FILES)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    return [name for name in FILES if name in only]


def _counter(names, unit, progress):
    """tick() after each row (tick(rows=n) after n): progress(rows written, rows of all
    files), every CHUNK rows and at the end of each file (tick(end=True)). Header rows
    count as rows."""
    if progress is None:
        return lambda end=False, rows=1: None
    total = sum(record_count(name, unit) + 1 for name in names)
    done = [0]

    def tick(end=False, rows=1):
        before = done[0]
        if not end:
            done[0] += rows
        if end or done[0] // CHUNK != before // CHUNK:
            progress(done[0], max(total, done[0]))

    return tick


class FolderNotEmpty(Exception):
    """The folder holds CSV files this export would not write (`files`: their names)."""

    def __init__(self, files):
        super().__init__(", ".join(files))
        self.files = files


def csv_files_left_beside(folder, names):
    """The CSV files in `folder` that an export of the tables `names` would not overwrite.

    The importer reads every CSV file of a folder: a table left from an earlier, larger
    export would come back stale, and any other CSV file stops the import as unknown."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    written = {f"{name}.csv" for name in names}
    return sorted(
        child.name
        for child in folder.iterdir()
        if child.is_file() and child.suffix.lower() == ".csv" and child.name not in written
    )


def write_csv_folder(folder, *, unit=None, only=None, progress=None):
    """One UTF-8 CSV file per table in `folder`; returns {file: number of records}.

    Refuses (FolderNotEmpty) a folder holding other CSV files, so that what it writes
    imports back as written. The PLAIN files' cells are written by the database
    (`_csv_cells_query`), the others' from their records. `progress(done, total)`, if
    given, is called every CHUNK records.
    """
    folder = Path(folder)
    names = _names(only)
    if left := csv_files_left_beside(folder, names):
        raise FolderNotEmpty(left)
    folder.mkdir(parents=True, exist_ok=True)
    tick = _counter(names, unit, progress)
    counts = {}
    for name in names:
        found = QUERIES[name](unit)
        cells = _csv_cells_query(name, found)
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            if cells is None:
                rows = _ticking(typed_rows(name, unit, records=found), tick)
                counts[name] = sheets.write_csv(handle, header(name), rows)
            else:
                tick()  # the header
                batches = _cursor_batches(cells, tick)
                counts[name] = sheets.write_csv_batches(handle, header(name), batches)
        tick(end=True)
    return counts


def write_xlsx(path, *, unit=None, only=None, progress=None):
    """One workbook, a sheet per table; returns {sheet: number of records}. A table
    longer than a sheet holds (`sheets.SHEET_ROWS`) continues on `people (2)`, … which
    the reader joins again.

    Dates are Excel dates, numbers numbers, the rest text (`sheets`). `progress(done,
    total)`, if given, is called every CHUNK records.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    names = _names(only)
    tick = _counter(names, unit, progress)
    counts = {}
    for name in names:
        tick()  # the header
        counts[name] = sheets.xlsx_table(
            workbook, name, header(name), typed_rows(name, unit), tick=tick
        )
        tick(end=True)
    workbook.save(path)
    return counts


def write_csv_zip(path, *, unit=None, only=None, progress=None):
    """The CSV files in one .zip archive (for downloads)."""
    with tempfile.TemporaryDirectory(prefix="grassroots-export-") as folder:
        counts = write_csv_folder(folder, unit=unit, only=only, progress=progress)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in counts:
                archive.write(Path(folder) / f"{name}.csv", f"{name}.csv")
    return counts
