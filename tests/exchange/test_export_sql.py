"""The full CSV export's cells written by the database are byte for byte those written from
the records in Python: the formula rule (`sheets.escape`, `sheets.escaped_in_sql`), quotes,
line breaks, empty values, Vietnamese text, dates and yes/no cannot drift apart."""

import io

import pytest
from django.db.models import Value

from grassroots import sheets
from grassroots.exchange import exporter
from grassroots.exchange.format import COLUMNS
from grassroots.org.models import Unit
from grassroots.people.models import Membership, Person
from grassroots.pipeline.models import Admission, Dossier, Enrollment, Source
from grassroots.transfers.models import Transfer

from .helpers import STORY, imported, write

TRICKY = [
    "",
    "=1+1",
    "+84 90",
    "-3",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "'",
    "''",
    "'=x",
    "''=x",
    "'a",
    "a=b",
    'say "hi", then',
    "two\nlines\r\nand more",
    "Nguyễn Thị Ánh Tuyết",
    '=HYPERLINK("http://x";"Trương")',
    " =leading space",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_database_escapes_a_text_as_sheets_escape_does(town, text):
    found = Unit.objects.annotate(cell=sheets.escaped_in_sql(Value(text)))
    assert found.values_list("cell", flat=True)[:1].get() == sheets.escape(text)


def _through_records(name):
    """The file as written before the database wrote its cells: each record through the
    applier's `as_row`, each cell through `sheets.csv_cells`."""
    applier = exporter.APPLIERS[name]
    rows = (
        [
            values[c.name] if c.kind in exporter.TYPED else exporter.export_text(values[c.name])
            for c in COLUMNS[name]
        ]
        for values in (applier.as_row(applier, obj) for obj in exporter.QUERIES[name](None))
    )
    handle = io.StringIO(newline="")
    sheets.write_csv(handle, exporter.header(name), rows)
    return handle.getvalue()


def _plant(texts):
    """Every text column of the PLAIN files gets tricky values (the database takes what
    no form would: the writer must cope with anything)."""
    model = Person.objects.order_by("pk").first()
    copies = []
    for n in range(len(texts)):
        model.pk, model.national_id = None, f"0791999{n:05d}"
        copies.append(Person(**{f.attname: getattr(model, f.attname) for f in Person._meta.fields}))
    Person.objects.bulk_create(copies)
    for n, person in enumerate(Person.objects.order_by("pk")):
        text = texts[n % len(texts)]
        Person.objects.filter(pk=person.pk).update(
            full_name=text or "x",
            job_title=texts[(n + 1) % len(texts)],
            religion=texts[(n + 2) % len(texts)],
            ethnicity=texts[(n + 3) % len(texts)],
        )
    Source.objects.update(note="=cmd|' /C calc'!A0", nominated_by="'+x")
    Enrollment.objects.update(certificate_no="-1")
    Dossier.objects.update(closed_reason='quote " and\nbreak')
    Admission.objects.update(decision_no="@QD-1")
    Transfer.objects.update(destination="\tTrường Đại học", note="a,b", letter_no="")
    Membership.objects.filter(pk__in=Membership.objects.order_by("pk")[:1]).update(readmission=True)


def test_the_csv_written_by_the_database_is_the_csv_written_from_the_records(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    Person.objects.filter(national_id="079100000002").update(unit=None)
    _plant(TRICKY)
    exporter.write_csv_folder(tmp_path / "out", only=list(exporter.PLAIN))
    for name in exporter.PLAIN:
        assert exporter._csv_cells_query(name, exporter.QUERIES[name](None)) is not None
        written = (tmp_path / "out" / f"{name}.csv").read_bytes()
        assert written == _through_records(name).encode(), name
        assert written.count(b"\n") >= 2 or name == "dossiers", name
    people = (tmp_path / "out" / "people.csv").read_text(encoding="utf-8")
    assert "'=1+1" in people and "Nguyễn Thị Ánh Tuyết" in people and ",yes," in people


def test_progress_counts_the_rows_the_database_writes(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    seen = []
    counts = exporter.write_csv_folder(
        tmp_path / "out", only=["people", "admissions"], progress=lambda d, t: seen.append((d, t))
    )
    total = counts["people"] + counts["admissions"] + 2
    assert seen[-1] == (total, total)
