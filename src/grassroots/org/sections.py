"""Sections other apps add to a unit's page (its people and members, ...).

`org` sits below the apps whose records belong to a unit, so it does not read them; each
app registers a provider by dotted path in its AppConfig.ready():

    sections.register("grassroots.people.sections.unit_people")

A provider receives the request and a unit already checked to be in the user's scope, and
returns one section dict `{"title", "template", "context"}`, a list of them, or None. It
reads through its own app's selectors (scoped) and logs its own reads of personal data.
The unit page includes each section's template with its context as `section`.
"""

from django.utils.module_loading import import_string

_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def for_unit(request, unit):
    found = []
    for provider in _providers:
        if isinstance(provider, str):
            provider = import_string(provider)
        result = provider(request, unit)
        if not result:
            continue
        for section in result if isinstance(result, list | tuple) else [result]:
            found.append(
                {
                    "title": section["title"],
                    "template": section["template"],
                    "context": section.get("context") or {},
                }
            )
    return found
