"""What the tree's partial (`org/partials/tree_nodes.html`) shows of each unit, worked out
once per page in Python: the links, the kind's name and the counted phrases. A tree of a
few hundred units otherwise spends most of its time in a `{% url %}`, a
`get_kind_display` and three `{% blocktranslate count %}` per unit.

The phrases are the template's own messages (the same msgids), so the catalogues need no
change; the numbers are grouped as the reader groups thousands (1.202 in Vietnamese).
"""

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from grassroots.links import link_to

from .models import Unit


def label(nodes, day):
    """Set `.href`, `.kind_label`, `.people_text`, `.members_text`, `.more_url` and
    `.more_text` on `nodes` and their loaded children (from `selectors.tree_for` /
    `children_of`); `day` is the page's day. Returns `nodes`."""
    unit_path, children_path = link_to("org:unit"), link_to("org:children")
    kinds = {value: str(name) for value, name in Unit.Kind.choices}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        on = node.on_day.isoformat() if node.on_day else ""
        node.href = unit_path(node.code)
        if day and day != node.valid_to and node.on_day:
            node.href += "?on=" + on
        node.kind_label = kinds.get(node.kind, node.kind)
        people = getattr(node, "people_count", None)
        node.people_text = node.members_text = None
        if people is not None:
            node.people_text = _count(ngettext("%(n)s person", "%(n)s people", people), people)
            members = node.member_count
            node.members_text = _count(ngettext("%(n)s member", "%(n)s members", members), members)
        node.more_url = node.more_text = None
        if node.below and not node.children_loaded:
            node.more_url = children_path(node.code) + "?on=" + on
            node.more_text = _count(
                ngettext("show %(n)s unit below", "show %(n)s units below", node.below),
                node.below,
            )
        stack.extend(node.children)
    return nodes


def _count(message, n):
    # As {% blocktranslate count %}: the message is trusted, the number localised, its
    # thousands grouped. The ngettext calls stay literal at the call sites, where
    # makemessages finds them.
    return mark_safe(message % {"n": number_format(n, force_grouping=True)})
