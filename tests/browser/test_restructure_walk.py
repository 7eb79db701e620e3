"""An administrator merges two wards through the pages: form, preview, confirm, and the
units, the tree and the history read back the event (issue 10)."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from grassroots.accounts.models import RoleAssignment
from grassroots.history.models import Cause, Change
from grassroots.org.models import Unit, UnitEvent


def test_admin_merges_two_wards_through_the_pages(page, login, screenshot):
    login("admin")
    today = timezone.localdate()
    page.goto("/units/W1/")
    page.locator("details.restructure summary").click()
    page.get_by_role("link", name="Merge", exact=True).click()
    page.wait_for_load_state()
    page.get_by_label("other units merged").fill("W2")
    page.get_by_label("into unit").fill("W12")
    page.get_by_label("name of the new unit").fill("Ward 1 and 2")
    page.get_by_label("Resolution").fill("Resolution 7/2026")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()

    # The preview lists what will happen and writes nothing.
    preview = page.locator("section.preview")
    expect(preview).to_contain_text("W2")
    expect(preview).to_contain_text("W12")
    screenshot("restructure-merge-preview")
    assert not Unit.objects.filter(code="W12").exists()
    assert not UnitEvent.objects.exists()

    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("The restructuring is recorded.")
    screenshot("restructure-merge-event")

    event = UnitEvent.objects.get()
    assert event.kind == "merge" and event.effective_date == today
    merged = Unit.objects.get(code="W12")
    for code in ("W1", "W2"):
        ended = Unit.objects.get(code=code)
        assert ended.valid_to == today - dt.timedelta(days=1)
    assert Unit.objects.get(code="W1C1").get_parent() == merged
    assert Unit.objects.get(code="W2C1").get_parent() == merged
    # The ward's viewer and clerk lose the ended ward; the event page names them.
    ended_roles = RoleAssignment.objects.filter(ended_by_event=event)
    assert {a.user.username for a in ended_roles} >= {"w1_clerk", "w1_viewer", "outsider"}
    expect(page.locator("body")).to_contain_text("w1_clerk")
    assert Change.objects.filter(cause=Cause.RESTRUCTURING, reference=f"unit-event:{event.pk}")

    # An ended ward stays reachable and says where it went.
    page.goto("/units/W1/")
    expect(page.locator("body")).to_contain_text("Merged on")
    page.get_by_role("link", name="Ward 1 and 2").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("W12")
    # The tree on the day before shows the two wards.
    page.goto(f"/units/?on={(today - dt.timedelta(days=1)).isoformat()}")
    expect(page.locator("body")).to_contain_text("Ward 2")
