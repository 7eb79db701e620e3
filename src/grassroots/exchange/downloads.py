"""A list page's records as a download in the exchange format (CSV or Excel).

The rows are the format's own (`exporter.typed_rows`), written by `sheets`, so what a
list page gives can be edited and imported back. The caller has scoped the records and
logged the export. Memory does not grow with the records: CSV is streamed to the client
as it is written; a workbook is written to a temporary file (openpyxl's write-only mode)
and sent from there.
"""

import tempfile

from django.http import FileResponse, StreamingHttpResponse

from grassroots import sheets

from . import exporter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def table_response(name, records, *, fmt, filename):
    """`records` as file `name` of the format: CSV (UTF-8 with BOM, for spreadsheets) or
    an .xlsx workbook with one sheet named after the file (continued on `name (2)`, …
    beyond a sheet's rows)."""
    header = exporter.header(name)
    rows = exporter.typed_rows(name, records=records)
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile(prefix="grassroots-download-")  # gone once closed
        sheets.write_xlsx(handle, [(name, header, rows)])
        handle.seek(0)
        response = FileResponse(handle, content_type=XLSX)
    else:
        fmt = "csv"
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in sheets.csv_chunks(header, rows, prefix="\ufeff")),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
