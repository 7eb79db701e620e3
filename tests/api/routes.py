"""Every API URL name for the every-URL test (tests/urlcheck.py).

Names are as the resolver reports them: the NinjaAPI's namespace is `api`, and each
operation is named by its `url_name`. Routes with `api=True` expect 401 (JSON) from an
anonymous caller; the schema, the docs and the root (a redirect to the docs) are public.
Ninja serves GET and POST (or PATCH) of one path from one view, so the write routes
repeat a path with another method.
"""

import datetime as dt

from grassroots.org import restructure
from grassroots.pipeline.models import Admission, Course, Source
from grassroots.plans.models import Target
from grassroots.transfers.models import Transfer
from tests.conferences.routes import API_ROUTES
from tests.transfers.helpers import make_member
from tests.urlcheck import Route

HS_PUPIL = "001090000002"
D = dt.date


def _source(town):
    source, _ = Source.objects.get_or_create(
        person=town.people[HS_PUPIL], unit=town.unit("HS"), defaults={"nominated_on": D(2024, 9, 5)}
    )
    return {"source_id": source.pk}


def _member(town):
    make_member(town, HS_PUPIL, "HS")
    return {"national_id": HS_PUPIL}


def _course(town):
    Course.objects.get_or_create(
        code="HS-2024",
        defaults={
            "organizer": town.unit("HS"),
            "title": "Awareness course",
            "start_date": D(2024, 3, 4),
            "end_date": D(2024, 3, 8),
        },
    )
    return {"code": "HS-2024"}


def _admission(town):
    admission, _ = Admission.objects.get_or_create(
        person=town.people[HS_PUPIL],
        decision_date=D(2024, 12, 2),
        defaults={"unit": town.unit("HS")},
    )
    return {"admission_id": admission.pk}


def _target(town):
    target, _ = Target.objects.get_or_create(
        unit=town.unit("HS"),
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
        defaults={"minimum": 3},
    )
    return {"target_id": target.pk}


def _transfer(town):
    transfer, _ = Transfer.objects.get_or_create(
        person=town.people[HS_PUPIL],
        issued_on=D(2025, 2, 3),
        defaults={"kind": "temporary", "from_unit": town.unit("HS"), "to_unit": town.unit("W1C1")},
    )
    return {"transfer_id": transfer.pk}


def _person(town):
    return {"national_id": HS_PUPIL}


def _hs(town):
    return {"code": "HS"}


