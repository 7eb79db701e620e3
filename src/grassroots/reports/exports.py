"""Writing report rows out: CSV, JSON and a plain-text table for the command line, an
Excel workbook with the filters on the sheet, and PDF through WeasyPrint.

Rows are dicts keyed by the report's columns; None is an empty cell, Decimal a percentage.
"""

import contextlib
import csv
import gc
import hashlib
import io
import json
import threading
from collections import OrderedDict
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


# What is the same for every document, made once per process (and thread): WeasyPrint's
# font configuration (fontconfig's font list and Pango's font map with its metrics and
# shaping caches; a new one per document costs a fresh scan of the system fonts) and the
# parsed stylesheets. Measured in bench/pdf_bench.py.
_per_thread = threading.local()
_STYLESHEETS = {}
_STYLESHEETS_LOCK = threading.Lock()


def font_configuration():
    """This thread's WeasyPrint FontConfiguration (Pango's font map is not thread-safe)."""
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _per_thread.font_config = FontConfiguration()
    return config


def stylesheet(name):
    """A stylesheet beside the PDF templates (`reports/pdf/<name>`), parsed once."""
    sheet = _STYLESHEETS.get(name)
    if sheet is None:
        from weasyprint import CSS

        path = Path(__file__).resolve().parent / "templates" / "reports" / "pdf" / name
        with _STYLESHEETS_LOCK:
            sheet = _STYLESHEETS.setdefault(name, CSS(string=path.read_text()))
    return sheet


def _lean_html():
    """WeasyPrint's HTML with `reports/pdf/ua.css` as its default stylesheet, for documents
    whose own stylesheet says the rest. (`_ua_stylesheets` is WeasyPrint's hook for its
    default sheets; should it disappear, the full defaults apply and nothing breaks.)"""
    from weasyprint import HTML

    class Lean(HTML):
        def _ua_stylesheets(self, forms=False):
            return [stylesheet("ua.css")]

    return Lean


# The last few documents, by a digest of their HTML: a report asked for again (the same
# unit, period, figures and day of issue) is not laid out again. Per process, in memory,
# never written anywhere.
_RECENT = OrderedDict()
_RECENT_SIZE = 16
_RECENT_LOCK = threading.Lock()
LeanHTML = None


_RENDERING = 0  # documents being laid out now, in all threads
_COLLECTOR_OFF_BY_US = False
_GC_LOCK = threading.Lock()


@contextlib.contextmanager
def _collector_paused():
    """The cycle collector waits while a document is laid out: WeasyPrint makes hundreds of
    thousands of short-lived objects, and the collections they set off cost a tenth of a
    document's time (measured: median 316 → 265 ms CPU for the demo's achievement PDF).
    The last of the documents being laid out at once switches it back on (only if it was
    on before); what the layout left is then collected as usual."""
    global _RENDERING, _COLLECTOR_OFF_BY_US
    with _GC_LOCK:
        _RENDERING += 1
        if _RENDERING == 1 and gc.isenabled():
            gc.disable()
            _COLLECTOR_OFF_BY_US = True
    try:
        yield
    finally:
        with _GC_LOCK:
            _RENDERING -= 1
            if _RENDERING == 0 and _COLLECTOR_OFF_BY_US:
                _COLLECTOR_OFF_BY_US = False
                gc.enable()


def html_to_pdf(html, stylesheets=()):
    """Render HTML (with the named stylesheets from `reports/pdf/`) to PDF bytes; any
    outside resource is refused (and left out)."""
    from weasyprint import HTML

    global LeanHTML
    if LeanHTML is None:
        LeanHTML = _lean_html()
    key = hashlib.sha256("\0".join([html, *stylesheets]).encode()).digest()
    with _RECENT_LOCK:
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return _RECENT[key]
    document = LeanHTML if stylesheets else HTML
    with _collector_paused():
        pdf = document(
            string=html, url_fetcher=local_only_fetcher(), base_url="file:///nonexistent/"
        ).write_pdf(
            stylesheets=[stylesheet(name) for name in stylesheets],
            font_config=font_configuration(),
        )
    with _RECENT_LOCK:
        _RECENT[key] = pdf
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return pdf
