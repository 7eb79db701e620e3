"""The conference paper, prepared from the data: a print-ready PDF in the chosen language.

Every figure comes from the reports app's own selectors, never counted again here:

- the grouping's row is the row of `reports.selectors.achievement(by="cluster"|"sector")`
  for the committee's unit (what `grassroots report achievement --by cluster` prints);
- each participating unit's row is `reports.selectors.unit_total` (the first row of its
  own achievement report);
- the statistical form adds up `reports.statform.newly_admitted` of the participating
  units (the average age weighted by their totals);
- the funnel adds up `reports.selectors.pipeline_funnel` of the participating units;
- the units behind plan are those `reports.selectors.behind_plan` finds behind;
- the units without sources left are those whose form counts cells without sources;
- the supervision findings are those about the participating units (and below) dated in
  the period.

`paper_data` returns what the template receives; the tests compare its figures with the
achievement report's.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grassroots.accounts import scope
from grassroots.accounts.roles import Action
from grassroots.plans.models import Finding
from grassroots.reports import charts, statform
from grassroots.reports import selectors as reports
from grassroots.reports.documents import COLUMN_LABELS
from grassroots.reports.exports import html_to_pdf
from grassroots.reports.periods import check_period

from .services import default_participants

FUNNEL_STAGES = ("sources", "course", "dossier", "admitted")


def _zero_row(name):
    row = dict.fromkeys(reports.ACHIEVEMENT_COLUMNS)
    row.update({"unit_code": "", "unit_name": name})
    for column in (
        "admitted",
        "female",
        "university",
        "ethnic_minority",
        "religious",
        "readmitted",
    ):
        row[column] = 0
    return row


def grouping_row(user, *, committee, grouping, name, date_from, date_to, language, restate_on=None):
    """The row of the cluster or sector `name` in the committee's achievement report by
    that grouping (a row of zeros when nothing was counted for it)."""
    rows = reports.achievement(
        user,
        unit=committee,
        date_from=date_from,
        date_to=date_to,
        by=grouping,
        language=language,
        restate_on=restate_on,
    )
    for row in rows[1:]:
        if row["unit_name"] == name:
            return row
    return _zero_row(name)


def _sum_forms(forms):
    """The form's rows added up over the units (the average age weighted by totals)."""
    if not forms:
        return []
    result = []
    for index, first in enumerate(forms[0]):
        code = first["indicator"]
        row = {"indicator": code, "label": first["label"]}
        for column in ("this_period", "same_period_last_year"):
            if code == "age.average":
                total_column = [f[0][column] for f in forms]  # row 0 is the total
                weighted = sum(
                    Decimal(f[index][column]) * n
                    for f, n in zip(forms, total_column, strict=True)
                    if f[index][column] is not None
                )
                people = sum(total_column)
                row[column] = (
                    (weighted / people).quantize(Decimal("0.1"), ROUND_HALF_UP) if people else None
                )
            else:
                row[column] = sum(f[index][column] or 0 for f in forms)
        row["change_pct"] = statform.change_pct(row["this_period"], row["same_period_last_year"])
        result.append(row)
    return result


def _funnel(user, units, date_from, date_to):
    totals = dict.fromkeys(FUNNEL_STAGES, 0)
    for unit in units:
        for name, n, _rate in reports.pipeline_funnel(
            user, unit=unit, date_from=date_from, date_to=date_to
        ):
            if name in totals:
                totals[name] += n
    labels = {
        "sources": _("sources"),
        "course": _("course"),
        "dossier": _("dossier"),
        "admitted": _("admitted"),
    }
    stages, previous = [], None
    for name in FUNNEL_STAGES:
        n = totals[name]
        stages.append((labels[name], n, reports.percent(n, previous) if previous else None))
        previous = n
    return stages


def _findings(units, date_from, date_to):
    """The findings of the period about the participating units or units below them (on
    today's structure: the findings follow their units)."""
    paths = {u.path for u in units}
    found = (
        Finding.objects.filter(date__gte=date_from, date__lte=date_to)
        .select_related("unit", "by_unit")
        .order_by("date", "id")
    )
    return [
        f for f in found if any(f.unit.path[:n] in paths for n in range(4, len(f.unit.path) + 1, 4))
    ]


