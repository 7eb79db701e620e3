"""Sections other apps add to a person's page (dossiers, transfers, ...).

An app registers a provider, usually in its AppConfig.ready(), by dotted path:

    sections.register("grassroots.pipeline.sections.pipeline_section")

    def pipeline_section(user, person):
        return {"title": _("Dossiers"), "template": "pipeline/partials/person.html",
                "context": {"dossiers": ...}}

A provider receives the acting user and a person already checked to be in the user's
scope; it returns one section dict, a list of them, or None to show nothing. Providers
must read through their own selectors (scoped) and must not write data.

people/detail.html includes each section's template with its context as `section`
(`{{ section.events }}`); the page's own context (person, user, request) stays available.
"""

from django.utils.module_loading import import_string

_providers = []


def register(provider):
    """Add a provider: a function, or its dotted path (imported when first used, so that an
    app's ready() registers it without importing its models early). Registering the same
    provider twice is a no-op; usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider):
    if provider in _providers:
        _providers.remove(provider)


def for_person(user, person):
    """[{"title", "template", "context"}] from every provider, in registration order."""
    found = []
    for provider in _providers:
        if isinstance(provider, str):
            provider = import_string(provider)
        result = provider(user, person)
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