ROUTES = [
    Route("api:api-root", public=True, api=True),
    # /api/… from before the version: a 308 to /api/v1/… for anyone (the target checks).
    Route("api-unversioned", kwargs=lambda town: {"rest": "units"}, public=True, api=True),
    Route("api:openapi-json", public=True, api=True),
    Route("api:openapi-view", public=True, api=True),
    Route("api:me", api=True),
    Route("api:unit_list", api=True),
    Route("api:unit_detail", kwargs=_hs, record_unit="HS", api=True),
    Route("api:unit_children", kwargs=_hs, record_unit="HS", api=True),
    Route(
        "api:unit_create",
        method="post",
        data=lambda town: {
            "code": "HS2",
            "name": "Second school",
            "kind": "cell",
            "parent_code": "W1",
        },
        weak_user="w1_viewer",
        api=True,
    ),
    Route(
        "api:unit_update",
        kwargs=_hs,
        method="patch",
        data=lambda town: {"name": "High school cell"},
        record_unit="HS",
        weak_user="secretary",
        api=True,
    ),
    Route("api:unit_event_list", api=True),
    Route(
        "api:unit_event",
        kwargs=lambda town: {"event_id": _event(town)},
        record_unit="HS",
        api=True,
    ),
    *[
        Route(
            f"api:unit_event_{kind}",
            method="post",
            data=lambda town, body=body: {"date": "2025-07-01", "dry_run": True, **body},
            weak_user="org",
            api=True,
        )
        for kind, body in (
            ("move", {"unit": "W1C2", "to": "W2"}),
            ("rename", {"unit": "W1C2", "name": "Area two"}),
            ("merge", {"units": ["W1C2"], "into": "W1C1"}),
            (
                "split",
                {
                    "unit": "W1C2",
                    "into": [{"code": "A2", "name": "A"}, {"code": "B2", "name": "B"}],
                },
            ),
            ("close", {"unit": "W1C1G1"}),
        )
    ],
    Route("api:person_list", api=True),
    Route("api:person_detail", kwargs=_person, record_unit="HS", api=True),
    Route(
        "api:person_create",
        method="post",
        data=lambda town: {
            "national_id": "001090000077",
            "full_name": "Hồ Văn Minh",
            "gender": "male",
            "birth_date": "1999-09-09",
            "unit": "W1",
        },
        weak_user="w1_viewer",
        api=True,
    ),
    Route(
        "api:person_update",
        kwargs=_person,
        method="patch",
        data=lambda town: {"occupation": "pupil"},
        record_unit="HS",
        api=True,
    ),
    Route("api:source_list", api=True),
    Route("api:source_detail", kwargs=_source, record_unit="HS", api=True),
    Route(
        "api:source_create",
        method="post",
        data=lambda town: {"person": "001090000001", "unit": "W1", "nominated_on": "2025-01-06"},
        weak_user="w1_viewer",
        api=True,
    ),
    Route(
        "api:source_update",
        kwargs=_source,
        method="patch",
        data=lambda town: {"note": "Reviewed"},
        record_unit="HS",
        api=True,
    ),
    Route("api:course_list", api=True),
    Route("api:course_detail", kwargs=_course, record_unit="HS", api=True),
    Route(
        "api:course_create",
        method="post",
        data=lambda town: {
            "code": "W1-2025",
            "organizer": "W1",
            "title": "Ward course",
            "start_date": "2025-03-03",
            "end_date": "2025-03-07",
        },
        weak_user="w1_clerk",
        api=True,
    ),
    Route("api:admission_list", api=True),
    Route("api:admission_detail", kwargs=_admission, record_unit="HS", api=True),
    Route("api:transfer_list", api=True),
    Route("api:transfer_detail", kwargs=_transfer, record_unit="HS", api=True),
    Route(
        "api:transfer_issue",
        method="post",
        # Invalid on purpose (no such person): proves auth and scope, not the procedure.
        data=lambda town: {"person": "NOSUCH", "kind": "official", "issued_on": "2025-01-01"},
        allowed_user=None,
        api=True,
    ),
    Route(
        "api:transfer_receive",
        kwargs=_transfer,
        method="post",
        data=lambda town: {"arrived_on": "2025-02-10"},
        record_unit="HS",
        api=True,
    ),
    Route(
        "api:transfer_end",
        kwargs=_transfer,
        method="post",
        data=lambda town: {"ended_on": "2025-02-10", "outcome": "returned"},
        record_unit="HS",
        api=True,
    ),
    Route(
        "api:membership_leave",
        kwargs=_member,
        method="post",
        data=lambda town: {"ended_on": "2025-02-10", "reason": "resigned"},
        record_unit="HS",
        weak_user="secretary",
        api=True,
    ),
    Route(
        "api:report_newly_admitted",
        data=lambda town: {"unit": "HS", "from": "2024-01-01", "to": "2024-12-31"},
        record_unit="HS",
        api=True,
    ),
    Route("api:target_list", api=True),
    Route("api:forecast_list", api=True),
    Route("api:target_detail", kwargs=_target, record_unit="HS", api=True),
    Route(
        "api:target_create",
        method="post",
        data=lambda town: {
            "unit": "W1C1",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "minimum": 2,
        },
        weak_user="w1_clerk",
        api=True,
    ),
    Route(
        "api:target_update",
        kwargs=_target,
        method="patch",
        data=lambda town: {"minimum": 4},
        record_unit="HS",
        weak_user="secretary",
        api=True,
    ),
]


def _event(town):
    outcome = restructure.unit_rename(
        trace=town.trace, unit=town.unit("HS"), name="High school", day=D(2025, 7, 1)
    )
    return outcome.event.pk


ROUTES += API_ROUTES  # the conferences' (tests/conferences/routes.py)