def paper_data(
    user,
    *,
    committee,
    date_from,
    date_to,
    cluster=None,
    sector=None,
    units=None,
    language="vi",
    conference=None,
    today=None,
    restate_on=None,
):
    """Everything the paper shows, in `language`: the grouping's row of the achievement
    report, each participating unit's row, the summed statistical form, the funnel, the
    units behind plan and without sources, the findings of the period, and the charts.
    Counted as it was, or restated on the structure of `restate_on` (as the report's
    `--restate-on`); the default participants are the units of the cluster or sector
    valid on that day (or on the period's last day). Raises Http404 when the committee
    is out of the user's scope, ValueError for bad dates."""
    scope.require(user, Action.VIEW, committee)
    check_period(date_from, date_to, restate_on)
    today = today or timezone.localdate()
    with translation.override(language):
        if units is None:
            units = default_participants(
                committee, cluster=cluster, sector=sector, day=restate_on or date_to
            )
        units = [u for u in units if scope.can_see(user, u)]
        if cluster is not None:
            grouping, name = "cluster", cluster.name
        elif sector is not None:
            grouping, name = "sector", sector.name
        else:
            grouping, name = "units", ""
        rows = [
            reports.unit_total(
                user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
            )
            for unit in units
        ]
        if grouping == "units":
            total = _zero_row(_("All units taking part"))
            for column in ("admitted", "female", "university", "ethnic_minority", "religious"):
                total[column] = sum(r[column] for r in rows)
            total["readmitted"] = sum(r["readmitted"] for r in rows)
        else:
            total = grouping_row(
                user,
                committee=committee,
                grouping=grouping,
                name=name,
                date_from=date_from,
                date_to=date_to,
                language=language,
                restate_on=restate_on,
            )
        forms = [
            statform.newly_admitted(
                user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
            )
            for unit in units
        ]
        form = _sum_forms(forms)
        without_sources = [
            (unit, f_rows[-1]["this_period"])
            for unit, f_rows in zip(units, forms, strict=True)
            if f_rows[-1]["indicator"] == "units_without_sources" and f_rows[-1]["this_period"]
        ]
        behind = [row for row in rows if reports.behind_plan(row, date_from, date_to, today=today)]
        stages = _funnel(user, units, date_from, date_to)
        findings = _findings(units, date_from, date_to)
        chart_items = [
            (
                row["unit_name"],
                row["achievement_pct"] if row["achievement_pct"] is not None else row["admitted"],
                row["achievement_pct"] is not None and row["achievement_pct"] < 100,
            )
            for row in rows
        ]
        grouping_labels = {
            "cluster": _("Cluster"),
            "sector": _("Sector"),
            "units": _("Units"),
        }
        return {
            "title": conference.title if conference else _("Conference paper"),
            "conference": conference,
            "committee": committee,
            "grouping": grouping,
            "grouping_label": grouping_labels[grouping],
            "grouping_name": name,
            "date_from": date_from,
            "date_to": date_to,
            "restate_on": restate_on,
            "issued": today,
            "language": language,
            "units": units,
            "columns": reports.ACHIEVEMENT_COLUMNS,
            "headers": [str(COLUMN_LABELS[c]) for c in reports.ACHIEVEMENT_COLUMNS],
            "total": total,
            "rows": rows,
            "table": [[row[c] for c in reports.ACHIEVEMENT_COLUMNS] for row in [total, *rows]],
            "form": form,
            "stages": stages,
            "behind": behind,
            "without_sources": without_sources,
            "findings": findings,
            "achievement_chart": charts.bar_chart(
                chart_items, title=_("Achievement of the units taking part"), suffix=""
            )
            if chart_items
            else None,
            "funnel_chart": charts.funnel(stages, title=_("From sources to admitted members")),
        }


def conference_paper_data(user, conference, language="vi", today=None):
    """The paper of a recorded conference: its participants, grouping and period,
    restated on the structure of the conference's day when the period ended before it
    (the participants are that day's units)."""
    units = [
        p.unit for p in conference.participations.select_related("unit").order_by("unit__path")
    ]
    return paper_data(
        user,
        committee=conference.committee,
        cluster=conference.cluster,
        sector=conference.sector,
        units=units,
        date_from=conference.period_from,
        date_to=conference.period_to,
        language=language,
        conference=conference,
        today=today,
        restate_on=conference.date if conference.date > conference.period_to else None,
    )


def render_pdf(data):
    """The paper as a PDF (bytes), A4 landscape, in the data's language."""
    with translation.override(data["language"]):
        return html_to_pdf(render_to_string("conferences/pdf/paper.html", data))


def paper_pdf(user, *, language="vi", **kwargs):
    return render_pdf(paper_data(user, language=language, **kwargs))
