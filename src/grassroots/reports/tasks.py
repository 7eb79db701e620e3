"""Big reports and PDF packs as background tasks (see grassroots/tasks/kinds.py).

- `report_document`: the achievement report of a unit as an Excel workbook or a PDF.
- `report_pack`: a zip of achievement PDFs, one for the unit and one for each unit
  directly below it, each with its own rows by units below.

They call the report functions the pages and `grassroots report` call (selectors and
documents), as the user who started them and in that user's language.
"""

import datetime as dt
import zipfile

from django.http import Http404
from django.utils.translation import gettext as _

from grassroots.tasks import kinds

from . import documents, selectors


def _period(work):
    return dt.date.fromisoformat(work.params["from"]), dt.date.fromisoformat(work.params["to"])


def _unit(work, code):
    try:
        return selectors.unit_for_report(work.user, code)
    except Http404 as exc:
        raise kinds.Refused(
            _("The unit %(code)s is not in your sight any more.") % {"code": code}
        ) from exc


def _rows(work, unit, date_from, date_to, by):
    restate_on = work.params.get("restate_on")
    return selectors.achievement(
        work.user,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        by=by,
        language=work.params["language"],
        restate_on=dt.date.fromisoformat(restate_on) if restate_on else None,
    )


def _name(unit, date_from, date_to, suffix):
    return f"achievement-{unit.code}-{date_from.isoformat()}-{date_to.isoformat()}.{suffix}"


def document_run(work):
    unit = _unit(work, work.params["unit"])
    date_from, date_to = _period(work)
    by = work.params.get("by") or "children"
    fmt = work.params["format"]
    work.progress(0, 2)
    rows = _rows(work, unit, date_from, date_to, by)
    work.progress(1, 2)
    kwargs = {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "by": by,
        "language": work.params["language"],
    }
    build = documents.achievement_xlsx if fmt == "xlsx" else documents.achievement_pdf
    content = build(rows, **kwargs)
    work.save_result(_name(unit, date_from, date_to, fmt), lambda path: path.write_bytes(content))
    work.progress(2, 2)
    work.summary = {"rows": len(rows)}


def pack_run(work):
    top = _unit(work, work.params["unit"])
    date_from, date_to = _period(work)
    head = _rows(work, top, date_from, date_to, "children")
    codes = [top.code] + [row["unit_code"] for row in head[1:] if row.get("unit_code")]
    work.progress(0, len(codes))

    def write(path):
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, code in enumerate(codes, start=1):
                unit = top if code == top.code else _unit(work, code)
                rows = head if unit is top else _rows(work, unit, date_from, date_to, "children")
                pdf = documents.achievement_pdf(
                    rows,
                    unit=unit,
                    date_from=date_from,
                    date_to=date_to,
                    by="children",
                    language=work.params["language"],
                )
                archive.writestr(_name(unit, date_from, date_to, "pdf"), pdf)
                work.progress(done, len(codes))

    work.save_result(
        _name(top, date_from, date_to, "zip").replace("achievement-", "reports-"), write
    )
    work.summary = {"documents": len(codes)}
