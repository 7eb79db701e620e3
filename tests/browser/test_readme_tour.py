"""The README's "A short tour", step by step, in a browser, on the demo.

The demo (`grassroots demo`: Điện Bàn lived through the 2025 reform, its town committee DB
merged into the city committee DN) is loaded into the test database by this one test, which
walks every step of the tour as `org` in the order the README gives them. The demo is loaded
here rather than the test town because the tour promises what the demo shows (the search
example, the city's unit page, the work list); it takes most of the test's time (about a
minute on SQLite), so the whole tour is one test and the demo is loaded once.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_background_import import worker  # noqa: F401 (the task worker)

README_SEARCH = "huynh huu tu"
README_FINDS = "Huỳnh Hữu Tú"


@pytest.fixture
def live_url(live_server, transactional_db):
    """The demo instead of the test town (this module only)."""
    from django.utils import timezone

    from grassroots.accounts.models import RoleAssignment
    from grassroots.demo import loader, reform
    from grassroots.org.models import Unit
    from grassroots.paths import under

    loader.load_demo(today=timezone.localdate())
    # The test town is there too (built once per test database); its users share their
    # names with the demo's, so their test-town roles are removed: org holds only the
    # demo's role on the city committee (the flush after this test restores the town).
    city = Unit.objects.get(code=reform.CITY_CODE)
    RoleAssignment.objects.filter(user__username__in=["admin", "org", "secretary"]).exclude(
        under(city.path, "unit__path")
    ).delete()
    return live_server.url


def nav(page, label):
    """Follows a link of the main menu (folded or not), and waits for the page it leads to:
    waiting for the load state alone returned at once while the previous page still stood
    (a CI run on a busy machine then looked for the next page's form on the dashboard)."""
    link = page.locator(".main-nav").get_by_role("link", name=label, exact=True)
    path = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(path) + r"(\?.*)?$"))
    page.wait_for_load_state()


def candidate():
    """A demo person of 25 to 40 in a cell, neither a member nor a source, for step 4."""
    from django.utils import timezone

    from grassroots.demo import reform
    from grassroots.org.models import Unit
    from grassroots.people.models import Membership, Person
    from grassroots.pipeline.models import Source

    today = timezone.localdate()
    people = (
        Person.objects.filter(
            birth_date__lte=today - dt.timedelta(days=25 * 366),
            birth_date__gte=today - dt.timedelta(days=40 * 365),
            unit__kind="cell",
            unit__path__startswith=Unit.objects.get(code=reform.CITY_CODE).path,
            unit__valid_to__isnull=True,
            education__in=["upper_secondary", "college", "university"],
        )
        .exclude(pk__in=Source.objects.values("person"))
        .exclude(pk__in=Membership.objects.values("person"))
    )
    return people.select_related("unit").order_by("national_id").first()


