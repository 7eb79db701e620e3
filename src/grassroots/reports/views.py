"""Report pages and exports. Thin: parse the filters, call a selector, render."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from grassroots.accounts import scope
from grassroots.people.access import log_export
from grassroots.plans import forecasting
from grassroots.tasks import services as task_services

from . import charts, documents, form2, panels, periods, selectors, statform
from .documents import COLUMN_LABELS
from .exports import html_to_pdf


class BadFilter(Exception):
    pass


# The date fields' labels on the report forms (reports/partials/period_form.html, the
# funnel's): an error names its field.
DATE_FIELDS = {
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "restate_on": gettext_lazy("Restated on"),
    "until": gettext_lazy("Until"),  # the funnel's form
}


def _date(request, name, default, data=None):
    text = ((data if data is not None else request.GET).get(name) or "").strip()
    if not text:
        return default
    try:
        return periods.report_date(text)
    except ValueError as exc:
        raise BadFilter(
            _("%(field)s: %(error)s") % {"field": DATE_FIELDS.get(name, name), "error": exc}
        ) from exc


def _restate_on(request, data=None):
    """The `restate_on` date (count on the structure of that day), or None: as it was."""
    return _date(request, "restate_on", None, data)


def _filters(request, data=None):
    """(unit, date_from, date_to, by, restate_on) from the query string (or `data`); 404
    for a unit out of scope."""
    data = request.GET if data is None else data
    today = timezone.localdate()
    date_from = _date(request, "from", dt.date(today.year, 1, 1), data)
    date_to = _date(request, "to", today, data)
    restate_on = _restate_on(request, data)
    try:
        periods.check_period(date_from, date_to, restate_on)
    except ValueError as error:
        raise BadFilter(str(error)) from error
    by = data.get("by") or "children"
    if by not in selectors.GROUPINGS:
        raise BadFilter(_("Rows by children, cluster or sector."))
    code = (data.get("unit") or "").strip()
    if code:
        unit = selectors.unit_for_report(request.user, code)
    else:
        tops = scope.top_units(request.user)
        if not tops:
            raise Http404
        unit = tops[0]
    return unit, date_from, date_to, by, restate_on


def _bad_filter(request, error):
    context = {"error": str(error), **_index_context(request)}
    return render(request, "reports/index.html", context, status=400)


def _index_context(request):
    today = timezone.localdate()
    return {
        "tops": scope.top_units(request.user),
        "default_from": dt.date(today.year, 1, 1),
        "default_to": today,
        "groupings": selectors.GROUPINGS,
    }


@require_GET
def index(request):
    return render(request, "reports/index.html", _index_context(request))


SORTABLE = {"unit_code", "unit_name", "admitted", "achievement_pct", "female_pct", "university_pct"}


@require_GET
def achievement(request):
    try:
        unit, date_from, date_to, by, restate_on = _filters(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    language = translation.get_language()
    rows = selectors.achievement(
        request.user,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        by=by,
        language=language,
        restate_on=restate_on,
    )
    for row in rows:
        row["behind"] = selectors.behind_plan(row, date_from, date_to)
    head, rest = rows[0], rows[1:]
    sort = request.GET.get("sort") or ""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key in SORTABLE:
        rest = sorted(
            rest,
            key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0),
            reverse=descending,
        )
        if descending:  # keep empty values last either way
            rest = [r for r in rest if r[key] is not None] + [r for r in rest if r[key] is None]
    ranking = _ranking(rows[1:]) if by == "children" else []
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "by": by,
        "restate_on": restate_on,
        "groupings": selectors.GROUPINGS,
        "head": head,
        "rows": rest,
        "columns": [(c, COLUMN_LABELS[c], c in SORTABLE) for c in selectors.ACHIEVEMENT_COLUMNS],
        "sort": sort,
        "base_query": query.urlencode(),
        "export_query": _export_query(unit, date_from, date_to, by, restate_on),
        "ranking": ranking,
        "chart": documents.achievement_chart(rows),
        # A long report is made in the background; a short one may also be downloaded now.
        "inline_exports": len(rows) <= INLINE_EXPORT_ROWS,
    }
    return render(request, "reports/achievement.html", context)


# Reports with more rows than this are offered as background tasks only.
INLINE_EXPORT_ROWS = 100
BACKGROUND_FORMATS = {"xlsx": "report_document", "pdf": "report_document", "pack": "report_pack"}


@require_POST
def background(request):
    """Start the achievement report (Excel, PDF) or a pack of PDFs as a background task."""
    try:
        unit, date_from, date_to, by, restate_on = _filters(request, request.POST)
    except BadFilter as error:
        return _bad_filter(request, error)
    fmt = request.POST.get("format") or ""
    if fmt not in BACKGROUND_FORMATS:
        return _bad_filter(request, _("Choose Excel, PDF or a pack of PDFs."))
    run = task_services.run_start(
        owner=request.user,
        kind=BACKGROUND_FORMATS[fmt],
        params={
            "unit": unit.code,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "by": by,
            "format": fmt,
            "restate_on": restate_on.isoformat() if restate_on else None,
        },
        unit=unit,
    )
    return redirect("tasks:detail", pk=run.pk)


def _ranking(rows):
    """Sub-units by achievement (those with a target), best first; then by admissions."""
    with_target = [r for r in rows if r["achievement_pct"] is not None]
    return sorted(with_target, key=lambda r: (-r["achievement_pct"], r["unit_code"]))


def _export_query(unit, date_from, date_to, by, restate_on=None):
    query = f"unit={unit.code}&from={date_from.isoformat()}&to={date_to.isoformat()}&by={by}"
    if restate_on:
        query += f"&restate_on={restate_on.isoformat()}"
    return query


def _export(request, kind):
    try:
        unit, date_from, date_to, by, restate_on = _filters(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    language = translation.get_language() or "en"
    rows = selectors.achievement(
        request.user,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        by=by,
        language=language,
        restate_on=restate_on,
    )
    kwargs = {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "by": by,
        "language": language,
    }
    name = f"achievement-{unit.code}-{date_from.isoformat()}-{date_to.isoformat()}"
    if kind == "xlsx":
        content = documents.achievement_xlsx(rows, **kwargs)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = documents.achievement_pdf(rows, **kwargs)
        content_type = "application/pdf"
    log_export(
        request.user,
        what=f"achievement report {unit.code} {date_from}–{date_to} by {by} ({kind})",
        unit=unit,
    )
    return _attachment(content, content_type, f"{name}.{kind}")


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def achievement_xlsx(request):
    return _export(request, "xlsx")


@require_GET
def achievement_pdf(request):
    return _export(request, "pdf")


@require_GET
def composition(request):
    try:
        unit, date_from, date_to, _by, restate_on = _filters(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    data = selectors.composition(
        request.user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
    )
    context = {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "restate_on": restate_on,
        "data": data,
        "charts": _composition_charts(data),
    }
    return render(request, "reports/composition.html", context)


def _composition_charts(data):
    shares = [
        (_("women"), data["women_pct"] or 0),
        (_("university"), data["university_pct"] or 0),
        (_("ethnic minority"), data["ethnic_minority_pct"] or 0),
        (_("religious"), data["religious_pct"] or 0),
        (_("readmitted"), data["readmitted_pct"] or 0),
    ]
    return {
        "shares": charts.bar_chart(shares, title=_("Shares of those admitted"), suffix=" %"),
        "ages": charts.bar_chart(
            [(label, n) for label, n, _pct in data["age_bands"]], title=_("Age at admission")
        ),
        "education": charts.bar_chart(
            [(str(label), n) for label, n, _pct in data["education"]], title=_("Education")
        ),
    }


@require_GET
def newly_admitted(request):
    """The statistical form on newly admitted members, with the achievement report's
    filters (unit, period, restated on)."""
    try:
        unit, date_from, date_to, _by, restate_on = _filters(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    rows = statform.newly_admitted(
        request.user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
    )
    earlier_from, earlier_to = statform.year_earlier(date_from), statform.year_earlier(date_to)
    query = f"unit={unit.code}&from={date_from.isoformat()}&to={date_to.isoformat()}"
    if restate_on:
        query += f"&restate_on={restate_on.isoformat()}"
    context = {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "earlier_from": earlier_from,
        "earlier_to": earlier_to,
        "restate_on": restate_on,
        "lines": form2.lines(rows),
        "export_query": query,
    }
    return render(request, "reports/newly_admitted.html", context)


def _newly_admitted_export(request, kind):
    try:
        unit, date_from, date_to, _by, restate_on = _filters(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    rows = statform.newly_admitted(
        request.user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
    )
    kwargs = {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "restate_on": restate_on,
        "language": translation.get_language() or "en",
    }
    if kind == "xlsx":
        content = form2.newly_admitted_xlsx(rows, **kwargs)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = form2.newly_admitted_pdf(rows, **kwargs)
        content_type = "application/pdf"
    what = f"newly admitted form {unit.code} {date_from}–{date_to} ({kind})"
    if restate_on:
        what += f" restated on {restate_on}"
    log_export(request.user, what=what, unit=unit)
    name = f"newly-admitted-{unit.code}-{date_from.isoformat()}-{date_to.isoformat()}"
    return _attachment(content, content_type, f"{name}.{kind}")


@require_GET
def newly_admitted_xlsx(request):
    return _newly_admitted_export(request, "xlsx")


@require_GET
def newly_admitted_pdf(request):
    return _newly_admitted_export(request, "pdf")


@require_GET
def funnel(request):
    code = (request.GET.get("course") or "").strip()
    context = {"course_code": code}
    try:
        until = _date(request, "until", timezone.localdate())
    except BadFilter as error:
        context["error"] = str(error)
        return render(request, "reports/funnel.html", context, status=400)
    context["until"] = until
    if code:
        course = selectors.course_for_report(request.user, code)
        row = selectors.course_funnel(request.user, course=course, until=until)
        context.update({"course": course, "row": row})
        labels = documents.FUNNEL_LABELS
        stages = [(str(labels[name]), row[name], None) for name in selectors.FUNNEL_COLUMNS]
        context["columns"] = [(label, n) for label, n, _pct in stages]
        context["chart"] = charts.funnel(stages, title=_("Course funnel"))
    return render(request, "reports/funnel.html", context)


def dashboard_context(request, unit, date_from, date_to, restate_on=None):
    user = request.user
    language = translation.get_language()
    rows = selectors.achievement(
        user,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        language=language,
        restate_on=restate_on,
    )
    year_start = dt.date(date_to.year, 1, 1)

    def total_from(start):
        if start == date_from:
            return rows[0]
        return selectors.unit_total(
            user, unit=unit, date_from=start, date_to=date_to, restate_on=restate_on
        )

    year_row = total_from(year_start)
    year_target = selectors.choose_target(
        list(unit.targets.all()), year_start, dt.date(date_to.year, 12, 31)
    )
    term = selectors.term_target(unit, date_to)
    term_row = None
    if term is not None:
        term_row = total_from(term.period_start)
    months = selectors.admissions_per_month(
        user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
    )
    pace = None
    if year_target[0]:
        pace = year_target[0] / 12
    forecasts, future, band = _forecasts(user, unit, date_to, months)
    stages = selectors.pipeline_funnel(user, unit=unit, date_from=date_from, date_to=date_to)
    stage_labels = {
        "sources": _("sources"),
        "course": _("course"),
        "dossier": _("dossier"),
        "admitted": _("admitted"),
        "confirmed": _("confirmed"),
    }
    stages = [(stage_labels[name], n, rate) for name, n, rate in stages]
    composition = selectors.composition(
        user, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on
    )
    ranking = _ranking(rows[1:])
    return {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "rows": rows,
        "year_row": year_row,
        "year_target": year_target,
        "term": term,
        "term_row": term_row,
        "year_chart": charts.progress_bar(
            year_row["admitted"], year_target[0], title=_("This year against plan")
        ),
        "term_chart": charts.progress_bar(
            term_row["admitted"], term.minimum, title=_("This term against plan")
        )
        if term
        else None,
        "months_chart": charts.months_vs_pace(
            [(m.strftime("%m/%y"), n) for m, n in months],
            pace=pace,
            title=_("Admissions per month against the pace needed"),
            future=future,
            band=band,
        ),
        "forecasts": forecasts,
        "forecast_at_risk": any(f.at_risk for f in forecasts),
        "pace": pace,
        "months": months,
        "stages": stages,
        "funnel_chart": charts.funnel(stages, title=_("From sources to confirmed members")),
        "composition": composition,
        "composition_charts": _composition_charts(composition),
        "ranking": ranking,
        "ranking_chart": charts.bar_chart(
            [(r["unit_name"], r["achievement_pct"], r["achievement_pct"] < 100) for r in ranking],
            title=_("Ranking of units below by achievement"),
            suffix=" %",
        )
        if ranking
        else None,
        "findings": selectors.findings_for(user, unit=unit, limit=10),
        "panels": panels.for_dashboard(request, unit, date_from, date_to),
        "export_query": _export_query(unit, date_from, date_to, "children", restate_on),
        "restate_on": restate_on,
    }


def _forecasts(user, unit, date_to, months):
    """The forecasts of the unit's running targets today and, when the chart ends today, the
    band for the months left after this one: the forecast of the calendar year's target
    (else the first running one) spread evenly over them."""
    today = timezone.localdate()
    forecasts = forecasting.unit_forecasts(user, unit, today)
    if not forecasts or date_to != today:
        return forecasts, [], None
    chosen = next(
        (
            f
            for f in forecasts
            if (f.start, f.end) == (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
        ),
        forecasts[0],
    )
    future = []
    month = dt.date(today.year, today.month, 1)
    while True:
        month = (month + dt.timedelta(days=32)).replace(day=1)
        if month > chosen.end:
            break
        future.append(month)
    labels = [m.strftime("%m/%y") for m in future]
    if not future and chosen.end > today:
        future = labels = ["→" + chosen.end.strftime("%d/%m")]  # the rest of this month
    if not future:
        return forecasts, [], None
    outcome, n = chosen.outcome, len(future)
    rest = (
        max(outcome.low - outcome.admitted, 0) / n,
        (outcome.expected - outcome.admitted) / n,
        max(outcome.high - outcome.admitted, 0) / n,
    )
    return forecasts, labels, rest


def _dashboard_period(request):
    today = timezone.localdate()
    date_from = _date(request, "from", dt.date(today.year, 1, 1))
    date_to = _date(request, "to", today)
    restate_on = _restate_on(request)
    try:
        periods.check_period(date_from, date_to, restate_on)
    except ValueError as error:
        raise BadFilter(str(error)) from error
    return date_from, date_to, restate_on


@require_GET
def dashboard(request, code):
    unit = selectors.unit_for_report(request.user, code)
    try:
        date_from, date_to, restate_on = _dashboard_period(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    context = dashboard_context(request, unit, date_from, date_to, restate_on)
    return render(request, "reports/dashboard.html", context)


@require_GET
def dashboard_pdf(request, code):
    """The dashboard as a PDF in the user's language: numbers, charts and findings."""
    unit = selectors.unit_for_report(request.user, code)
    try:
        date_from, date_to, restate_on = _dashboard_period(request)
    except BadFilter as error:
        return _bad_filter(request, error)
    context = dashboard_context(request, unit, date_from, date_to, restate_on)
    context.update(
        {
            "language": translation.get_language() or "en",
            "issued": timezone.localdate(),
            "headers": [COLUMN_LABELS[c] for c in selectors.ACHIEVEMENT_COLUMNS],
            "table": [[row[c] for c in selectors.ACHIEVEMENT_COLUMNS] for row in context["rows"]],
        }
    )
    html = render_to_string("reports/pdf/dashboard.html", context, request=request)
    log_export(request.user, what=f"dashboard {unit.code} {date_from}–{date_to} (pdf)", unit=unit)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"dashboard-{unit.code}-{date_from.isoformat()}-{date_to.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
