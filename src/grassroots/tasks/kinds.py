"""The kinds of background work, registered by the apps that own them.

A lower app cannot import a higher one, so `exchange` and `reports` register their kinds
here (in their AppConfig.ready()), and this app runs them without knowing what they do:

    from grassroots.tasks import kinds

    kinds.register(
        "export",
        title=lambda run: _("Export %(unit)s") % {"unit": run.params["unit"]},
        run="grassroots.exchange.tasks.export_run",   # export_run(work): see tasks/runner.py
        template="exchange/partials/export_result.html",
    )

`run` is the function or its dotted path: a path keeps the module that does the work (and
all it imports) out of every process's start, and is imported when a run needs it.
`run(work)` does the work as the run's owner: it reports progress with
`work.progress(done, total)`, writes a result file with `work.save_result(...)`, and sets
`work.summary` and `work.problems`. It raises `Refused(message)` when the work cannot be
done as asked (the unit is out of the owner's sight, the upload has gone): the run ends
with that message as its problem. With `atomic=True` the work and the run's final state
are one transaction: the data change is written with its "done", or not at all.
"""

import dataclasses
from collections.abc import Callable

from django.utils.module_loading import import_string


class Refused(Exception):
    """The work cannot be done as asked; the message is shown to the user."""


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    title: Callable
    run: Callable | str
    template: str = ""
    atomic: bool = False

    def perform(self, work):
        run = import_string(self.run) if isinstance(self.run, str) else self.run
        run(work)


_kinds = {}


def register(name, *, title, run, template="", atomic=False):
    """Add a kind of work (registering the same name again replaces it)."""
    _kinds[name] = Kind(name=name, title=title, run=run, template=template, atomic=atomic)
    return _kinds[name]


def get(name):
    """The kind registered under `name`; KeyError if none."""
    return _kinds[name]


def title_of(run):
    """What the run does, for lists and headings; the kind's name if it is not registered."""
    kind = _kinds.get(run.kind)
    if kind is None:
        return run.kind
    try:
        return str(kind.title(run))
    except (KeyError, TypeError, ValueError):
        return run.kind
