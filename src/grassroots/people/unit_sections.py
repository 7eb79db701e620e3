"""The people app's section on a unit's page: who is registered there, and its members.

Registered with `org.sections` in apps.py (org sits below people and does not read them).
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from grassroots.org.selectors import unit_totals
from grassroots.paging import paginate

from .access import log_list_view
from .selectors import unit_members, unit_people


def people_and_members(request, unit):
    """People in the unit and below (national IDs shown: the view is logged), and members."""
    people_total, member_total = unit_totals(unit)
    people = paginate(request, unit_people(request.user, unit), count=people_total)
    members = list(unit_members(request.user, unit)[:50])
    # The people and members shown carry national IDs: one Access row per person shown.
    log_list_view(
        request,
        name=_("Unit page, people"),
        filters=[(_("unit"), unit.code)],
        shown=[*people["page_obj"].object_list, *((m.person, m.unit_id) for m in members)],
    )
    return {
        "title": _("People"),
        "template": "people/partials/unit_people.html",
        "context": {
            **people,
            "members": members,
            "member_total": member_total,
            # As the page writes it: 2.499 in Vietnamese and German.
            "member_total_shown": number_format(member_total, force_grouping=True),
        },
    }
