"""Panels other apps add to a unit's dashboard beside its numbers (recognitions, ...).

`reports` sits below the apps that record them, so it does not read them; each app
registers a provider in its AppConfig.ready():

    panels.register(provider)

A provider receives the request, a unit already checked to be in the user's scope and
the dashboard's period, and returns one section dict `{"title", "template", "context"}`
or None; it reads through its own app's selectors (scoped).
"""

_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def for_dashboard(request, unit, date_from, date_to):
    found = []
    for provider in _providers:
        section = provider(request, unit, date_from, date_to)
        if section:
            found.append(
                {
                    "title": section["title"],
                    "template": section["template"],
                    "context": section.get("context") or {},
                }
            )
    return found
