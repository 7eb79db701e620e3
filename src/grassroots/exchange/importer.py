"""Importing a data set: all or nothing, idempotent, every problem reported, streaming.

`run_import` reads each file row by row and applies it in batches: one query looks up the
existing records of a batch, new rows go in with `bulk_create`, changed rows with
`bulk_update`, and each change gets its history row (cause import, reference = the
Import's id) in the same batch. Everything runs in one transaction; if any row of any file
is wrong, or for a dry run, the transaction is rolled back at the end, after every file was
checked, so the report lists every problem.

Imported sources, enrolments, admissions, confirmations and transfers are historical
facts: they are checked for format, vocabularies and references, never against the
admission procedure's rules (admissions may be flagged for review instead).
"""

import csv
import dataclasses
import datetime as dt
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError, reset_queries, transaction
from django.db.models import BigIntegerField, Count, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.history import generation
from grassroots.history.models import Cause, Change
from grassroots.history.services import Trace
from grassroots.org.models import Unit
from grassroots.people.models import Membership
from grassroots.pipeline import dues
from grassroots.pipeline.models import Admission
from grassroots.reports import rollups

from .format import COLUMNS, FILES, RowError, parse_value
from .models import Import
from .reader import DatasetError, NotUTF8, open_dataset
from .tables import APPLIERS
from .unitrefs import UNIT_REF_FIELDS, UnitRef

BATCH_SIZE = 5000
UNIT_CACHE_LIMIT = 50_000


