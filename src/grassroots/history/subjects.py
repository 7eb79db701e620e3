"""Which records history rows are about, and how each kind of record is scoped.

History sits below every app, so it cannot know their models. Each app declares, in its
AppConfig.ready(), how its records are scoped (the path from the record to its unit, as
`accounts.scope.scoped` takes it) and how they relate to a person:

    subjects.register("pipeline.source", unit="unit", person="person")
    subjects.register("transfers.transfer", unit=("from_unit", "to_unit"), person="person")

A record kind about a person may also name its key in the person's subject export
(`export="sources"`) and say that it is erased with a person who never became a member
(`erasable=True`; erased in the reverse order of registration, so that a dossier's steps
go before the dossier). The people app reads them from here, so it never imports the apps
above it.

A history row about a registered record is shown to whoever may see that record now,
through the same scoping function as the record itself; a row about a record kind that is
not registered (clusters, sectors, tokens) only to those who hold every root. A record
kind read only by some roles names the action they hold (`action="manage_accounts"`:
accounts are read by the administrators, not by everyone who sees the unit).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Subject:
    label: str  # app_label.model_name, as Change.model holds it
    units: tuple  # paths from the record to the unit(s) it is seen through ('' : a unit)
    person: str | None  # path from the record to the person it is about, if any
    export: str | None = None  # its key in a person's subject export (people.selectors)
    erasable: bool = False  # erased with a person who never became a member
    action: str = "view"  # the action (accounts.roles.Action) that reads these records


_subjects = {}


def register(label, *, unit, person=None, export=None, erasable=False, action="view"):
    units = tuple(unit) if isinstance(unit, list | tuple) else (unit,)
    _subjects[label] = Subject(label, units, person, export, erasable, action)


def registered():
    return dict(_subjects)


def subject(label):
    return _subjects.get(label)
