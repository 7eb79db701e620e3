"""A conference of the test town's cluster "Gò Nổi" held by the town committee."""

import datetime as dt

from grassroots.conferences import services
from grassroots.history.services import Trace
from grassroots.org.models import Cluster

DAY = dt.date(2024, 7, 15)


def conference(town, user="org", **extra):
    fields = {
        "committee": town.unit("TOWN"),
        "cluster": Cluster.objects.get(name="Gò Nổi"),
        "title": "Winning new members in Gò Nổi",
        "date": DAY,
        "place": "Town hall",
        "chair": "Secretary of the town committee",
        "period_from": dt.date(2024, 1, 1),
        "period_to": dt.date(2024, 6, 30),
        **extra,
    }
    return services.conference_create(trace=Trace(user=town.user(user)), **fields)


def conclusion(town, conf, tasks=None, user="org"):
    tasks = (
        tasks
        if tasks is not None
        else [
            {
                "unit": town.unit("W1"),
                "role": "secretary",
                "action": "Nominate five sources in the two enterprises",
                "due_on": dt.date(2024, 9, 30),
            }
        ]
    )
    return services.conclusion_add(
        trace=Trace(user=town.user(user)),
        conference=conf,
        text="Each ward nominates sources in its enterprises.",
        tasks=tasks,
    )
