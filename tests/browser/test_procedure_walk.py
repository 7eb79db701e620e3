"""The procedure's new pages in the browser: an introducer chosen from the register by
an accent-free name, a step corrected and one annulled with their reasons, the forms
printed, the dossier list filtered by status."""

from playwright.sync_api import expect

from grassroots.pipeline.models import DossierStep
from tests.pipeline.walk import STEP_DATES, open_dossier, record, seed_cell
from tests.town import load_town


def test_procedure_walk(page, login):
    town = load_town()
    dossier = open_dossier(town)
    for step in ("application", "history_declaration", "history_verification"):
        record(town, dossier, step)
    first, second = seed_cell(town)[:2]
    login("org")
    page.goto(f"/pipeline/dossiers/{dossier.pk}/")

    # An ambiguous name comes back with the candidates; national IDs are accepted.
    form = page.locator("#step-form")
    form.locator("input[name=date]").fill(STEP_DATES["introduction"].isoformat())
    form.locator("select[name=introduced_by]").select_option("members")
    form.locator("input[name=introducer_1]").fill("dang vien w1c1")
    form.locator("input[name=introducer_1_form_date]").fill("2024-10-01")
    form.locator("input[name=introducer_2]").fill(second)
    form.locator("input[name=introducer_2_form_date]").fill("2024-10-01")
    form.locator("button[type=submit]").click()
    expect(page.locator("#step-form")).to_contain_text("Several members match")
    expect(page.locator("#step-form input[name=introducer_1]")).to_have_value("dang vien w1c1")
    page.locator("#step-form input[name=introducer_1]").fill(first)
    page.locator("#step-form button[type=submit]").click()
    expect(page.locator("#steps tr[data-step=introduction]")).to_have_count(1)

    # Correct the introduction's date, then annul it, each with a reason.
    page.locator("#steps tr[data-step=introduction] a", has_text="correct").click()
    page.fill("#step-change-form input[name=date]", "2024-10-02")
    page.fill("#step-change-form textarea[name=reason]", "date typed wrong")
    page.click("#step-change-form button[type=submit]")
    expect(page.locator("#steps tr[data-step=introduction]")).to_contain_text("02/10/2024")
    page.locator("#steps tr[data-step=introduction] a", has_text="annul").click()
    page.fill("#step-change-form textarea[name=reason]", "wrong introducer")
    page.click("#step-change-form button[type=submit]")
    expect(page.locator("#steps tr[data-annulled]")).to_contain_text("wrong introducer")
    assert DossierStep.objects.get(dossier=dossier, step="introduction").annulled_at

    # The forms of the recorded steps print; the dossier list filters by status.
    expect(page.locator("#print-forms")).to_contain_text("1-KNĐ")
    response = page.request.get(f"/pipeline/dossiers/{dossier.pk}/forms/")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.goto("/pipeline/dossiers/?person_status=in_dossier")
    expect(page.locator("#status-counts")).to_contain_text("in a dossier: 1")
    expect(page.locator("table")).to_contain_text("Trần Thị Bích")
