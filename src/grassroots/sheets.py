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
  apostrophe, gets one more, so that reading it back is exact.
"""

import csv
import datetime as dt
import decimal

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


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


def csv_writer(handle):
    """A CSV writer whose `writerow` escapes every text cell."""
    writer = csv.writer(handle)

    class Writer:
        def writerow(self, cells):
            writer.writerow([escape(text_of(c)) for c in cells])

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
    writer = csv_writer(handle)
    writer.writerow(header)
    count = 0
    for values in rows:
        writer.writerow(values)
        count += 1
    return count


def write_xlsx(target, sheets):
    """A workbook from [(title, header, rows)]; `target` a path or a binary handle."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = xlsx_sheet(workbook, title, header)
        for values in rows:
            xlsx_append(sheet, values)
    workbook.save(target)
