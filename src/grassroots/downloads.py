"""A list page's records as a download in the data-exchange format (CSV or Excel).

The list pages (people, sources, transfers, targets, ...) sit below the exchange app,
which knows the format's files and writes them; it registers its writer here in its
AppConfig.ready(), so that a list page offers a file that imports back without importing
the app above it.
"""

from django.utils.module_loading import import_string

FORMATS = ("csv", "xlsx")
_writer = []


def register(path):
    """The function (dotted path) that answers `table_response`."""
    _writer[:] = [path]


def table_response(name, records, *, fmt, filename):
    """`records` (scoped by the caller, who also logs the export) as file `name` of the
    format, in `fmt` (csv or xlsx), as an HTTP download."""
    return import_string(_writer[0])(name, records, fmt=fmt, filename=filename)
