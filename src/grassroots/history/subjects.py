"""Which records history rows are about, and how each kind of record is scoped.

History sits below every app, so it cannot know their models. Each app declares, in its
AppConfig.ready(), how its records are scoped (the path from the record to its unit, as
`accounts.scope.scoped` takes it) and how they relate to a person:

    subjects.register("pipeline.source", unit="unit", person="person")
    subjects.register("transfers.transfer", unit=("from_unit", "to_unit"), person="person")

A history row about a registered record is shown to whoever may see that record now,
through the same scoping function as the record itself; a row about a record kind that is
not registered (clusters, sectors, tokens) only to those who hold every root.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Subject:
    label: str  # app_label.model_name, as Change.model holds it
    units: tuple  # paths from the record to the unit(s) it is seen through ('' : a unit)
    person: str | None  # path from the record to the person it is about, if any


_subjects = {}


def register(label, *, unit, person=None):
    units = tuple(unit) if isinstance(unit, list | tuple) else (unit,)
    _subjects[label] = Subject(label, units, person)


def registered():
    return dict(_subjects)


def subject(label):
    return _subjects.get(label)
