"""Other sources of the work list, registered by the apps above `deadlines`.

`deadlines` sits below the apps whose records may carry a deadline for a unit's users
(conference tasks), so it does not import them; each registers a provider in its
AppConfig.ready():

    sources.register(provider)

A provider is called with (user, today, unit) and yields dicts
`{kind, person, unit, due_on, url, label}` read through the user's scope (and under
`unit` when given); the work list adds the urgency and keeps what is overdue, due today
or due within its horizon.
"""

_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def providers():
    return list(_providers)
