"""The pipeline's section on a person's page: their way from source to official member."""

from django.utils.translation import gettext as _

from . import selectors


def pipeline_section(user, person):
    events = selectors.person_timeline(user, person)
    if not events:
        return None
    return {
        "title": _("Admission pipeline"),
        "template": "pipeline/partials/person_timeline.html",
        "context": {"events": events},
    }
