"""A synthetic organisation of any size, streamed straight into the database.

`generate` writes a root and a balanced tree of units to the given depth, people spread
over the lowest two levels (cells and groups), an admission with its membership for about
a tenth of them (decision dates 2019–2025) with the dossier that led to it (opened 60–300
days before the decision), open dossiers that never led to an admission for some of the
others (so that the forecast's back-test has a pipeline to replay), and the reports'
tallies. It bypasses the
services on purpose, like a bulk import: rows go in batches (`executemany` on SQLite,
`COPY` on PostgreSQL) with ids allocated here, treebeard paths computed here (steplen 4,
alphabet 0-9A-Z), and memory bounded by the number of units, not of people. One summary
history row records the run.

It refuses a database that already holds units unless `append=True`; appended trees get
their own root, codes and national IDs (both carry the seed), so two runs with different
seeds never collide.
"""

import dataclasses
import datetime as dt
import functools
import random
import time

from django.core.management.color import no_style
from django.db import connection, transaction

from grassroots.history.models import Cause, Change
from grassroots.org.models import OPEN_END, Cluster, Sector, Unit, UnitAncestry, UnitVersion
from grassroots.people.models import Education, Membership, Person
from grassroots.pipeline import dues
from grassroots.pipeline.models import Admission, Dossier
from grassroots.reports import rollups
from grassroots.vietnamese import fold, name_sort_key

from . import names
from .occupations import group_of

BATCH = 10_000
ALPHABET = Unit.alphabet
STEPLEN = Unit.steplen
FIRST_DECISION = dt.date(2019, 1, 1)
LAST_DECISION = dt.date(2025, 12, 31)
SECTOR_NAMES = ("Education", "Enterprises", "Health", "Armed forces", "Administration")
CLUSTERS = 12
EDUCATION_LEVELS = [
    Education.PRIMARY,
    Education.LOWER_SECONDARY,
    Education.UPPER_SECONDARY,
    Education.UPPER_SECONDARY,
    Education.VOCATIONAL,
    Education.COLLEGE,
    Education.UNIVERSITY,
    Education.UNIVERSITY,
    Education.MASTER,
]
JOB_TITLES = ["Công nhân", "Nông dân", "Giáo viên", "Công chức", "Học sinh", "Kỹ sư", "Buôn bán"]


class GenerateError(Exception):
    pass


@dataclasses.dataclass
class Result:
    units: int = 0
    people: int = 0
    admissions: int = 0
    tallies: int = 0
    timings: dict = dataclasses.field(default_factory=dict)


def encode(number):
    """Treebeard's step for the `number`-th child (1-based): 4 base-36 digits."""
    digits = []
    for _ in range(STEPLEN):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    if number:
        raise GenerateError("more children under one unit than a path step can number")
    return "".join(reversed(digits))


def level_sizes(units, depth):
    """How many units each level holds: a root, then full levels with a common branching
    factor, the last level taking what is left."""
    if units < 1 or depth < 1:
        raise GenerateError("need at least one unit and a depth of at least 1")
    if depth == 1:
        if units != 1:
            raise GenerateError("a depth of 1 holds only the root")
        return [1]
    branching = 1
    while sum(branching**level for level in range(depth)) < units:
        branching += 1
    sizes, remaining = [], units
    for level in range(depth):
        size = min(branching**level, remaining)
        if size == 0:
            break
        sizes.append(size)
        remaining -= size
    return sizes


def _spread(total, parents):
    """Split `total` children over `parents` as evenly as possible."""
    base, extra = divmod(total, parents)
    return [base + (1 if index < extra else 0) for index in range(parents)]


def _next_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
        return (cursor.fetchone()[0] or 0) + 1


