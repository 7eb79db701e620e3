"""What belongs to a unit, as the apps above `org` declare it, so that a restructuring can
pass it to a successor without `org` importing them.

A restructuring (restructure.py) ends units. What belongs to an ending unit on the
effective date (its people, members, open dossiers, sources) passes to the successor, and
the facts of an ending unit must all lie before that date (an admission or a transfer
dated later refuses the event). The apps that own those records register a *holding*
(something that belongs to a unit and passes with it) or a *fact source* (dated facts that
tie a unit to a day), by dotted path, in their AppConfig.ready():

    holdings.register_holding("grassroots.people.restructuring.People")
    holdings.register_facts("grassroots.pipeline.restructuring.AdmissionFacts")

A holding is a class with:
- `name` (a key for the event's summary) and `label` (for people);
- `records(unit_ids)`: a queryset of what belongs to these units now;
- `key(record)`: how the summary names it (a national ID, a code);
- `person_id(record)`: the person it is about, so a split can send it where its person goes;
- `pass_to(trace, records, unit)`: make the records belong to `unit`, with history.

The person register (the people app) registers a directory, so that a split can read the
national IDs its --assign file names: `register_directory(path)`, a class with
`national_ids(person_ids)` returning {national ID: person id}.

A fact source is a class with:
- `conflicts(unit_ids, day)`: [str] describing facts of these units dated on or after `day`;
- `person_ids(unit_ids)`: the people these facts tie to the units (e.g. admitted by them).
"""

from django.utils.module_loading import import_string

_holdings = []
_facts = []
_directory = []


def register_holding(path):
    if path not in _holdings:
        _holdings.append(path)


def register_facts(path):
    if path not in _facts:
        _facts.append(path)


def register_directory(path):
    _directory[:] = [path]


def national_ids(person_ids):
    """{national ID: person id} for these person ids, from the registered directory."""
    if not _directory or not person_ids:
        return {}
    return import_string(_directory[0])().national_ids(person_ids)


def holdings():
    """One instance of every registered holding, in registration order."""
    return [import_string(path)() for path in _holdings]


def fact_sources():
    return [import_string(path)() for path in _facts]
