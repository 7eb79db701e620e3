"""The conference pages: prepare one with its cluster's units proposed, record a
conclusion with a task, the unit completes it; another unit's user sees nothing."""

import datetime as dt

from django.urls import reverse

from grassroots.conferences.models import Conference, Task
from grassroots.org.models import Cluster
from tests.conferences.data import conclusion, conference


def test_the_form_proposes_the_clusters_units(client_for, town):
    client = client_for("org")
    cluster = Cluster.objects.get(name="Gò Nổi")
    response = client.get(
        reverse("conferences:participants"),
        {"committee": "TOWN", "grouping": "cluster", "cluster": cluster.pk},
    )
    assert response.status_code == 200
    for code in ("W1", "W2", "HS"):
        assert f'value="{code}" checked' in response.content.decode()


def test_prepare_a_conference_then_conclude_and_complete(client_for, town):
    client = client_for("org")
    cluster = Cluster.objects.get(name="Gò Nổi")
    response = client.post(
        reverse("conferences:new"),
        {
            "committee": "TOWN",
            "grouping": "cluster",
            "cluster": cluster.pk,
            "title": "Gò Nổi conference",
            "date": "2024-07-15",
            "period_from": "2024-01-01",
            "period_to": "2024-06-30",
            "units": ["W1", "HS"],
        },
    )
    conf = Conference.objects.get(title="Gò Nổi conference")
    assert response.status_code == 302
    assert sorted(p.unit.code for p in conf.participations.all()) == ["HS", "W1"]
    response = client.post(
        reverse("conferences:conclusion_new", kwargs={"pk": conf.pk}),
        {
            "text": "Sources in the enterprises.",
            "task1_unit": "W1",
            "task1_role": "secretary",
            "task1_action": "Nominate five sources",
            "task1_due_on": "2024-09-30",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(action="Nominate five sources")
    page = client.get(reverse("conferences:detail", kwargs={"pk": conf.pk})).content.decode()
    assert "Nominate five sources" in page
    clerk = client_for("w1_clerk")
    response = clerk.post(
        reverse("conferences:task", kwargs={"pk": task.pk}),
        {"completed_on": "2024-09-20", "note": "Done in both enterprises."},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.completed_on == dt.date(2024, 9, 20)


def test_another_units_user_gets_404(client_for, town):
    conf = conference(town)
    task = conclusion(town, conf).tasks.get()
    client = client_for("outsider")
    for url in (
        reverse("conferences:detail", kwargs={"pk": conf.pk}),
        reverse("conferences:paper", kwargs={"pk": conf.pk}),
        reverse("conferences:task", kwargs={"pk": task.pk}),
    ):
        assert client.get(url).status_code == 404


def test_the_paper_downloads_as_pdf(client_for, town):
    conf = conference(town)
    response = client_for("org").get(
        reverse("conferences:paper", kwargs={"pk": conf.pk}), {"lang": "de"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_unit_page_shows_its_recognitions(client_for, town):
    from grassroots.conferences import services
    from grassroots.history.services import Trace

    conf = conference(town, date=dt.date.today(), period_to=dt.date.today())
    services.recognition_record(
        trace=Trace(user=town.user("org")),
        conference=conf,
        kind="commend",
        unit=town.unit("W1"),
        date=dt.date.today(),
        text="Best ward this year.",
    )
    page = client_for("w1_viewer").get(reverse("org:unit", kwargs={"code": "W1"}))
    assert "Best ward this year." in page.content.decode()