class _Writer:
    """Rows into one table in batches: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, model, columns, *, auto_flush=True, after=None):
        self.model = model
        self.auto_flush = auto_flush
        # A writer whose rows these rows refer to: flushed first, so that a foreign key
        # never points at a row still waiting in its buffer (PostgreSQL checks at COPY).
        self.after = after
        self.columns = columns
        defaults = {}
        for field in model._meta.concrete_fields:
            if field.column not in columns:
                defaults[field.column] = field.get_db_prep_save(field.get_default(), connection)
        self.all_columns = list(columns) + list(defaults)
        self.tail = tuple(defaults.values())
        self.rows = []
        self.count = 0

    def add(self, row):
        self.rows.append(tuple(row) + self.tail)
        if self.auto_flush and len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        if self.after is not None:
            self.after.flush()
        table = connection.ops.quote_name(self.model._meta.db_table)
        names_sql = ", ".join(connection.ops.quote_name(c) for c in self.all_columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names_sql}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.all_columns))
                cursor.executemany(f"INSERT INTO {table} ({names_sql}) VALUES ({marks})", self.rows)
        self.count += len(self.rows)
        self.rows = []


@functools.lru_cache(maxsize=100_000)
def _derived(full_name):
    return fold(full_name), name_sort_key(full_name)[:400]


def generate(*, units, people, seed, depth=6, append=False, admission_share=0.1, log=None):
    """Write the synthetic organisation; returns a Result with counts and timings."""
    log = log or (lambda message: None)
    if not append and Unit.objects.exists():
        raise GenerateError("the database already holds units: use --append to add a tree")
    root_code = f"G{seed}"
    if Unit.objects.filter(code=root_code).exists():
        raise GenerateError(f"a generated tree with seed {seed} is already there ({root_code})")
    sizes = level_sizes(units, depth)
    rng = random.Random(seed)
    result = Result()
    started = time.monotonic()

    def lap(name):
        result.timings[name] = time.monotonic() - started - sum(result.timings.values())
        log(f"{name}: {result.timings[name]:.1f} s")

    with transaction.atomic():
        # On PostgreSQL, check foreign keys row by row rather than queueing millions of
        # checks for the commit; the writers send parents before children.
        _constraints("IMMEDIATE")
        try:
            leaves, root_path = _write_units(sizes, root_code, result)
            lap("units")
            _write_people(leaves, people, seed, rng, admission_share, result)
            lap("people and admissions")
        finally:
            _constraints("DEFERRED")
        result.tallies = _write_tallies()
        lap("tallies")
        dues.rebuild()  # the dossiers written in bulk above (pipeline.dues)
        lap("dossiers' time limits")
        Change.objects.create(
            cause=Cause.COMMAND,
            reference="generate",
            action=Change.Action.CREATE,
            model="org.unit",
            object_id="*",
            object_repr=f"generated tree {root_code}: {result.units} units, {result.people} people",
            after={
                "units": result.units,
                "people": result.people,
                "admissions": result.admissions,
                "seed": seed,
                "depth": len(sizes),
            },
            reason="synthetic organisation (one summary row per run)",
        )
        _reset_sequences()
    _analyze()
    lap("analyze")
    return result


def _constraints(mode):
    """SET CONSTRAINTS on PostgreSQL (Django's foreign keys are deferrable); else nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {mode}")


def _kind(level, depth):
    if depth >= 3 and level == depth:
        return "group"
    if depth >= 2 and level >= depth - 1 and level > 1:
        return "cell"
    return "committee"


def _write_units(sizes, root_code, result):
    """Stream the tree level by level; returns (ids of cells and groups, root path)."""
    depth = len(sizes)
    sectors = [Sector.objects.get_or_create(name=name)[0].pk for name in SECTOR_NAMES]
    clusters = [
        Cluster.objects.get_or_create(name=f"{root_code} cụm {n}")[0].pk
        for n in range(1, CLUSTERS + 1)
    ]
    last_root = Unit.get_last_root_node()
    root_step = (int(last_root.path[:STEPLEN], 36) + 1) if last_root else 1
    root_path = encode(root_step)
    columns = [
        "id", "path", "depth", "numchild", "code", "name", "kind", "cluster_id", "sector_id",
        "effective_cluster_id", "effective_sector_id", "valid_from", "valid_to",
    ]  # fmt: skip
    writer = _Writer(Unit, columns)
    # The tree over time (org.timeline): one version per unit, and its ancestry rows; the
    # bulk variant of org.services.units_added, written as the units stream by.
    versions = _Writer(
        UnitVersion,
        ["id", "unit_id", "parent_id", "name", "valid_from", "valid_to"],
        after=writer,
    )
    ancestry = _Writer(
        UnitAncestry,
        ["id", "unit_id", "ancestor_id", "distance", "valid_from", "valid_to"],
        after=writer,
    )
    next_id = _next_id(Unit)
    version_id, ancestry_id = _next_id(UnitVersion), _next_id(UnitAncestry)
    valid_from = dt.date(1975, 3, 29)
    serial = 0
    # The level above: (id, path, effective cluster, effective sector, ids from the root)
    # and child counts.
    parents, counts = [(None, "", None, None, ())], [1]
    leaves = []
    for level, size in enumerate(sizes, start=1):
        below = sizes[level] if level < depth else 0
        children_of = _spread(below, size) if below else [0] * size
        kind = _kind(level, depth)
        current = []
        index = 0
        for (parent_id, parent_path, up_cluster, up_sector, chain), count in zip(
            parents, counts, strict=True
        ):
            for number in range(1, count + 1):
                path = root_path if level == 1 else parent_path + encode(number)
                code = root_code if level == 1 else f"{root_code}-{serial:07d}"
                serial += 1
                cluster = clusters[index % CLUSTERS] if level == 3 else None
                sector = sectors[index % 6] if kind == "cell" and index % 6 < 5 else None
                eff_cluster, eff_sector = cluster or up_cluster, sector or up_sector
                name = {"committee": "Đảng bộ", "cell": "Chi bộ", "group": "Tổ đảng"}[kind]
                writer.add(
                    (
                        next_id, path, level, children_of[index], code, f"{name} {code}", kind,
                        cluster, sector, eff_cluster, eff_sector, valid_from, None,
                    )
                )  # fmt: skip
                versions.add(
                    (version_id, next_id, parent_id, f"{name} {code}", valid_from, OPEN_END)
                )
                version_id += 1
                lineage = (*chain, next_id)
                for distance, ancestor in enumerate(reversed(lineage)):
                    ancestry.add((ancestry_id, next_id, ancestor, distance, valid_from, OPEN_END))
                    ancestry_id += 1
                if level < depth:
                    current.append((next_id, path, eff_cluster, eff_sector, lineage))
                if kind != "committee" or depth == 1:
                    leaves.append(next_id)
                next_id += 1
                index += 1
        parents, counts = current, children_of
    writer.flush()
    versions.flush()
    ancestry.flush()
    result.units = writer.count
    return leaves, root_path


def _write_people(leaves, total, seed, rng, share, result):
    person_writer = _Writer(
        Person,
        ["id", "national_id", "full_name", "gender", "birth_date", "education", "occupation",
         "job_title", "unit_id", "search_text", "sort_key", "ethnic_minority", "religion"],
        auto_flush=False,
    )  # fmt: skip
    membership_writer = _Writer(
        Membership,
        ["id", "person_id", "unit_id", "status", "admitted_on", "ceremony_date",
         "probation_ends_on", "official_since", "readmission"],
        auto_flush=False,
    )  # fmt: skip
    dossier_writer = _Writer(
        Dossier, ["id", "person_id", "unit_id", "opened_on", "status"], auto_flush=False
    )
    admission_writer = _Writer(
        Admission,
        ["id", "person_id", "unit_id", "decision_date", "decision_no", "ceremony_date",
         "readmission", "membership_id", "needs_review", "education", "occupation",
         "dossier_id"],
        auto_flush=False,
    )  # fmt: skip
    # The dossiers draw from their own generator, so the rest is what it was before them.
    dossier_rng = random.Random(seed * 7919 + 1)
    dossier_id = _next_id(Dossier)
    person_id = _next_id(Person)
    membership_id = _next_id(Membership)
    admission_id = _next_id(Admission)
    span = (LAST_DECISION - FIRST_DECISION).days
    today = dt.date(2026, 1, 1)
    prefix = f"G{seed % 1000:03d}"
    for index in range(total):
        unit_id = leaves[index * len(leaves) // total] if leaves else None
        gender = "female" if rng.random() < 0.5 else "male"
        full_name = names.full_name(rng, gender)
        folded, key = _derived(full_name)
        national_id = f"{prefix}{index:09d}"
        admitted = rng.random() < share
        if admitted:
            decision = FIRST_DECISION + dt.timedelta(days=rng.randint(0, span))
            age_days = rng.randint(19 * 365, 45 * 365)
            birth = decision - dt.timedelta(days=age_days)
        else:
            birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randint(0, 63 * 365))
        minority = rng.random() < 0.02
        religion = "Phật giáo" if rng.random() < 0.05 else ""
        education, job_title = rng.choice(EDUCATION_LEVELS), rng.choice(JOB_TITLES)
        occupation = group_of(job_title)
        person_writer.add(
            (
                person_id, national_id, full_name, gender, birth, education,
                occupation, job_title, unit_id, f"{folded} {national_id.lower()}"[:240], key,
                minority, religion,
            )
        )  # fmt: skip
        if unit_id is not None and not admitted and dossier_rng.random() < share * 0.4:
            opened = FIRST_DECISION + dt.timedelta(days=dossier_rng.randint(-300, span))
            dossier_writer.add((dossier_id, person_id, unit_id, opened, "open"))
            dossier_id += 1
        if admitted and unit_id is not None:
            opened = decision - dt.timedelta(days=dossier_rng.randint(60, 300))
            dossier_writer.add((dossier_id, person_id, unit_id, opened, "admitted"))
            ceremony = decision + dt.timedelta(days=rng.randint(7, 35))
            probation_end = ceremony + dt.timedelta(days=365)
            official = probation_end + dt.timedelta(days=40) < today
            membership_writer.add(
                (
                    membership_id, person_id, unit_id,
                    "official" if official else "probationary", decision, ceremony,
                    probation_end, probation_end if official else None, False,
                )
            )  # fmt: skip
            admission_writer.add(
                (
                    admission_id,
                    person_id,
                    unit_id,
                    decision,
                    "",
                    ceremony,
                    False,
                    membership_id,
                    False,
                    education,
                    occupation,
                    dossier_id,
                )
            )
            dossier_id += 1
            membership_id += 1
            admission_id += 1
        person_id += 1
        if len(person_writer.rows) >= BATCH:
            _flush(person_writer, membership_writer, dossier_writer, admission_writer)
    _flush(person_writer, membership_writer, dossier_writer, admission_writer)
    result.people = person_writer.count
    result.admissions = admission_writer.count


def _flush(*writers):
    """People, then memberships, then admissions: parents reach the database first."""
    for writer in writers:
        writer.flush()


def _write_tallies():
    """The reports' roll-ups, recomputed in SQL (the bulk variant of what the admission
    service's announcement does for one admission)."""
    return rollups.rebuild()


def _reset_sequences():
    """Ids were allocated here: move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Unit, UnitVersion, UnitAncestry, Person, Membership, Dossier, Admission]
    )
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