@dataclasses.dataclass(frozen=True)
class Problem:
    """One problem, printed as `file:row: column: message` (the header is row 1)."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self):
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


@dataclasses.dataclass(frozen=True)
class RowWarning(Problem):
    """A row taken in as the format says, but not as written (an older file's free-text
    occupation): printed as `file:row: column: warning: message`; it does not stop the
    import."""

    def __str__(self):
        return _("%(file)s:%(row)s: %(column)s: warning: %(message)s") % {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclasses.dataclass
class Result:
    summary: dict
    problems: list
    dry_run: bool
    import_id: int | None = None
    warnings: list = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def summary_lines(self):
        return [
            _("%(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {"file": name, **counts}
            for name, counts in self.summary.items()
        ]


class UnitCache:
    """Units by code, loaded a batch at a time; bounded, cleared when the tree moves."""

    def __init__(self):
        self._by_code = {}

    def clear(self):
        self._by_code.clear()

    def put(self, ref):
        self._by_code[ref.code] = ref

    def get_many(self, codes):
        missing = [c for c in set(codes) if c and c not in self._by_code]
        if len(self._by_code) + len(missing) > UNIT_CACHE_LIMIT:
            self._by_code.clear()
            missing = [c for c in set(codes) if c]
        for start in range(0, len(missing), 1000):
            chunk = missing[start : start + 1000]
            for values in Unit.objects.filter(code__in=chunk).values_list(*UNIT_REF_FIELDS):
                self.put(UnitRef(*values))
        return {c: self._by_code[c] for c in codes if c in self._by_code}


@dataclasses.dataclass
class Context:
    trace: Trace
    scope_user: object
    problems: list
    units: UnitCache = dataclasses.field(default_factory=UnitCache)
    # The tree over time changed (versions, validity): the report roll-ups are rebuilt.
    tree_changed: bool = False
    # Memberships whose state a `members` row gave in this import: that row is the last
    # word on them, so confirmations and transfers of the same import leave them alone.
    stated_memberships: set = dataclasses.field(default_factory=set)
    warnings: list = dataclasses.field(default_factory=list)

    def problem(self, file, row, column, message):
        self.problems.append(Problem(file, row, column, str(message)))

    def warning(self, file, row, column, message):
        self.warnings.append(RowWarning(file, row, column, str(message)))

    def allowed(self, action, unit_ref):
        """May the uploading user act on this unit? Always for the command line."""
        if self.scope_user is None:
            return True
        return scope.can(self.scope_user, action, unit_ref)

    def change(self, obj_id, model, *, action, before, after, repr_):
        return Change(
            actor=self.trace.actor,
            cause=self.trace.cause,
            reference=self.trace.reference,
            action=action,
            model=model._meta.label_lower,
            object_id=str(obj_id),
            object_repr=str(repr_)[:240],
            before=before,
            after=after,
        )


def _column_name(raw):
    """A header cell as the column name it gives (case, spaces and a BOM aside)."""
    return (raw or "").strip().lower().removeprefix("\ufeff")


def _header(file, cells, ctx):
    """Map the header to known column names; report unknown, repeated and missing ones."""
    known = {c.name for c in COLUMNS[file]}
    names, ok = [], True
    for raw in cells:
        name = _column_name(raw)
        if not name:
            names.append(None)
            continue
        if name not in known:
            ctx.problem(file, 1, raw.strip(), _("unknown column"))
            names.append(None)
        elif name in names:
            ctx.problem(file, 1, name, _("the column appears twice"))
            names.append(None)
            ok = False
        else:
            names.append(name)
    for column in COLUMNS[file]:
        if column.required and column.name not in names:
            ctx.problem(file, 1, column.name, _("a required column is missing"))
            ok = False
    return names, ok


def _numbered_rows(ctx, file, names, rows, position):
    """(row number, {column: text}) for each non-empty row after the header (row 1).

    `position[0]` is the number of the last row read, for errors raised while reading.
    """
    for cells in rows:
        position[0] += 1
        number = position[0]
        if not any(cells):
            continue
        if len(cells) > len(names) and any(cells[len(names) :]):
            ctx.problem(file, number, "-", _("more cells than columns in the header"))
            continue
        yield number, {n: v for n, v in zip(names, cells, strict=False) if n}


def _import_sheet(ctx, sheet, batch_size, advance=None):
    rows = sheet.open_rows()
    position = [0]  # the last row read; the header is row 1
    applier, names = None, []
    try:
        header = next(rows, None)
        if header is None:
            return {"created": 0, "updated": 0, "unchanged": 0}
        position[0] = 1
        names, ok = _header(sheet.name, header, ctx)
        applier = APPLIERS[sheet.name](ctx, {n for n in names if n})
        if not ok:
            return applier.counts
        if applier.wants_row_count:
            applier.expected_rows = sheet.count_rows()
        batch = []
        for numbered in applier.order(_numbered_rows(ctx, sheet.name, names, rows, position)):
            batch.append(numbered)
            if len(batch) >= batch_size:
                applier.apply(batch)
                batch = []
                reset_queries()
                if advance:
                    advance(position[0])
        if batch:
            applier.apply(batch)
        applier.finish()
        applier.close()
        if advance:
            advance(position[0])
    except (UnicodeDecodeError, NotUTF8) as exc:
        index = getattr(exc, "index", len(names))
        column = (names[index] if index < len(names) else None) or "-"
        ctx.problem(sheet.name, position[0] + 1, column, _("the file is not UTF-8 text"))
    except csv.Error as exc:
        ctx.problem(
            sheet.name, position[0] + 1, "-", _("unreadable CSV: %(error)s") % {"error": exc}
        )
    return applier.counts if applier else {"created": 0, "updated": 0, "unchanged": 0}


def _refresh_report_tallies(record):
    """Keep the report roll-ups equal to a fresh count, inside the import's transaction.

    What changed is read back from this import's own history rows: the people changed and
    the admissions written, and for changed admissions their old unit and date. A person
    this import created has no admission but those it wrote, which are read themselves.
    """
    changes = Change.objects.filter(
        Q(model="pipeline.admission") | Q(model="people.person", action=Change.Action.UPDATE),
        cause=Cause.IMPORT,
        reference=str(record.pk),
    )
    if changes.count() > rollups.REBUILD_ABOVE:
        rollups.rebuild()
        return
    person_ids, admission_ids, old = set(), set(), set()
    for model, object_id, before in changes.values_list("model", "object_id", "before"):
        if model == "people.person":
            person_ids.add(int(object_id))
            continue
        admission_ids.add(int(object_id))
        if before and before.get("unit") and before.get("decision_date"):
            old.add((before["unit"], before["decision_date"]))
    if not person_ids and not admission_ids:
        return
    person_ids.update(
        Admission.objects.filter(pk__in=admission_ids).values_list("person_id", flat=True)
    )
    unit_ids = dict(Unit.objects.filter(code__in={c for c, _ in old}).values_list("code", "id"))
    old_keys = {
        (unit_ids[code], dt.date.fromisoformat(day)) for code, day in old if code in unit_ids
    }
    rollups.refresh_for_people(person_ids, extra_keys=old_keys)


def _memberships_in_force_twice(record):
    """[(national ID, [admission dates of the memberships in force])] for each person this
    import touched who now holds more than one membership in force.

    A person is a member once: a readmission follows a membership that ended. The check
    runs after every file, since the `members` file that ends the earlier membership is
    applied after the `admissions` file that opens the new one. It warns, and does not
    refuse: admissions are facts, and a file of the shared contract alone (without our
    `members`) has no way to say that the earlier membership ended."""
    touched = Membership.objects.filter(
        pk__in=Change.objects.filter(
            model="people.membership", cause=Cause.IMPORT, reference=str(record.pk)
        ).values(number=Cast("object_id", BigIntegerField()))
    ).values("person_id")
    in_force = Membership.objects.filter(
        person_id__in=touched,
        status__in=[Membership.Status.PROBATIONARY, Membership.Status.OFFICIAL],
    )
    twice = in_force.values("person_id").annotate(n=Count("pk")).filter(n__gt=1)
    found = {}
    for national_id, admitted_on in (
        in_force.filter(person_id__in=twice.values("person_id"))
        .order_by("person__national_id", "admitted_on")
        .values_list("person__national_id", "admitted_on")
    ):
        found.setdefault(national_id, []).append(admitted_on)
    return list(found.items())


def _rows_opening(sheets, wanted):
    """{(national ID, date): (file, row number)} of the `admissions` and `members` rows
    that opened or stated the memberships `wanted` names, read again from the files (only
    when a problem is found, so nothing is kept while importing)."""
    located = {}
    for sheet in sheets:
        column_name = {"admissions": "decision_date", "members": "admitted_on"}.get(sheet.name)
        if column_name is None:
            continue
        rows = sheet.open_rows()
        header = next(rows, None) or []
        names = [_column_name(cell) for cell in header]
        if "national_id" not in names or column_name not in names:
            continue
        at_id, at_day = names.index("national_id"), names.index(column_name)
        day_column = next(c for c in COLUMNS[sheet.name] if c.name == column_name)
        for number, cells in enumerate(rows, start=2):
            if max(at_id, at_day) >= len(cells):
                continue
            try:
                day = parse_value(day_column, cells[at_day])
            except RowError:
                continue
            key = (cells[at_id], day)
            if key in wanted and key not in located:
                located[key] = (sheet.name, number)
    return located


def _warn_of_memberships_in_force_twice(ctx, record, sheets):
    twice = _memberships_in_force_twice(record)
    if not twice:
        return
    wanted = {(national_id, day) for national_id, days in twice for day in days}
    located = _rows_opening(sheets, wanted)
    for national_id, days in twice:
        # The row of this import that opened (or stated) the latest of them.
        file, row = next(
            (located[key] for key in ((national_id, d) for d in reversed(days)) if key in located),
            ("members", 1),
        )
        ctx.warning(
            file,
            row,
            "national_id",
            _(
                "%(id)s now holds %(count)d memberships in force (admitted %(days)s): a "
                "person is a member once; record when the earlier one ended (a members row "
                "with its end date and status left)"
            )
            % {
                "id": national_id,
                "count": len(days),
                "days": ", ".join(day.isoformat() for day in days),
            },
        )


# The records whose change moves a dossier's time limits, and the way to their person.
_DUE_FACTS = {
    "people.person": "pk",
    "people.membership": "person_id",
    "pipeline.enrollment": "person_id",
    "pipeline.dossier": "person_id",
    "pipeline.dossierstep": "dossier__person_id",
    "pipeline.admission": "person_id",
    "pipeline.confirmation": "admission__person_id",
    "transfers.transfer": "person_id",
}


def _refresh_dossier_dues(record):
    """Keep the dossiers' stored time limits (`pipeline.dues`) true, inside the import's
    transaction: the people whose facts this import changed, read back from its history
    (a person it created has no dossier but those it wrote, which are read themselves)."""
    changes = Change.objects.filter(
        Q(model__in=set(_DUE_FACTS) - {"people.person"})
        | Q(model="people.person", action=Change.Action.UPDATE),
        cause=Cause.IMPORT,
        reference=str(record.pk),
    )
    if changes.count() > dues.REBUILD_ABOVE:
        dues.rebuild()
        return
    ids_by_model = {}
    for model, object_id in changes.values_list("model", "object_id"):
        ids_by_model.setdefault(model, set()).add(int(object_id))
    person_ids = set()
    for model, ids in ids_by_model.items():
        found = apps.get_model(model).objects.filter(pk__in=ids)
        person_ids.update(found.values_list(_DUE_FACTS[model], flat=True))
    dues.refresh_people(person_ids)


def _progress_counter(progress, sheets):
    """(advance, next_sheet): advance(rows read of this sheet, header included) calls
    progress(rows read of all sheets, their estimated total); next_sheet() moves on."""
    counts = [sheet.count_rows() for sheet in sheets]
    total = sum(counts) if None not in counts else None
    finished, current = [0], [0]

    def advance(rows):
        current[0] = rows
        done = finished[0] + rows
        progress(done, max(total, done) if total is not None else None)

    def next_sheet():
        finished[0] += current[0]
        current[0] = 0

    return advance, next_sheet


def run_import(
    path,
    *,
    user=None,
    dry_run=False,
    scope_user=None,
    source_name=None,
    batch_size=BATCH_SIZE,
    progress=None,
):
    """Import the data set at `path` (folder, .xlsx, .zip or one CSV).

    One transaction: written only if every row of every file is valid and not `dry_run`.
    `scope_user` (web uploads) limits rows to units that user may change; the command
    line passes None. History rows carry cause import and the Import's id as reference.
    `progress(done, total)`, if given, is called after each batch with the rows read so far
    and the rows of all files (total None when it cannot be known beforehand).
    """
    problems, warnings, summary = [], [], {}
    label = source_name or Path(path).name
    import_id = None
    try:
        with open_dataset(path) as (sheets, unknown):
            for name in unknown:
                problems.append(
                    Problem(name, 1, "-", _("unknown file or sheet: expected one of the tables"))
                )
            with transaction.atomic():
                actor = user if getattr(user, "is_authenticated", False) else None
                record = Import.objects.create(actor=actor, source_name=label[:255])
                trace = Trace(user=actor, cause=Cause.IMPORT, reference=str(record.pk))
                ctx = Context(
                    trace=trace, scope_user=scope_user, problems=problems, warnings=warnings
                )
                advance, next_sheet = (
                    _progress_counter(progress, sheets) if progress else (None, None)
                )
                for sheet in sheets:
                    try:
                        with transaction.atomic():
                            summary[sheet.name] = dict(
                                _import_sheet(ctx, sheet, batch_size, advance)
                            )
                        if next_sheet:
                            next_sheet()
                    except DatabaseError as exc:
                        # A rule the checks above missed: report it, write nothing.
                        ctx.problem(
                            sheet.name,
                            1,
                            "-",
                            _("the database refused the data: %(error)s") % {"error": exc},
                        )
                if not problems:
                    _warn_of_memberships_in_force_twice(ctx, record, sheets)
                if problems or dry_run:
                    transaction.set_rollback(True)
                else:
                    if ctx.tree_changed:
                        rollups.rebuild()
                    else:
                        _refresh_report_tallies(record)
                    _refresh_dossier_dues(record)
                    if any(c.get("created") or c.get("updated") for c in summary.values()):
                        # The tables write in bulk, without signals: kept pages go.
                        generation.data_changed()
                    record.summary = summary
                    record.save(update_fields=["summary"])
                    import_id = record.pk
    except DatasetError as exc:
        problems.append(Problem(label, 1, "-", str(exc)))
    order = {name: index for index, name in enumerate(FILES)}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.row))
    warnings.sort(key=lambda p: (order.get(p.file, -1), p.row))
    return Result(
        summary=summary,
        problems=problems,
        dry_run=dry_run,
        import_id=import_id,
        warnings=warnings,
    )
