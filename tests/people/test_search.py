import pytest
from django.urls import reverse

from grassroots.people import selectors
from grassroots.people.models import Person
from tests.factories import PersonFactory

TU = "001090000001"  # Đặng Hữu Tú, ward 1


def _ids(people):
    return [p.national_id for p in people]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Đặng Hữu Tú", "dang huu tu", "DANG", "tu dang", "001090000001"])
def test_search_ignores_accents_case_and_word_order(town, query):
    assert _ids(selectors.people_for(town.user("org"), q=query)) == [TU]


@pytest.mark.django_db
def test_every_word_must_match(town):
    assert _ids(selectors.people_for(town.user("org"), q="dang lan")) == []


@pytest.mark.django_db
def test_people_are_listed_in_vietnamese_roster_order(town):
    for name in ["Nguyễn Văn Đức", "Nguyễn Văn Dũng", "Trần Ăn", "Lê Anh"]:
        PersonFactory(full_name=name, unit=town.unit("W2C1"))
    names = [p.full_name for p in selectors.people_for(town.user("org"), unit=town.unit("W2C1"))]
    # given name first: An < Anh < Ăn ... Dũng < Đức (d before đ)
    assert names == ["Phạm Văn An", "Lê Anh", "Trần Ăn", "Nguyễn Văn Dũng", "Nguyễn Văn Đức"]


@pytest.mark.django_db
def test_list_page_finds_tu_without_accents(client_for):
    page = client_for("org").get(reverse("people:list"), {"q": "dang huu tu"}).content.decode()
    assert "Đặng Hữu Tú" in page
    assert "Nguyễn Thị Lan" not in page


@pytest.mark.django_db
def test_unit_filter_keeps_the_subtree(client_for):
    page = client_for("org").get(reverse("people:list"), {"unit": "W1"}).content.decode()
    assert "Đặng Hữu Tú" in page and "Trần Thị Bích" in page
    assert "Nguyễn Thị Lan" not in page


@pytest.mark.django_db
def test_secretary_sees_only_the_high_school_people(client_for):
    page = client_for("secretary").get(reverse("people:list")).content.decode()
    assert "Nguyễn Thị Lan" in page and "Lê Văn Dũng" in page
    assert "Đặng Hữu Tú" not in page


@pytest.mark.django_db
def test_unit_filter_outside_scope_finds_no_unit_and_nobody(client_for):
    """Out of scope is "not found", like a unit that does not exist: the filter is given
    back with the input kept and an error, and nobody is listed."""
    response = client_for("secretary").get(reverse("people:list"), {"unit": "W1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No unit" in page and 'value="W1"' in page
    assert "Đặng Hữu Tú" not in page and "Nguyễn Thị Lan" not in page


@pytest.mark.django_db
def test_list_page_does_not_query_per_row(client_for, town, django_assert_max_num_queries):
    PersonFactory.create_batch(30, unit=town.unit("W1C2"))
    client = client_for("org")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:list"))
    assert response.context["page_obj"].paginator.count == Person.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "org", "secretary", "w1_clerk", "outsider"])
def test_the_list_total_from_the_counters_equals_a_count(client_for, town, username):
    PersonFactory(unit=None)
    PersonFactory.create_batch(3, unit=town.unit("W1C1G1"))
    response = client_for(username).get(reverse("people:list"))
    expected = selectors.people_for(town.user(username)).count()
    assert response.context["page_obj"].paginator.count == expected


@pytest.mark.django_db
def test_an_id_prefix_finds_the_ids_that_start_with_it(town):
    PersonFactory(national_id="079555000001", unit=town.unit("W1C2"))
    PersonFactory(national_id="001079555000", unit=town.unit("W1C2"))
    assert _ids(selectors.people_for(town.user("org"), q="0795550")) == ["079555000001"]
    assert _ids(selectors.people_for(town.user("org"), q="001090000001")) == [TU]
