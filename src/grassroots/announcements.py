"""Facts the services announce, for the apps above them to act on in the same transaction.

A lower app must not import a higher one (`docs/architecture.md`, "Layers"), yet some
things above it depend on what it records: the report roll-ups count admissions and must
follow when a person's counted attributes change or when units move in the tree. So a
service announces the fact, and the app that keeps derived data subscribes to it:

    # reports/apps.py (ready)
    announcements.subscribe(announcements.ADMISSION_RECORDED, "grassroots.reports.rollups.on_admission_recorded")

    # pipeline/services.py, inside the transaction that saved the admission
    announcements.announce(announcements.ADMISSION_RECORDED, admission=admission)

Subscribers are named by dotted path and imported on first use, so registering one never
imports the higher app early. They run synchronously, in the announcing transaction: if a
subscriber fails, the whole change is rolled back. These are not business rules (those stay
in the services); subscribers keep counts and other derived data true.
"""

from django.utils.module_loading import import_string

# An admission was saved (`admission`).
ADMISSION_RECORDED = "admission_recorded"
# An admission is about to be deleted, or to change unit, date or flags (`admission`:
# the stored values, before the change).
ADMISSION_WITHDRAWN = "admission_withdrawn"
# A person's counted attributes changed (`person`, `before`: the old values).
PERSON_CHANGED = "person_changed"
# These units are about to change place or grouping from `since` on (None: at all times, a
# correction): which units stand above them, or which cluster or sector is in force there
# (`unit_ids`, `since`). Announced before the change, and UNITS_CHANGED after it.
UNITS_CHANGING = "units_changing"
UNITS_CHANGED = "units_changed"

_subscribers = {}
_resolved = {}


def subscribe(fact, handler):
    """Call `handler` (a dotted path or a callable) with the fact's details."""
    handlers = _subscribers.setdefault(fact, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(fact, handler):
    handlers = _subscribers.get(fact, [])
    if handler in handlers:
        handlers.remove(handler)


def announce(fact, **details):
    """Tell every subscriber of `fact`; call inside the transaction that made the fact."""
    for handler in list(_subscribers.get(fact, ())):
        if isinstance(handler, str):
            if handler not in _resolved:
                _resolved[handler] = import_string(handler)
            handler = _resolved[handler]
        handler(**details)
