"""The target and finding pages in German: the date inputs keep their dates and the
messages write dates as German does.

Editing a target in German showed its dates as 01.01.2024 in `<input type="date">`, which
takes only ISO: the browser showed the fields empty, and saving answered "This field is
required". The saved message and the finding's close page wrote ISO dates.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from grassroots.history.services import Trace
from grassroots.plans import services


@pytest.fixture
def german(client_for):
    client = client_for("org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    return client


@pytest.fixture
def target(town):
    return services.target_set(
        trace=Trace(user=town.user("org")),
        unit=town.unit("W1"),
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        minimum=10,
        resolution_date=dt.date(2023, 12, 20),
    )


def test_editing_a_target_in_german_keeps_its_dates_in_the_inputs(german, target):
    html = german.get(reverse("plans:target_edit", args=[target.pk])).content.decode()
    assert 'name="period_start" value="2024-01-01"' in html
    assert 'name="period_end" value="2024-12-31"' in html
    assert 'name="resolution_date" value="2023-12-20"' in html


def test_the_saved_message_writes_the_period_in_german(german, target):
    response = german.post(
        reverse("plans:target_edit", args=[target.pk]),
        {"period_start": "2024-01-01", "period_end": "2024-12-31", "minimum": "12"},
        follow=True,
    )
    page = response.content.decode()
    assert "W1 01.01.2024–31.12.2024: 12" in page
    assert "2024-01-01–" not in page


def test_the_close_page_of_a_finding_names_its_day_in_german(german, town):
    finding = services.finding_record(
        trace=Trace(user=town.user("org")),
        unit=town.unit("W1C1"),
        date=dt.date(2024, 5, 2),
        kind="shortcoming",
        findings="The sources list was not reviewed.",
        follow_up_due=dt.date(2024, 7, 1),
    )
    page = german.get(reverse("plans:finding_close", args=[finding.pk])).content.decode()
    assert "W1C1 02.05.2024" in page
    assert "2024-05-02" not in page.replace('value="2024-05-02"', "")