@pytest.mark.timeout(600)
@pytest.mark.usefixtures("worker")
def test_readme_tour(page, login, live_url, screenshot):
    from django.utils import timezone

    from grassroots.pipeline.models import Course, Dossier

    readme = (__import__("pathlib").Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f'search "{README_SEARCH}" finds "{README_FINDS}"' in readme
    today = timezone.localdate()

    # 1. Log in as org: the start page is the city committee's unit page.
    login("org")
    expect(page).to_have_url(re.compile(r"/units/DN/$"))
    expect(page.locator("h1")).to_contain_text("Đà Nẵng")
    main = page.locator("main")
    expect(main).to_contain_text("Units below")
    expect(main).to_contain_text("People (")

    # 2. Units: the tree with people and member counts; open a ward, then a cell.
    nav(page, "Units")
    expect(main).to_contain_text("people")
    expect(main).to_contain_text("members")
    page.get_by_role("link", name="Đảng bộ phường Điện Bàn", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("Đảng bộ phường Điện Bàn")
    page.locator("main a[href^='/units/DB-']").first.click()
    expect(page.locator("h1")).to_contain_text(re.compile("Chi bộ|Đảng bộ"))

    # 3. People: the README's search, without accents, finds the person.
    nav(page, "People")
    page.fill("main input[name=q]", README_SEARCH)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    expect(main.locator("table")).to_contain_text(README_FINDS)
    screenshot("tour-search")

    # 4. Sources → Courses → Dossiers.
    person = candidate()
    nav(page, "Sources")
    page.get_by_role("link", name="Nominate a source").click()
    page.fill("input[name=person]", person.national_id)
    page.fill("input[name=unit]", person.unit.code)
    page.fill("input[name=nominated_on]", today.isoformat())
    page.select_option("select[name=category]", "other")
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(f"{person.full_name} is now a source.")
    page.fill("main input[name=q]", person.national_id)
    page.get_by_role("button", name="Filter").click()
    expect(main.locator("table")).to_contain_text(person.full_name)

    nav(page, "Courses")
    course = Course.objects.filter(start_date__gt=today).order_by("start_date").first()
    page.get_by_role("link", name=course.code, exact=True).click()
    page.click("text=Register sources")
    page.locator("tr", has_text=person.full_name).locator("input[name=source]").check()
    page.click("text=Register the selected sources")
    page.wait_for_load_state()
    expect(main.locator("table").first).to_contain_text(person.full_name)

    nav(page, "Dossiers")
    dossier = Dossier.objects.filter(status=Dossier.Status.OPEN).order_by("pk").first()
    page.goto(f"/pipeline/dossiers/{dossier.pk}/")
    step_form = page.locator("#step-form")
    step_form.locator("input[name=date]").fill((today + dt.timedelta(days=3)).isoformat())
    step_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    # Refused with the rule's name: a step cannot be dated in the future.
    expect(page.locator("#step-form")).to_contain_text("lies in the future")
    screenshot("tour-refused-step")

    # 5. Work list: overdue, due today and coming in the next 30 days.
    nav(page, "Work list")
    expect(main).to_contain_text("overdue")
    expect(main).to_contain_text("coming")

    # 6. Reports: achievement against plan by unit, cluster or sector; the dashboard.
    nav(page, "Reports")
    for rows in ("units below", "clusters", "sectors"):
        expect(main.locator("select[name=by]")).to_contain_text(rows)
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state()
    expect(main.locator("table").first).to_contain_text("DN")
    for export in ("Excel", "PDF"):
        button = main.get_by_role("button", name=export).or_(main.get_by_role("link", name=export))
        expect(button.first).to_be_visible()
    nav(page, "Reports")
    main.locator("a[href^='/reports/dashboard/']").first.click()
    expect(page.locator("h1")).to_contain_text("Dashboard")
    expect(page.locator("svg.chart").first).to_be_visible()

    # 7. Import and export: an export runs in the background with a progress bar; leave
    # the page and find the file under My tasks.
    nav(page, "Import and export")
    expect(main.locator("input[type=file]")).to_have_count(1)
    page.fill("main input[name=unit]", "DB-PPT")
    page.get_by_role("button", name="Prepare the export").click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    task_url = page.url
    nav(page, "Reports")
    nav(page, "My tasks")
    page.locator(f"main a[href='{task_url.removeprefix(live_url)}']").first.click()
    expect(page.locator("#task-run")).to_have_attribute("data-status", "done", timeout=120_000)
    with page.expect_download() as download:
        page.locator("#task-run a[download]").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # 8. The language menu.
    for code, lang in (("vi", "vi"), ("de", "de"), ("en", "en")):
        with page.expect_navigation():
            page.select_option("#language", code)
        expect(page.locator("html")).to_have_attribute("lang", lang)

    # 9. The API's documentation and schema; /api/ without the version answers 308.
    page.goto("/api/v1/docs")
    expect(page.locator("body")).to_contain_text("API")
    schema = page.request.get(f"{live_url}/api/v1/openapi.json")
    assert schema.status == 200 and "openapi" in schema.json()
    old = page.request.get(f"{live_url}/api/people/", max_redirects=0)
    assert old.status == 308 and "/api/v1/people/" in old.headers["location"]
