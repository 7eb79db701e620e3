"""A list page's records as a download in the exchange format (CSV or Excel).

The rows are the format's own (`exporter.typed_rows`), written by `sheets`, so what a
list page gives can be edited and imported back. The caller has scoped the records and
logged the export.
"""

import io

from django.http import HttpResponse

from grassroots import sheets

from . import exporter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def table_response(name, records, *, fmt, filename):
    """`records` as file `name` of the format: CSV (UTF-8 with BOM, for spreadsheets) or
    an .xlsx workbook with one sheet named after the file."""
    header = exporter.header(name)
    rows = exporter.typed_rows(name, records=records)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        sheets.write_xlsx(buffer, [(name, header, rows)])
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        fmt = "csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        sheets.write_csv(response, header, rows)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
