"""The subject export as a workbook: one sheet per record type, one row per record."""

import io
import json

from openpyxl import Workbook

from grassroots import sheets

SHEETS = (
    "memberships",
    "sources",
    "enrolments",
    "dossiers",
    "dossier_steps",
    "admissions",
    "confirmations",
    "transfers",
    "history",
    "accesses",
)


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _sheet(book, title, rows):
    sheet = book.create_sheet(title[:31])
    columns = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(row.get(key)) for key in columns])


def as_xlsx(data):
    """`people.selectors.everything_about` data as .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "person", [data["person"]])
    for key in SHEETS:
        _sheet(book, key, data[key])
    _sheet(
        book,
        "outside_your_scope",
        [{"record_type": key, "count": n} for key, n in data["outside_your_scope"].items()],
    )
    sheets.make_safe(book)  # a name like "=1+1" stays text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
