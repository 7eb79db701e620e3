import datetime as dt

from tests.urlcheck import Route


def period(code):
    return lambda town: {"unit": code, "from": "2024-01-01", "to": "2024-12-31"}


def _course(town):
    from grassroots.pipeline.models import Course

    Course.objects.get_or_create(
        code="RC1",
        defaults={
            "organizer": town.unit("W1"),
            "title": "Awareness course",
            "start_date": dt.date(2024, 3, 1),
            "end_date": dt.date(2024, 3, 5),
        },
    )
    return {"course": "RC1", "until": "2024-12-31"}


ROUTES = [
    Route("reports:index"),
    Route("reports:achievement", data=period("W1"), record_unit="W1"),
    Route("reports:achievement_xlsx", data=period("W1"), record_unit="W1"),
    Route("reports:achievement_pdf", data=period("W1C1"), record_unit="W1C1"),
    Route(
        "reports:background",
        method="post",
        data=lambda town: {**period("W1")(town), "format": "xlsx"},
        record_unit="W1",
    ),
    Route("reports:composition", data=period("HS"), record_unit="HS"),
    Route("reports:newly_admitted", data=period("W1"), record_unit="W1"),
    Route("reports:newly_admitted_xlsx", data=period("W1"), record_unit="W1"),
    Route("reports:newly_admitted_pdf", data=period("W1C1"), record_unit="W1C1"),
    Route("reports:funnel", data=_course, record_unit="W1"),
    Route(
        "reports:dashboard",
        kwargs=lambda town: {"code": "W1"},
        data=lambda town: {"from": "2024-01-01", "to": "2024-12-31"},
        record_unit="W1",
    ),
    Route(
        "reports:dashboard_pdf",
        kwargs=lambda town: {"code": "W1C2"},
        data=lambda town: {"from": "2024-01-01", "to": "2024-12-31"},
        record_unit="W1C2",
    ),
]
