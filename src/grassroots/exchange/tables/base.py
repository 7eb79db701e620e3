"""The engine every table shares: parse a batch, look up, compare, write, record.

Each table compares rows in the file's own terms (`as_row`: foreign keys as codes), so the
same function serves the importer (what changed?) and the exporter (what to write). History
snapshots use the model's field names with foreign keys as codes.
"""

import dataclasses
import datetime as dt
import decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.history.models import Change
from grassroots.org.models import Unit
from grassroots.people.models import Person

from ..format import COLUMNS, KEYS, parse_row, parse_value
from ..seen import SeenKeys, key_text

WRITE_BATCH = 1000


@dataclasses.dataclass
class Row:
    number: int
    values: dict
    key: tuple = ()
    refs: dict = dataclasses.field(default_factory=dict)
    broken: bool = False  # has bad cells: checked, never written


def add_months(day, months):
    """The same day `months` later (the last day of the month when it does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, dt.date) else value


def people_by_national_id(national_ids, user=None):
    """Persons (a few fields) for these national IDs, in one query.

    With `user` (the uploading user of a web import, `Context.scope_user`) only the people
    that user may see, as the pages and the API look them up: anyone else reads as unknown,
    so that an upload neither probes the register nor files a record about a person out
    of the user's sight."""
    ids = list({n for n in national_ids if n})
    people = Person.objects.all()
    if user is not None:
        people = scope.scoped(user, people, unit_field="unit")
    found = {}
    for start in range(0, len(ids), 2000):
        for person in people.filter(national_id__in=ids[start : start + 2000]).only(
            "id", "national_id", "full_name", "birth_date", "unit_id"
        ):
            found[person.national_id] = person
    return found


