"""Praise and criticism in the exchange format: a recognition is known by its source too."""

import pytest

from grassroots.conferences.models import Recognition
from grassroots.exchange.importer import run_import
from tests.conferences.data import conference
from tests.exchange.helpers import imported, problems, write

pytestmark = pytest.mark.django_db

HEADER = "unit_code,date,kind,national_id,text,conference_committee_code,conference_date,conference_title"


def test_two_conferences_may_praise_the_same_unit_on_the_same_day(town, tmp_path):
    conference(town)
    conference(town, title="Second conference of the cluster")
    folder = write(
        tmp_path / "in",
        recognitions=f"""
            {HEADER}
            W1,2024-07-15,commend,,Twelve sources.,TOWN,2024-07-15,Winning new members in Gò Nổi
            W1,2024-07-15,commend,,Five admitted.,TOWN,2024-07-15,Second conference of the cluster
        """,
    )
    result = imported(folder, user=town.user("org"))
    assert result.summary["recognitions"]["created"] == 2
    assert sorted(Recognition.objects.values_list("conference__title", "text")) == [
        ("Second conference of the cluster", "Five admitted."),
        ("Winning new members in Gò Nổi", "Twelve sources."),
    ]
    # The file leaves out the finding's columns; imported again, it changes nothing.
    again = imported(folder, user=town.user("org"))
    assert again.summary["recognitions"]["unchanged"] == 2
    assert Recognition.objects.count() == 2


def test_the_same_recognition_twice_in_a_file_is_named(town, tmp_path):
    conference(town)
    folder = write(
        tmp_path / "in",
        recognitions=f"""
            {HEADER}
            W1,2024-07-15,commend,,Twelve sources.,TOWN,2024-07-15,Winning new members in Gò Nổi
            W1,2024-07-15,commend,,Twelve sources!,TOWN,2024-07-15,Winning new members in Gò Nổi
        """,
    )
    result = run_import(folder, user=town.user("org"))
    assert not result.ok
    assert any("recognitions:3" in p and "more than once" in p for p in problems(result))
    assert not Recognition.objects.exists()
