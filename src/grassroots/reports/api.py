"""Reports over the REST API: the statistical form on newly admitted members.

Read through the caller's scope (`statform.newly_admitted` requires the right to view the
unit); a unit outside it is a 404, like an unknown one.
"""

from decimal import Decimal

from ninja import Field, Query, Router, Schema

from grassroots.api_common import (
    LIST,
    ApiError,
    Filters,
    item,
    responses,
    unit_by_code,
    user_of,
)
from grassroots.api_fields import Day, omittable, text
from grassroots.org.models import Unit

from . import periods, statform

router = Router(tags=["reports"])


class NewlyAdmittedFilters(Filters):
    unit: text(Unit, "code") = Field(description="The unit whose form it is (and all below it).")
    date_from: Day = Field(alias="from", description="First day of the period (YYYY-MM-DD).")
    date_to: Day = Field(alias="to", description="Last day of the period (YYYY-MM-DD).")
    restate_on: Day = omittable(
        description="Count both periods on the structure of this day (default: as it was)."
    )


class FormRowOut(Schema):
    indicator: str
    label: str
    this_period: float | int | None = Field(
        description="A count, or for age.average the mean age with one decimal."
    )
    same_period_last_year: float | int | None
    change_pct: float | None = Field(
        description="100 × (this − last) ÷ last, one decimal; null when last is 0 or empty."
    )


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


@router.get(
    "/reports/newly-admitted",
    response=responses({200: list[FormRowOut]}, (*LIST, 409)),
    url_name="report_newly_admitted",
)
def newly_admitted(request, filters: Query[NewlyAdmittedFilters]):
    """The statistical form on newly admitted members (guideline 11-HD/BTCTW, form 2) for
    `unit` over [`from`, `to`] and the same period a year earlier, rows in the contract's
    order (docs/exchange-format.md), labels in the request's language."""
    user = user_of(request)
    unit = unit_by_code(user, filters.unit)
    try:
        periods.check_period(filters.date_from, filters.date_to, filters.restate_on)
    except ValueError as exc:
        # The period fits the schema but not the calendar (an end before its start, a
        # restatement before the end): a rule, answered 409 as everywhere (docs/api.md).
        raise ApiError(409, [item(["query", "to"], str(exc), "period")]) from exc
    rows = statform.newly_admitted(
        user,
        unit=unit,
        date_from=filters.date_from,
        date_to=filters.date_to,
        restate_on=filters.restate_on,
    )
    return [{key: _number(value) for key, value in row.items()} for row in rows]
