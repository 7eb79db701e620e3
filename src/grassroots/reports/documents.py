"""The achievement report as a document: Excel workbook or PDF, in the chosen language.

Shared by the pages and `grassroots report`, so both give the same file.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.transfers.models import Transfer

from . import charts
from .exports import html_to_pdf, to_xlsx
from .selectors import ACHIEVEMENT_COLUMNS

COLUMN_LABELS = {
    "unit_code": gettext_lazy("Code"),
    "unit_name": gettext_lazy("Unit"),
    "target_minimum": gettext_lazy("Target"),
    "target_stretch": gettext_lazy("Stretch"),
    "admitted": gettext_lazy("Admitted"),
    "achievement_pct": gettext_lazy("Achieved %"),
    "female": gettext_lazy("Women"),
    "female_pct": gettext_lazy("Women %"),
    "university": gettext_lazy("University"),
    "university_pct": gettext_lazy("University %"),
    "ethnic_minority": gettext_lazy("Ethnic minority"),
    "religious": gettext_lazy("Religious"),
    "readmitted": gettext_lazy("Readmitted"),
}


# The course funnel's stages (selectors.FUNNEL_COLUMNS), as pages and documents name them.
FUNNEL_LABELS = {
    "enrolled": gettext_lazy("enrolled"),
    "completed": gettext_lazy("completed"),
    "admitted": gettext_lazy("admitted"),
    "confirmed": gettext_lazy("confirmed"),
    "transferred_out": gettext_lazy("transferred out"),
    # The columns of the destination types seen, named as the vocabulary names them (the
    # files showed the codes, `other_locality`, in every language).
    **dict(Transfer.DestinationType.choices),
}


def column_headers(columns, labels=None):
    """The header row in the active language (a column without a label keeps its key)."""
    labels = COLUMN_LABELS if labels is None else labels
    return [str(labels.get(c, c)) for c in columns]


def grouping_label(by):
    return {
        "children": _("units below"),
        "cluster": _("clusters"),
        "sector": _("sectors"),
    }[by]


def achievement_filters(unit, date_from, date_to, by, issued=None, printed=False):
    """The filters above the report. `printed` (the PDF): the dates in the active
    language's short format; the workbook keeps them as YYYY-MM-DD."""
    issued = issued or timezone.localdate()

    def day(value):
        return date_format(value, "SHORT_DATE_FORMAT") if printed else value.isoformat()

    return [
        (_("Unit"), f"{unit.name} ({unit.code})"),
        (_("From"), day(date_from)),
        (_("To"), day(date_to)),
        (_("Rows"), grouping_label(by)),
        (_("Issued on"), day(issued)),
    ]


def achievement_xlsx(rows, *, unit, date_from, date_to, by, language="en"):
    with translation.override(language):
        return to_xlsx(
            rows,
            ACHIEVEMENT_COLUMNS,
            title=_("Admissions against plan"),
            filters=achievement_filters(unit, date_from, date_to, by),
            headers=column_headers(ACHIEVEMENT_COLUMNS),
        )


def achievement_chart(rows):
    """Admitted per row (the unit itself left out), rows behind their target highlighted."""
    items = [
        (
            row["unit_name"],
            row["achievement_pct"] if row["achievement_pct"] is not None else row["admitted"],
            row["achievement_pct"] is not None and row["achievement_pct"] < 100,
        )
        for row in rows[1:]
    ]
    return charts.bar_chart(items, title=_("Achievement by row"))


def achievement_bars(rows):
    """The chart of `achievement_chart` as bars for the PDF, laid out as a table: it
    continues on the next page when long, and costs WeasyPrint a fraction of an SVG with
    a text element per label and value."""
    items = [
        (
            row["unit_name"],
            row["achievement_pct"] if row["achievement_pct"] is not None else row["admitted"],
            row["achievement_pct"] is not None and row["achievement_pct"] < 100,
        )
        for row in rows[1:]
    ]
    largest = max([float(value or 0) for _label, value, _behind in items] + [1])
    return [
        {
            "label": label,
            "value": value if value is not None else "–",
            "width": f"{80 * float(value or 0) / largest:.1f}",
            "behind": behind,
        }
        for label, value, behind in items
    ]


def achievement_pdf(rows, *, unit, date_from, date_to, by, language="en"):
    with translation.override(language):
        html = render_to_string(
            "reports/pdf/achievement.html",
            {
                "title": _("Admissions against plan"),
                "unit": unit,
                "date_from": date_from,
                "date_to": date_to,
                "filters": achievement_filters(unit, date_from, date_to, by, printed=True),
                "headers": [COLUMN_LABELS[c] for c in ACHIEVEMENT_COLUMNS],
                "table": [[row[c] for c in ACHIEVEMENT_COLUMNS] for row in rows],
                "chart_title": _("Achievement by row"),
                "bars": achievement_bars(rows),
                "language": language,
            },
        )
        return html_to_pdf(html, stylesheets=["achievement.css"])
