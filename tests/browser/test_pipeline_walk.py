"""One candidate's whole way, in the browser, as the town's organisation committee.

Nominated as a source of the high school, trained, admitted step by step (a cell vote
below two thirds is refused first and changes nothing), confirmed after probation, and
finally transferred to a university outside the system.
"""

import re

from playwright.sync_api import expect

from grassroots.people.models import Membership
from grassroots.pipeline.models import DossierStep
from tests.pipeline.walk import seed_cell
from tests.town import load_town

LAN = "001090000002"  # Nguyễn Thị Lan, pupil of the high school (HS), born 2006-09-01

STEPS = [
    ("application", "2024-09-16", {}),
    ("history_declaration", "2024-09-18", {}),
    ("history_verification", "2024-09-25", {"verified": "applicant, parents"}),
    (
        "introduction",
        "2024-10-01",
        {
            "introduced_by": ("select", "youth_union"),
            "introducer_1": "079220000000",
            "introducer_1_form_date": "2024-10-01",
            "executive_resolution_no": "7-NQ/ĐTN",
            "executive_resolution_date": "2024-09-30",
        },
    ),
    ("comments", "2024-10-08", {"work_comment": "good pupil", "residence_comment": "good"}),
    (
        "cell_vote",
        "2024-10-15",
        {"present": "8", "in_favour": "6", "against": "2"},
    ),
    (
        "committee_resolution",
        "2024-10-22",
        {"committee_members": "5", "present": "5", "in_favour": "4", "against": "1"},
    ),
    ("admission_decision", "2024-11-05", {"decision_no": "12-QĐ/TU"}),
    ("ceremony", "2024-11-19", {}),
]


def fill_step(page, date, fields):
    form = page.locator("#step-form")
    form.locator("input[name=date]").fill(date)
    for name, value in fields.items():
        if isinstance(value, tuple) and value[0] == "select":
            form.locator(f"select[name={name}]").select_option(value[1])
        elif isinstance(value, tuple) and value[0] == "check":
            form.locator(f"input[name={name}]").check()
        else:
            form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_pipeline_walk(page, login, screenshot):
    # Nine official members: the register the votes count; the first mentors the source.
    mentor_id = seed_cell(load_town(), "HS")[0]
    login("org")

    # 1. Nominate the pupil as a source of the high school.
    page.goto("/pipeline/sources/new/")
    page.fill("input[name=person]", LAN)
    page.fill("input[name=unit]", "HS")
    page.fill("input[name=nominated_on]", "2024-09-02")
    page.select_option("select[name=category]", "student")
    page.fill("input[name=mentor]", mentor_id)
    page.click("main form.form button[type=submit]")
    expect(page.locator("table")).to_contain_text("Nguyễn Thị Lan")

    # 2. A course, registration, completion with a certificate.
    page.goto("/pipeline/courses/new/")
    page.fill("input[name=code]", "AW-2024")
    page.fill("input[name=organizer]", "TOWN")
    page.fill("input[name=title]", "Awareness course autumn 2024")
    page.fill("input[name=start_date]", "2024-09-09")
    page.fill("input[name=end_date]", "2024-09-13")
    page.click("main form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("AW-2024")
    page.click("text=Register sources")
    page.check("input[name=source]")
    page.click("text=Register the selected sources")
    expect(page.locator("table")).to_contain_text("Nguyễn Thị Lan")
    page.click("text=Results and certificates")
    row = page.locator("tr[id^=enrollment-]").first
    row.locator("select[name=result]").select_option("completed")
    row.locator("input[name=certificate_no]").fill("GCN-0915")
    row.locator("input[name=certificate_date]").fill("2024-09-13")
    row.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("The result was saved.")

    # 3. Open the dossier in the school's cell.
    page.goto(f"/pipeline/dossiers/new/?person={LAN}")
    page.fill("input[name=unit]", "HS")
    page.fill("input[name=opened_on]", "2024-09-16")
    page.click("main form.form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Lan")
    dossier_url = page.url

    # 4. Every step; the cell vote is first tried below two thirds.
    for step, date, fields in STEPS:
        if step == "cell_vote":
            fill_step(page, date, {**fields, "in_favour": "5"})
            expect(page.locator("#step-form")).to_contain_text("at least two thirds")
            expect(page.locator("#steps tr[data-step=cell_vote]")).to_have_count(0)
            screenshot("dossier_refused_vote")
            assert not DossierStep.objects.filter(step="cell_vote").exists()
            # The vote did fail: it is recorded as such, and the next one is attempt 2.
            page.locator("#failed-vote-form").locator("xpath=..").locator("summary").click()
            failed = page.locator("#failed-vote-form")
            failed.locator("input[name=date]").fill("2024-10-10")
            for name, value in {**fields, "in_favour": "5", "against": "3"}.items():
                failed.locator(f"input[name={name}]").fill(value)
            failed.locator("button[type=submit]").click()
            page.wait_for_load_state()
            expect(page.locator("#failed-votes li")).to_have_count(1)
        fill_step(page, date, fields)
        expect(page.locator(f"#steps tr[data-step={step}]")).to_have_count(1)
    assert DossierStep.objects.get(step="cell_vote").data["attempt"] == 2
    expect(page.locator("#membership-status")).to_contain_text("probationary")
    expect(page.locator("#probation-ends")).to_be_visible()

    # 5. Confirmation after the twelve months of probation.
    page.click("text=Record the confirmation")
    page.fill("input[name=cell_vote_date]", "2025-11-25")
    page.fill("input[name=present]", "8")
    page.fill("input[name=in_favour]", "7")
    page.fill("input[name=against]", "1")
    page.fill("input[name=decided_on]", "2025-12-02")
    page.select_option("select[name=outcome]", "confirmed")
    page.fill("input[name=decision_no]", "40-QĐ/TU")
    page.click("main form.form button[type=submit]")
    expect(page).to_have_url(dossier_url)
    expect(page.locator("#membership-status")).to_contain_text("official member")
    expect(page.locator("#confirmation")).to_contain_text("confirmed")
    screenshot("dossier")

    # 6. The new member leaves for a university in another province.
    page.goto(f"/transfers/new/?person={LAN}")
    page.select_option("select[name=kind]", "official")
    page.fill("input[name=issued_on]", "2026-08-20")
    page.fill("input[name=destination]", "Hue University of Education")
    page.select_option("select[name=destination_type]", "university")
    page.fill("input[name=letter_no]", "88-GGT/TU")
    page.click("main form.form button[type=submit]")
    expect(page.locator("body")).to_contain_text("Hue University of Education")
    assert re.search(r"/transfers/\d+/$", page.url)
    membership = Membership.objects.get(person__national_id=LAN)
    assert membership.status == Membership.Status.TRANSFERRED_OUT
