import datetime as dt

from grassroots.org import restructure
from tests.urlcheck import Route


def code(unit_code):
    return lambda town: {"code": unit_code}


ROUTES = [
    Route("org:tree"),
    Route("org:create", weak_user="w1_viewer"),
    Route("org:unit", kwargs=code("HS"), record_unit="HS"),
    Route("org:children", kwargs=code("W1"), record_unit="W1"),
    Route("org:edit", kwargs=code("W1"), record_unit="W1", weak_user="w1_viewer"),
    Route("org:move", kwargs=code("W1C2"), record_unit="W1C2", weak_user="org"),
    Route("org:rename", kwargs=code("W1C2"), record_unit="W1C2", weak_user="org"),
    Route("org:merge", kwargs=code("W1C2"), record_unit="W1C2", weak_user="org"),
    Route("org:split", kwargs=code("W1C2"), record_unit="W1C2", weak_user="org"),
    Route("org:close", kwargs=code("W1C2"), record_unit="W1C2", weak_user="org"),
    Route("restructuring:list"),
    Route("restructuring:event", kwargs=lambda town: {"pk": _event(town)}, record_unit="HS"),
    Route("org:history", kwargs=code("HS"), record_unit="HS"),
]


def _event(town):
    """A rename of HS, for the event's page."""
    outcome = restructure.unit_rename(
        trace=town.trace, unit=town.unit("HS"), name="High school", day=dt.date(2025, 7, 1)
    )
    return outcome.event.pk
