"""Writing report rows out: CSV, JSON and a plain-text table for the command line, an
Excel workbook with the filters on the sheet, and PDF through WeasyPrint.

Rows are dicts keyed by the report's columns; None is an empty cell, Decimal a percentage.
"""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

from django.utils.translation import gettext as _

from grassroots import sheets


def cell_text(value):
    if value is None:
        return ""
    return str(value)


def _csv_cell(value):
    return sheets.escape(value) if isinstance(value, str) else cell_text(value)


def to_csv(rows, columns):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        # A text (a unit's name) that a spreadsheet would evaluate gets an apostrophe.
        writer.writerow([_csv_cell(row[c]) for c in columns])
    return out.getvalue()


def _json_value(value):
    """Numbers as numbers, an empty cell (None or '', e.g. a cluster row's unit_code) as null."""
    if isinstance(value, Decimal):
        return float(value)
    if value == "":
        return None
    return value


def to_json(rows, columns):
    data = [{c: _json_value(row[c]) for c in columns} for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_table(rows, columns):
    """Aligned columns for a terminal: numbers right, text left, empty as '–'."""
    cells = [[cell_text(row[c]) or "–" for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [
        all(row[c] is None or isinstance(row[c], int | Decimal) for row in rows) for c in columns
    ]

    def line(values):
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


def to_xlsx(rows, columns, *, title, filters, headers=None):
    """An .xlsx workbook (bytes): the title and filters written above a formatted table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in filters:
        sheet.append([label, cell_text(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    header_row = sheet.max_row + 1
    headers = [str(h) for h in headers] if headers else list(columns)
    sheet.append(headers)
    fill = PatternFill("solid", fgColor="DDE3EA")
    for index in range(1, len(columns) + 1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in (row[c] for c in columns)])
        for index, column in enumerate(columns, start=1):
            if column.endswith("_pct"):
                sheet.cell(row=sheet.max_row, column=index).number_format = "0.0"
    for index, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
        width = max(len(str(h)) for h in [header, *(cell_text(r[column]) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheets.make_safe(book)  # a unit named "=1+1" stays text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Only files under these folders may be read while rendering a PDF: nothing from outside.
LOCAL_FONT_DIRS = ("/usr/share/fonts/", "/usr/local/share/fonts/")


def check_local(url):
    """Raise ValueError unless `url` is data: or a local font file."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return
    if parsed.scheme == "file" and any(
        str(Path(parsed.path).resolve()).startswith(d) for d in LOCAL_FONT_DIRS
    ):
        return
    raise ValueError(f"refusing to fetch {url}: reports use local resources only")


def local_only_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL but data: and local font files."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint ≥ 68: fetchers are classes
    except ImportError:
        from weasyprint import default_url_fetcher

        def fetch(url, timeout=10, ssl_context=None):
            check_local(url)
            return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

        return fetch

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            check_local(url)
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def html_to_pdf(html):
    """Render HTML to PDF bytes; any outside resource is refused (and left out)."""
    from weasyprint import HTML

    return HTML(
        string=html, url_fetcher=local_only_fetcher(), base_url="file:///nonexistent/"
    ).write_pdf()