class Applier:
    """Check and write the rows of one file, a batch at a time."""

    file = ""
    model = None
    # column → the model field name used in history snapshots
    names = {}
    # columns `resolve` needs: a row with other bad cells still has its references checked
    reference_columns = ()
    # set `expected_rows` (the file's rows, header included, or None) before the first batch
    wants_row_count = False
    expected_rows = None

    def __init__(self, ctx, present):
        self.ctx = ctx
        self.present = present
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        # The keys read so far, to name a key given twice: in a temporary table, so that
        # memory does not grow with the file (`exchange/seen.py`).
        self.seen = SeenKeys(self.file)
        self.defaults = {c.name: parse_value(c, "") for c in COLUMNS[self.file] if not c.required}
        self._validity = {}  # unit id → (valid_from, valid_to), for unit_existed_on

    # --- hooks -------------------------------------------------------------------
    def order(self, numbered_rows):
        """The rows in the order they are applied (default: as read, streaming)."""
        return numbered_rows

    def check(self, row):
        """Checks of one row on its own (no database). Report problems, return ok."""
        return True

    def resolve(self, rows):
        """Look up references for a batch; report problems; return the rows kept."""
        return rows

    def load(self, rows):
        """Existing records of the batch by key."""
        raise NotImplementedError

    def as_row(self, obj):
        raise NotImplementedError

    def assign(self, obj, row, values):
        raise NotImplementedError

    def allow_new(self, row):
        return True

    def allow_existing(self, row, obj):
        return True

    def describe(self, row, obj):
        return " ".join(str(v) for v in row.key)

    def after_write(self, created, updated):
        """Side effects on other records (memberships), with their own history."""

    def finish(self):
        """Work left for the end of the file."""

    # --- the engine ---------------------------------------------------------------
    def error(self, row, column, message):
        self.ctx.problem(self.file, row.number, column, message)

    def warn(self, row, column, message):
        """A row taken in, but not as written: reported, never an error."""
        self.ctx.warning(self.file, row.number, column, message)

    def allowed(self, row, column, action, unit):
        if self.ctx.allowed(action, unit):
            return True
        code = getattr(unit, "code", None)
        if code:
            self.error(row, column, _("unit %(code)s is outside your scope") % {"code": code})
        else:
            self.error(row, column, _("only users of a top unit may import records without a unit"))
        return False

    def snapshot(self, values):
        return {self.names.get(k, k): _plain(v) for k, v in values.items()}

    def apply(self, batch):
        rows, broken, checked = [], [], []  # checked: both, in the batch's order
        batch_keys = {}  # key text → the row of this batch that gave it
        key_columns = KEYS[self.file]
        for number, cells in batch:
            values, errors = parse_row(self.file, self.present, cells)
            row = Row(number, values)
            for column, message in errors:
                self.error(row, column, message)
            if errors or not self.check(row):
                # Its references are still checked, so that every problem is reported
                # (when its key and references could be read at all).
                if all(c in values for c in (*key_columns, *self.reference_columns)):
                    row.broken = True
                    broken.append(row)
                    checked.append(row)
                # And its key, when it could be read: a key given twice is a problem of
                # its own, whatever else is wrong with either row.
                if all(c in values for c in key_columns):
                    row.key = tuple(values[k] for k in key_columns)
                    text = key_text(row.key)
                    if text in batch_keys:
                        self.repeated(row, batch_keys[text].number)
                    else:
                        batch_keys[text] = row
                continue
            row.key = tuple(values[k] for k in key_columns)
            text = key_text(row.key)
            if text in batch_keys:
                self.repeated(row, batch_keys[text].number)
                continue
            batch_keys[text] = row
            rows.append(row)
            checked.append(row)
        # Keys given by an earlier batch, found in the table of the keys seen.
        earlier = self.seen.add({text: row.number for text, row in batch_keys.items()})
        if earlier:
            repeats = {id(batch_keys[text]) for text in earlier}
            for text, first in earlier.items():
                self.repeated(batch_keys[text], first)
            rows = [r for r in rows if id(r) not in repeats]
            checked = [r for r in checked if id(r) not in repeats]
        if broken:
            # Together, in the batch's order: a broken row's references and period are
            # checked against the other rows too; it is never written.
            rows = [r for r in self.resolve(checked) if not r.broken]
        elif rows:
            rows = self.resolve(rows)
        if not rows:
            return
        created, updated = self.apply_rows(rows, self.load(rows))
        self.write(created, updated)

    def repeated(self, row, first):
        """`row` repeats the key of row `first`: both rows are named, each on its line."""
        column = KEYS[self.file][-1]
        key = " + ".join(_plain_text(v) for v in row.key)
        self.ctx.problem(
            self.file,
            first,
            column,
            _("the key %(key)s appears again in row %(row)s") % {"key": key, "row": row.number},
        )
        self.error(
            row,
            column,
            _("the key %(key)s appears more than once in the file (first in row %(row)s)")
            % {"key": key, "row": first},
        )

    def close(self):
        """The file is done: let go of what the applier kept in the database."""
        self.seen.close()

    def apply_rows(self, rows, existing):
        """Split the batch into new and changed records, counting the unchanged ones."""
        created, updated, changed = [], [], []
        for row in rows:
            obj = existing.get(row.key)
            if obj is None:
                if not self.allow_new(row):
                    continue
                after = {**self.defaults, **row.values}
                created.append((row, self.new_record(row, after), None, after))
                continue
            if not self.allow_existing(row, obj):
                continue
            before = self.as_row(obj)
            after = {**before, **row.values}
            if after == before:
                self.counts["unchanged"] += 1
                continue
            changed.append((row, obj, before, after))
        for row, obj, before, after in self.records_to_change(changed):
            self.assign(obj, row, after)
            updated.append((row, obj, before, after))
        return created, updated

    def records_to_change(self, changed):
        """[(row, record, before, after)] of the changed rows, with records `assign` can
        change and `write` save: those `load` gave, unless it gave lighter ones."""
        return changed

    def update_fields(self):
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name not in self.fixed_fields
        ]

    fixed_fields = ()

    def new_record(self, row, after):
        """The unsaved record of a new row (None when `create` writes without one)."""
        obj = self.model()
        self.assign(obj, row, after)
        return obj

    def create(self, created):
        """Write the new rows [(row, record, None, after)]; their history is written by
        `write` unless this returns True (a service's bulk variant wrote it)."""
        self.model.objects.bulk_create([obj for _, obj, _, _ in created], batch_size=WRITE_BATCH)
        return False

    def write(self, created, updated):
        manager = self.model.objects
        new = created
        if created and self.create(created):
            self.counts["created"] += len(created)
            created = []
        if updated:
            manager.bulk_update(
                [obj for _, obj, _, _ in updated], self.update_fields(), batch_size=WRITE_BATCH
            )
        changes = []
        for row, obj, before, after in created + updated:
            changes.append(
                self.ctx.change(
                    obj.pk,
                    self.model,
                    action=Change.Action.CREATE if before is None else Change.Action.UPDATE,
                    before=None if before is None else self.snapshot(before),
                    after=self.snapshot(after),
                    repr_=self.describe(row, obj),
                )
            )
        Change.objects.bulk_create(changes, batch_size=WRITE_BATCH)
        self.counts["created"] += len(created)
        self.counts["updated"] += len(updated)
        self.after_write(new, updated)

    # --- shared lookups ---------------------------------------------------------------
    def resolve_unit(self, row, column, refs, action=None):
        """The unit named in `column` (None when empty); reports unknown and out of scope."""
        code = row.values.get(column)
        if not code:
            if action is not None and not self.allowed(row, column, action, None):
                return False
            row.refs[column] = None
            return True
        ref = refs.get(code)
        if ref is None:
            self.error(row, column, _("unknown unit %(code)s") % {"code": code})
            return False
        if action is not None and not self.allowed(row, column, action, ref):
            return False
        row.refs[column] = ref
        return True

    def unit_lives(self, unit_ids):
        """{unit id: (valid_from, valid_to)} of these units, read once per import (one
        query for those not read yet)."""
        missing = {pk for pk in unit_ids if pk is not None and pk not in self._validity}
        if missing:
            for pk, first, last in Unit.objects.filter(pk__in=missing).values_list(
                "pk", "valid_from", "valid_to"
            ):
                self._validity[pk] = (first, last)
        return self._validity

    def unit_existed_on(self, row, column, day):
        """Did the unit `column` names exist on `day`? Else the row is named: a fact
        counts where its unit stood on the fact's date (restructuring contract). A unit
        created by this import is valid from its default start; an empty cell passes."""
        ref = row.refs.get(column)
        if ref is None or ref.id is None or day is None:
            return True
        first, last = self.unit_lives([ref.id])[ref.id]
        if first <= day and (last is None or day <= last):
            return True
        self.error(
            row,
            column,
            _("%(code)s did not exist on %(day)s (valid %(first)s to %(last)s)")
            % {
                "code": ref.code,
                "day": day.isoformat(),
                "first": first.isoformat(),
                "last": last.isoformat() if last else "…",
            },
        )
        return False

    def refuse_ended_units(self, rows, column="unit_code"):
        """The rows whose unit still exists today; the others are named: a merge or a split
        passed whoever belonged to an ended unit to its successor, and a unit is closed
        only when nobody belongs to it, so a row that puts a person there again (an old
        file imported anew) is wrong."""
        ids = {r.refs[column].id for r in rows if r.refs.get(column) is not None}
        if not ids:
            return rows
        ended = dict(
            Unit.objects.filter(pk__in=ids, valid_to__lt=timezone.localdate()).values_list(
                "id", "valid_to"
            )
        )
        if not ended:
            return rows
        kept = []
        for row in rows:
            ref = row.refs.get(column)
            if ref is not None and ref.id in ended:
                self.error(
                    row,
                    column,
                    _(
                        "unit %(code)s ended on %(date)s: whoever belonged to it passed to "
                        "its successor"
                    )
                    % {"code": ref.code, "date": ended[ref.id].isoformat()},
                )
                continue
            kept.append(row)
        return kept

    def resolve_person(self, row, people, column="national_id"):
        person = people.get(row.values[column])
        if person is None:
            self.error(
                row,
                column,
                _("unknown person %(id)s (not in the register nor in people)")
                % {"id": row.values[column]},
            )
            return False
        row.refs["person"] = person
        return True


def _plain_text(value):
    return value.isoformat() if isinstance(value, dt.date) else str(value)
