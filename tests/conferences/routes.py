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
