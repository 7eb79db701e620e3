"""My tasks: a user sees only their own runs; the progress partial polls while a run is
going and stops when it is finished; results are served to the owner, never cached."""

import io
import zipfile

from django.urls import reverse

from grassroots.accounts.models import RoleAssignment
from grassroots.tasks import files
from grassroots.tasks.models import TaskRun
from tests.tasks.helpers import make_run


def test_my_tasks_lists_only_my_own(client_for, town):
    mine = make_run(town.user("org"), unit=town.unit("W1"))
    theirs = make_run(town.user("admin"), unit=town.unit("W2"))
    response = client_for("org").get(reverse("tasks:index"))
    assert response.status_code == 200
    assert reverse("tasks:detail", args=[mine.pk]).encode() in response.content
    assert reverse("tasks:detail", args=[theirs.pk]).encode() not in response.content


def test_another_users_task_is_not_found(client_for, town):
    run = make_run(town.user("admin"), unit=town.unit("W1"), result=b"PK")
    client = client_for("org")  # sees W1 too, but the run is not theirs
    for name in ("tasks:detail", "tasks:progress", "tasks:download"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.post(reverse("tasks:again", args=[run.pk])).status_code == 404


def test_a_running_task_polls_its_progress(client_for, town):
    run = make_run(town.user("org"), status=TaskRun.Status.RUNNING, unit=town.unit("W1"))
    files.write_progress(files.folder_of(run), 25_000, 100_000)
    response = client_for("org").get(reverse("tasks:detail", args=[run.pk]))
    html = response.content.decode()
    assert f'hx-get="{reverse("tasks:progress", args=[run.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress max="100" value="25"' in html
    assert "25,000 of 100,000 (25 %)" in html
    assert "<script>" not in html and "<script " not in html.split("</head>")[1]

    files.write_progress(files.folder_of(run), 100_000, 100_000)
    TaskRun.objects.filter(pk=run.pk).update(status=TaskRun.Status.DONE, result_file="")
    partial = client_for("org").get(reverse("tasks:progress", args=[run.pk])).content.decode()
    assert partial.startswith('<section id="task-run"')
    assert "hx-trigger" not in partial
    assert "done" in partial


def test_a_waiting_list_refreshes_itself_until_nothing_is_going(client_for, town):
    run = make_run(town.user("org"), status=TaskRun.Status.QUEUED, unit=town.unit("W1"))
    client = client_for("org")
    assert b'hx-trigger="every 2s"' in client.get(reverse("tasks:index")).content
    TaskRun.objects.filter(pk=run.pk).update(status=TaskRun.Status.DONE)
    response = client.get(reverse("tasks:index"), headers={"HX-Request": "true"})
    assert response.content.decode().startswith('<div id="task-table"')
    assert b"hx-trigger" not in response.content


def test_the_result_is_served_to_the_owner_and_never_cached(client_for, town):
    run = make_run(town.user("org"), unit=town.unit("W1"), result=b"PK\x03\x04 data")
    response = client_for("org").get(reverse("tasks:download", args=[run.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="result.zip"'
    assert b"".join(response.streaming_content) == b"PK\x03\x04 data"


def test_a_result_goes_with_the_role_that_made_it(client_for, town):
    run = make_run(town.user("w1_viewer"), unit=town.unit("W1"), result=b"PK")
    client = client_for("w1_viewer")
    assert client.get(reverse("tasks:download", args=[run.pk])).status_code == 200
    RoleAssignment.objects.filter(user=town.user("w1_viewer")).delete()
    assert client.get(reverse("tasks:download", args=[run.pk])).status_code == 404


def test_an_unfinished_task_has_no_download(client_for, town):
    run = make_run(town.user("org"), status=TaskRun.Status.RUNNING, unit=town.unit("W1"))
    assert client_for("org").get(reverse("tasks:download", args=[run.pk])).status_code == 404


def test_a_failed_task_offers_run_again(client_for, town):
    run = make_run(town.user("org"), status=TaskRun.Status.FAILED, unit=town.unit("W1"))
    client = client_for("org")
    page = client.get(reverse("tasks:detail", args=[run.pk])).content.decode()
    assert reverse("tasks:again", args=[run.pk]) in page
    response = client.post(reverse("tasks:again", args=[run.pk]), follow=True)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (TaskRun.Status.DONE, 1)
    assert b"Download grassroots-W1.zip" in response.content
    # Done: no second run.
    response = client.post(reverse("tasks:again", args=[run.pk]), follow=True)
    assert b"This task cannot be run again." in response.content


def test_a_report_pack_holds_a_pdf_per_unit_below(client_for, town):
    client = client_for("org")
    response = client.post(
        reverse("reports:background"),
        {"unit": "W1", "from": "2024-01-01", "to": "2024-12-31", "format": "pack"},
        follow=True,
    )
    run = response.context["item"]["run"]
    assert run.status == TaskRun.Status.DONE, run.error
    download = client.get(reverse("tasks:download", args=[run.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == [
        f"achievement-{code}-2024-01-01-2024-12-31.pdf" for code in ("W1", "W1C1", "W1C2")
    ]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
