import datetime as dt

from tests.urlcheck import Route


def _conference(town):
    from grassroots.conferences.models import Conference

    found = Conference.objects.filter(committee=town.unit("W1"), title="Ward conference").first()
    if found is None:
        from grassroots.conferences import services
        from grassroots.history.services import Trace

        found = services.conference_create(
            trace=Trace.system("routes"),
            committee=town.unit("W1"),
            title="Ward conference",
            date=dt.date(2024, 7, 1),
            period_from=dt.date(2024, 1, 1),
            period_to=dt.date(2024, 6, 30),
            units=[town.unit("W1C1"), town.unit("W1C2")],
        )
    return found


def conference(town):
    return {"pk": _conference(town).pk}


def participation(town):
    return {"pk": _conference(town).participations.first().pk}


def task(town):
    from grassroots.conferences import services
    from grassroots.history.services import Trace

    conf = _conference(town)
    concl = services.conclusion_add(
        trace=Trace.system("routes"),
        conference=conf,
        text="Nominate sources.",
        tasks=[
            {
                "unit": town.unit("W1C1"),
                "role": "secretary",
                "action": "Nominate two sources",
                "due_on": dt.date(2024, 9, 1),
            }
        ],
    )
    return {"pk": concl.tasks.get().pk}


def conference_id(town):
    return {"conference_id": _conference(town).pk}


def task_id(town):
    return {"task_id": task(town)["pk"]}


def recognition_id(town):
    from grassroots.conferences import services
    from grassroots.history.services import Trace

    recognition = services.recognition_record(
        trace=Trace.system("routes"),
        conference=_conference(town),
        kind="commend",
        unit=town.unit("W1C1"),
        date=dt.date(2024, 7, 1),
        text="Twelve sources.",
    )
    return {"recognition_id": recognition.pk}


def unit(code):
    return lambda town: {"unit": code}


ROUTES = [
    Route("conferences:list", data=unit("W1"), record_unit="W1"),
    Route("conferences:new", data=unit("W1"), record_unit="W1", weak_user="w1_clerk"),
    Route("conferences:participants", weak_user="w1_clerk"),
    Route("conferences:detail", kwargs=conference, record_unit="W1"),
    Route("conferences:paper", kwargs=conference, record_unit="W1"),
    Route("conferences:conclusion_new", kwargs=conference, record_unit="W1", weak_user="w1_clerk"),
    Route("conferences:recognition_new", kwargs=conference, record_unit="W1", weak_user="w1_clerk"),
    Route(
        "conferences:attendance",
        kwargs=participation,
        method="post",
        data=lambda town: {"attendees": "3"},
        record_unit="W1",
        weak_user="w1_clerk",
    ),
    Route("conferences:task", kwargs=task, record_unit="W1C1"),
]

# The API's routes: listed with the API's own (tests/api/routes.py), which the schema
# test compares with the document.
API_ROUTES = [
    Route("api:conference_list", api=True),
    Route("api:conference_detail", kwargs=conference_id, record_unit="W1", api=True),
    Route(
        "api:conference_create",
        method="post",
        data=lambda town: {
            "committee": "W1",
            "units": ["W1C1"],
            "title": "Ward conference",
            "date": "2024-07-01",
            "period_from": "2024-01-01",
            "period_to": "2024-06-30",
        },
        weak_user="w1_clerk",
        api=True,
    ),
    Route(
        "api:conference_attendance",
        kwargs=conference_id,
        method="post",
        data=lambda town: {"unit": "W1C1", "attendees": 3},
        record_unit="W1",
        weak_user="w1_clerk",
        api=True,
    ),
    Route(
        "api:conclusion_create",
        kwargs=conference_id,
        method="post",
        data=lambda town: {"text": "Nominate sources."},
        record_unit="W1",
        weak_user="w1_clerk",
        api=True,
    ),
    Route("api:conference_task_list", api=True),
    Route("api:conference_task_detail", kwargs=task_id, record_unit="W1C1", api=True),
    Route(
        "api:conference_task_complete",
        kwargs=task_id,
        method="post",
        data=lambda town: {"completed_on": "2024-08-01", "note": "Done."},
        record_unit="W1C1",
        weak_user="w1_viewer",
        api=True,
    ),
    Route("api:recognition_list", api=True),
    Route("api:recognition_detail", kwargs=recognition_id, record_unit="W1C1", api=True),
    Route(
        "api:recognition_create",
        method="post",
        data=lambda town: {
            "kind": "commend",
            "unit": "W1C1",
            "date": "2024-07-01",
            "text": "Twelve sources.",
            "conference": _conference(town).pk,
        },
        weak_user="w1_clerk",
        api=True,
    ),
]
