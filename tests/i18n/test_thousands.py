"""Counts of a thousand and more are grouped as the reader groups thousands: 1.202 in
Vietnamese and German, 1,202 in English.

The unit tree said "1202 người", the unit page "Danh sách người (5000)" and the people list
"Tìm thấy 5000 người".
"""

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import ngettext

from grassroots.org.treenodes import _count
from grassroots.paging import CappedPaginator

GROUPED = {"vi": "1.202", "de": "1.202", "en": "1,202"}


@pytest.mark.parametrize("language", sorted(GROUPED))
def test_a_pages_count_is_grouped(language):
    paginator = CappedPaginator(list(range(3)), 50, count=1202)
    with translation.override(language):
        assert paginator.count_shown == GROUPED[language]
    assert paginator.count == 1202


@pytest.mark.parametrize("language", sorted(GROUPED))
def test_the_trees_counts_are_grouped(language):
    with translation.override(language):
        text = _count(ngettext("%(n)s person", "%(n)s people", 1202), 1202)
    assert text.startswith(GROUPED[language]) or text.endswith(GROUPED[language] + " người")
    assert "1202" not in text


@pytest.mark.parametrize(
    ("language", "found"),
    [
        ("vi", "Tìm thấy 1.202 người"),
        ("de", "1.202 Personen gefunden"),
        ("en", "1,202 people found"),
    ],
)
def test_the_people_list_groups_the_number_found(language, found):
    paginator = CappedPaginator([], 50, count=1202)
    request = RequestFactory().get("/people/")
    with translation.override(language):
        html = get_template("people/list.html").render(
            {"page_obj": paginator.get_page(1), "form": None, "request": request}
        )
    assert found in html


@pytest.mark.parametrize("language", ["vi", "de"])
def test_the_unit_pages_people_and_members_are_grouped(town, monkeypatch, language):
    from grassroots.people import unit_sections

    monkeypatch.setattr(unit_sections, "unit_totals", lambda unit: (5000, 2499))
    request = RequestFactory().get("/units/TOWN/")
    request.user = town.user("org")
    with translation.override(language):
        section = unit_sections.people_and_members(request, town.unit("TOWN"))
        html = get_template(section["template"]).render({"section": section["context"]})
    assert "(5.000)" in html and "(2.499)" in html
    assert "5000" not in html and "2499" not in html
