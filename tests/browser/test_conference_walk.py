"""A thematic conference in a real browser, on the demo (issue 17): the town's
organisation committee (`org`, since the 2025 reform on the city committee) prepares a
conference of the cluster "Gò Nổi", downloads its paper, records two conclusions with
tasks, completes one, and sees the other overdue in the responsible unit's work list."""

import datetime as dt

import pytest

from tests.browser.test_readme_tour import live_url  # noqa: F401  (the demo, not the town)

TODAY = dt.date.today()
HELD = TODAY - dt.timedelta(days=20)


def _add_conclusion(page, conference_pk, text, action, due_on):
    page.goto(f"/conferences/{conference_pk}/conclusions/new/")
    page.fill("textarea[name=text]", text)
    page.fill("input[name=task1_unit]", "DN-GN")
    page.select_option("select[name=task1_role]", "secretary")
    page.fill("input[name=task1_action]", action)
    page.fill("input[name=task1_due_on]", due_on.isoformat())
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert action in page.content()


@pytest.mark.django_db(transaction=True)
def test_prepare_print_conclude_complete_and_see_the_overdue_task(page, login, screenshot):
    from grassroots.conferences.models import Conference, Task

    login("org")
    page.goto("/conferences/?unit=DN")
    page.click("a[href^='/conferences/new/']")
    page.wait_for_load_state()
    assert page.locator("input[name=committee]").input_value() == "DN"
    page.select_option("select[name=grouping]", "cluster")
    page.select_option("select[name=cluster]", label="Gò Nổi")
    # The cluster's units below the committee are proposed, ticked (htmx).
    page.wait_for_selector("#participants input[name=units][value=DN-GN]")
    assert page.locator("#participants input[value=DN-GN]").is_checked()
    page.fill("input[name=title]", "Gò Nổi: winning new members")
    page.fill("input[name=date]", HELD.isoformat())
    page.fill("input[name=place]", "Gò Nổi commune hall")
    page.fill("input[name=chair]", "Deputy secretary")
    page.fill("input[name=period_from]", (HELD - dt.timedelta(days=180)).isoformat())
    page.fill("input[name=period_to]", (HELD - dt.timedelta(days=1)).isoformat())
    screenshot("conference-new")
    page.click("#conference-form button[type=submit]")
    page.wait_for_load_state()
    conference = Conference.objects.get(title="Gò Nổi: winning new members")
    assert page.url.endswith(f"/conferences/{conference.pk}/")
    assert [p.unit.code for p in conference.participations.all()] == ["DN-GN"]

    # The paper, prepared from the data.
    page.select_option("#paper-form select[name=lang]", "vi")
    with page.expect_download() as info:
        page.click("#paper-form button[type=submit]")
    download = info.value
    assert download.suggested_filename == f"conference-{conference.pk}-vi.pdf"
    assert open(download.path(), "rb").read(4) == b"%PDF"

    # Attendance, through htmx.
    row = page.locator("#participants tbody tr").first
    row.locator("input[name=attendees]").fill("9")
    row.locator("input[name=invited]").fill("12")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#participants tbody tr:has-text('9/12')")

    _add_conclusion(
        page,
        conference.pk,
        "Nominate sources in the enterprises.",
        "Nominate five sources in the two enterprises",
        TODAY + dt.timedelta(days=10),
    )
    _add_conclusion(
        page,
        conference.pk,
        "List the hamlets without sources.",
        "List the hamlets without sources",
        TODAY - dt.timedelta(days=5),
    )
    # What became of the previous conference's tasks (the town committee's, January 2025).
    page.goto(f"/conferences/{conference.pk}/")
    previous = page.locator("#previous").inner_text()
    assert "Hội nghị chuyên đề phát triển đảng viên cụm Gò Nổi" in previous
    assert "done 20/03/2025" in previous
    screenshot("conference-detail")

    # The first task is done.
    first = Task.objects.get(action="Nominate five sources in the two enterprises")
    page.goto(f"/conferences/tasks/{first.pk}/")
    page.fill("input[name=completed_on]", TODAY.isoformat())
    page.fill("textarea[name=note]", "Five sources nominated.")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "Task recorded as done." in page.content()
    first.refresh_from_db()
    assert first.completed_on == TODAY

    # The other one is overdue in the work list of the responsible unit.
    page.goto("/deadlines/?unit=DN-GN")
    row = page.locator("tr:has-text('List the hamlets without sources')")
    assert row.count() == 1
    assert "overdue" in row.inner_text()
    assert page.locator("tr:has-text('Nominate five sources in the two enterprises')").count() == 0
    screenshot("conference-worklist")

    # Phone width: no sideways scroll on the conference page.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/conferences/{conference.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
