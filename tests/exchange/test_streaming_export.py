"""The full export at national scale: the people file read as plain values gives the same
cells as through the records, a table longer than a sheet continues on `people (2)` and
imports back as one table, and a list page's CSV is streamed."""

from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from grassroots import sheets
from grassroots.exchange import exporter, reader
from grassroots.exchange.format import COLUMNS
from grassroots.people.models import Person

from .helpers import STORY, imported, write
from .test_round_trip import _empty_database


def _through_records(name):
    applier = exporter.APPLIERS[name]
    found = exporter.QUERIES[name](None)
    return [
        [
            values[c.name] if c.kind in exporter.TYPED else exporter.export_text(values[c.name])
            for c in COLUMNS[name]
        ]
        for values in (applier.as_row(applier, obj) for obj in found)
    ]


def test_people_read_as_plain_values_give_the_cells_of_their_records(town, tmp_path):
    people = STORY["people"].replace("Trương Văn Minh", "=HYPERLINK(1)")
    imported(write(tmp_path / "story", **{**STORY, "people": people}))
    Person.objects.filter(national_id="079100000002").update(unit=None, job_title="")
    plain = list(exporter.typed_rows("people"))
    assert len(plain) == Person.objects.count() > 3
    assert plain == _through_records("people")


def test_a_table_longer_than_a_sheet_continues_and_imports_back(town, tmp_path, monkeypatch):
    imported(write(tmp_path / "story", **STORY))
    count = Person.objects.count()
    monkeypatch.setattr(sheets, "SHEET_ROWS", 2)
    exporter.write_xlsx(tmp_path / "all.xlsx")
    book = load_workbook(tmp_path / "all.xlsx", read_only=True)
    pages = [t for t in book.sheetnames if t == "people" or t.startswith("people (")]
    assert pages == ["people", *(f"people ({n})" for n in range(2, (count + 1) // 2 + 1))]
    for title in pages:  # each with the header, at most two records
        rows = list(book[title].iter_rows(values_only=True))
        assert rows[0][0] == "national_id" and 2 <= len(rows) <= 3
    book.close()
    with reader.open_dataset(tmp_path / "all.xlsx") as (found, unknown):
        assert unknown == []
        people = next(s for s in found if s.name == "people")
        rows = list(people.open_rows())
        assert len(rows) == count + 1 and rows[0][0] == "national_id"
        assert people.count_rows() == count + 1
    before = sorted(exporter.rows("people"))
    _empty_database()
    imported(tmp_path / "all.xlsx")
    assert sorted(exporter.rows("people")) == before


def test_a_continuation_without_its_first_sheet_is_not_read(town, tmp_path):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheets.xlsx_table(book, "people (2)", exporter.header("people"), [])
    book.save(tmp_path / "orphan.xlsx")
    with reader.open_dataset(tmp_path / "orphan.xlsx") as (found, unknown):
        assert found == [] and unknown == ["people (2)"]


def test_the_people_list_csv_is_streamed(client_for):
    response = client_for("admin").get(reverse("people:export"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffnational_id,full_name,")
    assert response["Cache-Control"] == "private, no-store"


def test_csv_cells_write_each_kind_of_value_as_the_format_does():
    import datetime as dt
    from decimal import Decimal

    cells = ["=1+1", "'=x", "Nguyễn", "", None, dt.date(2025, 1, 2), True, 3, Decimal("4.5")]
    assert sheets.csv_cells(cells) == [
        "'=1+1",
        "''=x",
        "Nguyễn",
        "",
        "",
        "2025-01-02",
        "yes",
        "3",
        "4.5",
    ]
    assert sheets.csv_cells(cells) == [sheets.escape(sheets.text_of(c)) for c in cells]
