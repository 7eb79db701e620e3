"""The report tables write their figures as the reader writes numbers: 2.408 in Vietnamese
and German, 2,408 in English (core/numbers.py). Before, the dashboard said "2408 admitted
of 2500 planned" and the tables "2408" in every language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from grassroots.core.numbers import grouped
from grassroots.reports import views

GROUPED = {"vi": "2.408", "de": "2.408", "en": "2,408"}


@pytest.mark.parametrize("language", sorted(GROUPED))
def test_a_count_is_grouped_in_the_readers_way(language):
    with translation.override(language):
        assert grouped(2408) == GROUPED[language]
        assert Template("{{ n|grouped }}").render(Context({"n": 2408})) == GROUPED[language]


def test_a_share_keeps_the_readers_decimal_mark():
    with translation.override("de"):
        assert grouped(45.5) == "45,5"
    with translation.override("en"):
        assert grouped(1234.5) == "1,234.5"


@pytest.mark.parametrize("value", [None, "–", "W1", True])
def test_what_is_not_a_number_comes_back_as_it_was(value):
    assert grouped(value) == value


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("vi", "1.500"), ("en", "1,500")])
def test_the_achievement_table_groups_its_figures(
    client_for, town, monkeypatch, language, expected
):
    real = views.selectors.achievement

    def many(*args, **kwargs):
        rows = real(*args, **kwargs)
        for row in rows:
            row["admitted"] = 1500
        return rows

    monkeypatch.setattr(views.selectors, "achievement", many)
    client = client_for("org")
    query = {"unit": "TOWN", "from": "2025-01-01", "to": "2025-12-31", "by": "children"}
    page = client.get("/reports/achievement/", query, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<td class="num">{expected}</td>' in html
    assert '<td class="num">1500</td>' not in html
