"""Opening a data set: a folder of CSV files, one .xlsx workbook, a .zip of CSV files or a
single CSV file named like its table. Rows are read one at a time (bounded memory)."""

import contextlib
import csv
import dataclasses
import decimal
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from grassroots.sheets import unescape

from .format import COLUMNS, DECIMAL, FILES, cell_text, clean_text
from .template import is_instructions


@dataclasses.dataclass
class Sheet:
    name: str
    open_rows: Callable[[], Iterator[list]]
    # A quick estimate of the number of rows (header included) for progress; None: unknown.
    count_rows: Callable[[], int | None] = lambda: None


def _count_lines(path):
    def count():
        lines, last = 0, b"\n"
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return lines + (last != b"\n")

    return count


def _count_xlsx_rows(path, member):
    """Count the <row> elements of a worksheet's XML without parsing it (progress only)."""

    def count():
        if not member:
            return None
        rows, tail = 0, b""
        try:
            with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as handle:
                while chunk := handle.read(1 << 20):
                    data = tail + chunk
                    rows += data.count(b"<row ") + data.count(b"<row>")
                    rows -= tail.count(b"<row ") + tail.count(b"<row>")
                    tail = data[-5:]
        except (KeyError, OSError, zipfile.BadZipFile):
            return None
        return rows

    return count


class DatasetError(Exception):
    """The path is not a data set at all (missing, unreadable, wrong kind of file)."""


class NotUTF8(ValueError):
    """A CSV row holds bytes that are not UTF-8 (a file saved in a Windows code page)."""

    def __init__(self, index):
        super().__init__(index)
        self.index = index  # the first such cell's place in its row


# How `surrogateescape` keeps a byte that is not UTF-8.
_FOREIGN_BYTE = re.compile("[\udc80-\udcff]")


def _csv_rows(path):
    def rows():
        # Undecodable bytes are kept and found row by row: a decoder that fails reads far
        # ahead of the row in hand, so its error could not name the row.
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            for record in csv.reader(handle):
                if _FOREIGN_BYTE.search("".join(record)):
                    raise NotUTF8(next(i for i, c in enumerate(record) if _FOREIGN_BYTE.search(c)))
                # A text a spreadsheet would evaluate was written with an apostrophe.
                yield [
                    unescape(cell) if cell[:1] == "'" else cell for cell in map(clean_text, record)
                ]

    return rows


def _percent_as_typed(cell):
    """A cell's value, a number shown as a percentage as the number it shows: 45 % is
    stored as 0.45 but typed and meant as 45 (the shares are written in percent)."""
    value = cell.value
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and "%" in (cell.number_format or "")
    ):
        return format((decimal.Decimal(repr(value)) * 100).normalize(), "f")
    return value


def _xlsx_rows(path, titles, percent=False):
    """The rows of sheet titles[0], then those of its continuation sheets (`people (2)`,
    …, written when a table is longer than a sheet holds) without their header row.
    With `percent` (a table with shares), numbers shown as percentages are read as shown;
    other tables skip reading the cells' formats, which costs time on big sheets."""

    def rows():
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for index, title in enumerate(titles):
                found = workbook[title].iter_rows(values_only=not percent)
                if index:
                    next(found, None)  # the continuation's copy of the header
                for values in found:
                    if percent:
                        values = [_percent_as_typed(cell) for cell in values]
                    yield [cell_text(v) for v in values]
        finally:
            workbook.close()

    return rows


def _count_all(counters):
    def count():
        counts = [c() for c in counters]
        if None in counts:
            return None
        return sum(counts) - (len(counts) - 1)  # one header for the whole table

    return count


_CONTINUATION = re.compile(r"^(?P<name>.+) \((?P<number>[2-9]|[1-9][0-9]+)\)$")


def _continuation(title):
    """(file name, number) for a continuation sheet's title such as `people (2)`."""
    match = _CONTINUATION.match(title)
    if match and match["name"] in FILES:
        return match["name"], int(match["number"])
    return None


def _folder(path):
    sheets, unknown = {}, []
    for child in sorted(path.iterdir()):
        if child.suffix.lower() != ".csv" or not child.is_file():
            continue
        name = child.stem.lower()
        if name in FILES:
            sheets[name] = Sheet(name, _csv_rows(child), _count_lines(child))
        else:
            unknown.append(child.stem)
    return sheets, unknown


def _workbook(path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DatasetError(_("%(file)s is not a readable workbook.") % {"file": path.name}) from exc
    sheets, unknown, parts = {}, [], {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            if is_instructions(name):
                continue  # the template's instructions
            member = getattr(worksheet, "_worksheet_path", None)
            continued = _continuation(name)
            if name in FILES or continued:
                key, number = continued or (name, 1)
                parts.setdefault(key, []).append(
                    (number, worksheet.title, _count_xlsx_rows(path, member))
                )
            elif any(
                any(v not in (None, "") for v in row)
                for row in worksheet.iter_rows(max_row=5, values_only=True)
            ):
                unknown.append(worksheet.title)
    finally:
        workbook.close()
    for name, found in parts.items():
        found.sort()
        if found[0][0] != 1 or [n for n, _t, _c in found] != list(range(1, len(found) + 1)):
            # A continuation without its first sheet, or with a gap: not read as a table.
            unknown.extend(title for _n, title, _c in found)
            continue
        sheets[name] = Sheet(
            name,
            _xlsx_rows(
                path,
                [title for _n, title, _c in found],
                percent=any(c.kind == DECIMAL for c in COLUMNS[name]),
            ),
            _count_all([count for _n, _t, count in found]),
        )
    return sheets, unknown


@contextlib.contextmanager
def open_dataset(path):
    """Yield (sheets in the order they are applied, names of unknown files or sheets)."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(_("%(path)s does not exist.") % {"path": path})
    with contextlib.ExitStack() as stack:
        suffix = path.suffix.lower()
        if path.is_dir():
            sheets, unknown = _folder(path)
        elif suffix in (".xlsx", ".xlsm"):
            sheets, unknown = _workbook(path)
        elif suffix == ".zip":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grassroots-")))
            try:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.infolist():
                        member_name = Path(member.filename).name
                        if member.is_dir() or not member_name.lower().endswith(".csv"):
                            continue
                        (folder / member_name).write_bytes(archive.read(member))
            except zipfile.BadZipFile as exc:
                raise DatasetError(
                    _("%(file)s is not a zip archive.") % {"file": path.name}
                ) from exc
            sheets, unknown = _folder(folder)
        elif suffix == ".csv":
            name = path.stem.lower()
            if name not in FILES:
                raise DatasetError(
                    _("%(file)s: name a single CSV file after its table (%(names)s).")
                    % {"file": path.name, "names": ", ".join(FILES)}
                )
            sheets, unknown = {name: Sheet(name, _csv_rows(path), _count_lines(path))}, []
        else:
            raise DatasetError(
                _("%(file)s: give a folder of CSV files, a .zip of them or an .xlsx workbook.")
                % {"file": path.name}
            )
        yield [sheets[name] for name in FILES if name in sheets], unknown
