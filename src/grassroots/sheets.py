"""Writing tables to CSV and Excel: the one place every export, report workbook and the
template go through (it sits outside the apps so that every layer may use it).

- Typed cells in Excel: dates are real dates with a date format, numbers are numbers,
  everything else is text (stored as a string, never a formula), and the pane is frozen
  under the header (A2).
- Formula injection (OWASP "CSV injection"): a text that begins with `=`, `+`, `-`, `@`, a
  tab or a carriage return would be evaluated by a spreadsheet. In CSV it is written with a
  leading apostrophe; in Excel it is stored as a string with the cell's quote prefix (the
  apostrophe Excel itself shows), so its value is unchanged. The reader drops the
  apostrophe again (`unescape`), so an export imports back to the same text. A text that
  already begins with an apostrophe followed by one of those characters, or by a second
  apostrophe, gets one more, so that reading it back is exact. `escaped_in_sql` is the
  same rule as an SQL expression, built from the same characters, for the full CSV
  export (tests/exchange/test_export_sql.py proves both write the same bytes).
"""

import csv
import datetime as dt
import decimal
import io

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


# A text cell needs a look only when it begins with one of these (DANGEROUS or "'").
_FIRST = frozenset((*DANGEROUS, "'"))


def dangerous(text):
    """Would a spreadsheet evaluate this text?"""
    return bool(text) and text[0] in DANGEROUS


def needs_quote(text):
    """Does this text take a leading apostrophe in CSV?"""
    if dangerous(text):
        return True
    return text[:1] == "'" and len(text) > 1 and (text[1] in DANGEROUS or text[1] == "'")


def escape(text):
    """Text as written to a CSV cell: a leading apostrophe where a spreadsheet would
    evaluate it."""
    return "'" + text if needs_quote(text) else text


def escaped_in_sql(expression):
    """`escape` as an SQL expression (Django's; any database) of a text `expression`:
    the database escapes the cells of the full CSV export. NULL stays NULL."""
    from django.db.models import Case, CharField, Q, Value, When
    from django.db.models.functions import Concat, Ord, Substr
    from django.db.models.lookups import Exact, In

    first, second = Substr(expression, 1, 1), Substr(expression, 2, 1)
    quoted = Q(In(first, DANGEROUS)) | Q(Exact(first, "'"), In(second, (*DANGEROUS, "'")))
    escaped = Case(
        When(quoted, then=Concat(Value("'"), expression, output_field=CharField())),
        default=expression,
        output_field=CharField(),
    )
    # Most texts begin harmlessly: one look at their first character's code, which costs
    # the database a third of a substring (as `csv_cells`).
    gate = In(Ord(expression), sorted(ord(c) for c in _FIRST))
    return Case(When(gate, then=escaped), default=expression, output_field=CharField())


def unescape(text):
    """The reader's inverse of `escape`."""
    if text.startswith("'") and len(text) > 1 and (text[1] in DANGEROUS or text[1] == "'"):
        return text[1:]
    return text


def text_of(value):
    """A value as the format writes it in text (ISO dates, yes/no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv_cell(value):
    if value.__class__ is dt.date:
        return value.isoformat()  # begins with a digit: nothing to escape
    return escape(text_of(value))


def csv_cells(cells):
    """Cells as written to CSV: texts escaped, other values as the format writes them.
    (The common case, a text that begins harmlessly, costs one look at its first
    character: the full exports write millions of cells.)"""
    return [
        c if c.__class__ is str and (not c or c[0] not in _FIRST) else _csv_cell(c) for c in cells
    ]


def csv_writer(handle):
    """A CSV writer whose `writerow` escapes every text cell."""
    writer = csv.writer(handle)

    class Writer:
        def writerow(self, cells):
            writer.writerow(csv_cells(cells))

    return Writer()


def _is_number(value):
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def xlsx_cell(sheet, value):
    """One typed cell for a write-only sheet."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if _is_number(value) or value is None or value == "":
        return WriteOnlyCell(sheet, value=value if value != "" else None)
    text = text_of(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever it begins with
    if dangerous(text):
        cell.quotePrefix = True
    return cell


def make_safe(workbook):
    """An ordinary (not write-only) workbook built with `append`: every text cell becomes a
    string, never a formula, with the quote prefix where a spreadsheet would evaluate it.
    Call it just before saving."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if dangerous(cell.value):
                        cell.quotePrefix = True
    return workbook


def xlsx_sheet(workbook, title, header):
    """A write-only sheet with its header row and the pane frozen under it."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    cells = []
    for name in header:
        cell = xlsx_cell(sheet, name)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    return sheet


def xlsx_append(sheet, values):
    sheet.append([xlsx_cell(sheet, v) for v in values])


def write_csv(handle, header, rows):
    """Header and rows (typed values) to an open text handle; returns the number of rows."""
    writer = csv.writer(handle)
    writer.writerow(csv_cells(header))
    writerows = writer.writerows
    count = 0
    batch = []
    for values in rows:
        batch.append(csv_cells(values))
        if len(batch) == 1000:
            writerows(batch)
            count += len(batch)
            batch = []
    writerows(batch)
    return count + len(batch)


def write_csv_batches(handle, header, batches):
    """Header, then batches of rows whose cells are already as CSV writes them (texts
    escaped by the database: `escaped_in_sql`), to an open text handle; returns the
    number of rows."""
    writer = csv.writer(handle)
    writer.writerow(csv_cells(header))
    count = 0
    for batch in batches:
        writer.writerows(batch)
        count += len(batch)
    return count


def csv_chunks(header, rows, *, prefix="", size=1000):
    """The CSV text of header and rows in pieces of `size` rows, for a streamed response:
    memory does not grow with the number of rows."""
    buffer = io.StringIO()
    buffer.write(prefix)
    writer = csv.writer(buffer)
    writer.writerow(csv_cells(header))
    pending = 0
    for values in rows:
        writer.writerow(csv_cells(values))
        pending += 1
        if pending == size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


# Excel's limit is 1,048,576 rows a sheet: the header and this many records.
SHEET_ROWS = 1_048_575


def continuation_title(title, number):
    """The name of the number-th sheet of a table too long for one: `people (2)`, …"""
    return f"{title} ({number})"


def xlsx_table(workbook, title, header, rows, *, tick=None):
    """The rows under a header on a write-only sheet `title`, continued on sheets
    `title (2)`, `title (3)`, … (each with the header) beyond SHEET_ROWS records; the
    importer reads them as one table. `tick()`, if given, after each record. Returns the
    number of records."""
    sheet = xlsx_sheet(workbook, title, header)
    count, on_sheet, number = 0, 0, 1
    for values in rows:
        if on_sheet == SHEET_ROWS:
            number += 1
            sheet = xlsx_sheet(workbook, continuation_title(title, number), header)
            on_sheet = 0
        xlsx_append(sheet, values)
        count += 1
        on_sheet += 1
        if tick is not None:
            tick()
    return count


def write_xlsx(target, sheets):
    """A workbook from [(title, header, rows)]; `target` a path or a binary handle."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        xlsx_table(workbook, title, header, rows)
    workbook.save(target)
