"""`{% url %}` (core/quickurl.py, remembering what it reversed) and `links.link_to` (a route
reversed once for a long list) write what Django's `reverse` writes."""

import pytest
from django.template import Context, engines
from django.template.defaulttags import URLNode
from django.urls import NoReverseMatch, reverse, set_script_prefix

from grassroots.core.quickurl import QuickURLNode, _reversed
from grassroots.links import link_to


def render(text, **context):
    return engines["django"].from_string(text).render(context)


def test_every_template_gets_the_quick_tag():
    template = engines["django"].from_string("{% url 'org:tree' %}")
    nodes = template.template.nodelist.get_nodes_by_type(URLNode)
    assert nodes and all(isinstance(node, QuickURLNode) for node in nodes)


def test_it_writes_what_reverse_gives():
    _reversed.cache_clear()
    for _ in range(2):  # once reversed, once remembered
        assert render("{% url 'org:unit' code %}", code="DB-PPT") == reverse(
            "org:unit", args=["DB-PPT"]
        )
        assert render("{% url 'pipeline:dossier' pk=7 %}") == reverse(
            "pipeline:dossier", kwargs={"pk": 7}
        )
    assert _reversed.cache_info().hits >= 2


def test_it_quotes_and_escapes_as_django_does():
    code = "A&B C"
    assert render("{% url 'org:unit' code %}", code=code) == reverse(
        "org:unit", args=[code]
    ).replace("&", "&amp;")


def test_as_sets_the_variable_and_a_missing_route_gives_nothing():
    assert render("{% url 'org:tree' as link %}[{{ link }}]") == f"[{reverse('org:tree')}]"
    assert render("{% url 'no-such-route' as link %}[{{ link }}]") == "[]"


def test_a_missing_route_raises_without_as():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-route' %}")


def test_other_arguments_go_to_reverse_each_time():
    class Code:
        def __str__(self):
            return "DB"

    assert render("{% url 'org:unit' code %}", code=Code()) == reverse("org:unit", args=["DB"])


def test_the_script_prefix_is_part_of_what_is_remembered():
    template = engines["django"].from_string("{% url 'org:tree' %}")
    try:
        set_script_prefix("/one/")
        first = template.render(Context().flatten())
        set_script_prefix("/two/")
        second = template.render(Context().flatten())
    finally:
        set_script_prefix("/")
    assert first.startswith("/one/") and second.startswith("/two/")


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("org:unit", ["DB-PPT", "A&B C", "Đà Nẵng", "100%", "a?b#c"]),
        ("org:children", ["DN", "a b"]),
        ("pipeline:dossier", [1, 62, 9081726354]),
    ],
)
def test_link_to_writes_what_reverse_gives(name, values):
    link = link_to(name)
    for value in values:
        assert link(value) == reverse(name, args=[value])


def test_link_to_leaves_a_slash_to_reverse():
    with pytest.raises(NoReverseMatch):
        link_to("org:unit")("x/y")


def test_link_to_refuses_a_route_without_one_plain_argument():
    with pytest.raises(NoReverseMatch):
        link_to("org:tree")
