"""The history shows a change in the reader's language: the record type, the field names,
choice labels, yes/no and dates; the stored row keeps the raw names and values."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from grassroots.history.models import Change
from grassroots.history.services import Trace
from grassroots.people import services as people_services

from .test_pages_in_language import visible_text

TU = "001090000001"


@pytest.fixture
def changed(town):
    people_services.person_update(
        trace=Trace(user=town.user("org")),
        person=town.people[TU],
        education="primary",
        ethnic_minority=True,
        birth_date=dt.date(1975, 4, 20),
    )
    return Change.objects.filter(model="people.person", object_id=str(town.people[TU].pk)).first()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "de",
            [
                "Person",
                "Bildung",
                "Universität",
                "Grundschule",
                "Ethnische Minderheit",
                "ja",
                "20.04.1975",
            ],
        ),
        ("vi", ["Người", "Trình độ học vấn", "đại học", "tiểu học", "Dân tộc thiểu số", "có"]),
    ],
)
def test_history_page_speaks_the_readers_language(client_for, changed, language, words):
    client = client_for("org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("history:list"), {"model": "people.person"}).content.decode()
    page = visible_text(html)
    for word in words:
        assert word in page, word
    for raw in ("people.person", "education", "university", "ethnic_minority", "True"):
        assert raw not in page, raw
    assert changed.before["education"] == "university"  # stored raw, shown translated


@pytest.mark.django_db
def test_the_record_type_filter_names_types_in_the_language(client_for, changed):
    client = client_for("org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    models = client.get(reverse("history:list")).context["models"]
    assert ("people.person", "Person") in models
    assert ("org.unit", "Einheit") in models


@pytest.mark.django_db
def test_a_record_type_or_field_unknown_to_the_code_stays_as_stored(changed):
    from grassroots.history.display import model_name, shown_changes

    assert model_name("gone.model") == "gone.model"
    row = Change(model="gone.model", before={"x_y": 1}, after={"x_y": 2})
    assert shown_changes(row) == [("X y", 1, 2)]


@pytest.mark.django_db
def test_an_accounts_roles_are_named_in_the_language(town):
    from django.utils import translation

    from grassroots.history.display import shown_changes

    row = Change(
        model="accounts.user",
        before={"roles": [], "followed_up": "secretary@HS"},
        after={"roles": ["secretary@HS", "viewer@W1"], "followed_up": "2026-12-07"},
    )
    with translation.override("de"):
        shown = {name: (old, new) for name, old, new in shown_changes(row)}
    assert shown["Rollen"] == ("—", "Sekretär · HS, Betrachter · W1")
    assert shown["Nachbearbeitet am"] == ("Sekretär · HS", "07.12.2026")


def test_names_are_text_in_the_language_of_the_call_not_of_a_later_one():
    # They were lazy: a name made in German read "Roles" once English was active again,
    # so the test above passed or failed with what an earlier test left active.
    from django.utils import translation

    from grassroots.history.display import field_name, model_name

    with translation.override("de"):
        names = field_name(None, "roles"), model_name("org.unit")
    with translation.override("en"):
        assert names == ("Rollen", "Einheit")
        assert all(type(name) is str for name in names)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "yes"), [("de", "ja"), ("vi", "có"), ("en", "yes")])
def test_a_yes_or_no_kept_beside_the_record_is_shown_in_words(language, yes):
    """An account's "must change password" is kept on its profile, not on the user: the
    history of a new account showed it as "True"."""
    from django.utils import translation

    from grassroots.history.display import field_value

    user_model = Change._meta.apps.get_model("auth", "User")
    with translation.override(language):
        assert field_value(user_model, "must_change_password", True) == yes
        assert field_value(user_model, "must_change_password", False) != "False"
