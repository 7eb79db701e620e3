"""Target allocation in a real browser: open the proposal, change a number, see the sum
follow, put it right and save the units' targets."""

import pytest


@pytest.fixture
def town_target(live_url):
    from tests.plans.allocation_data import build_pool, town_target
    from tests.town import load_town

    town = load_town()
    build_pool(town)
    return town_target(town)


@pytest.mark.django_db(transaction=True)
def test_allocate_change_a_number_see_the_sum_and_save(page, login, town_target, screenshot):
    from grassroots.plans.models import Target

    login("org")
    page.goto("/plans/targets/?unit=TOWN")
    page.click(f"a[href$='/targets/{town_target.pk}/allocate/']")
    page.wait_for_load_state()
    assert "Allocate the target of Town committee" in page.locator("h1").inner_text()
    minimum_sum = page.locator("output[data-allocate-sum=minimum]")
    assert minimum_sum.inner_text() == "10"
    assert page.locator("input[name=minimum_W1]").input_value() == "8"
    assert page.locator("input[name=minimum_W2]").input_value() == "2"
    screenshot("allocate-proposal")

    page.fill("input[name=minimum_HS]", "1")
    assert minimum_sum.inner_text() == "11"
    assert page.locator("[data-allocate-message]").is_visible()
    page.fill("input[name=minimum_W1]", "7")
    assert minimum_sum.inner_text() == "10"
    assert not page.locator("[data-allocate-message]").is_visible()
    page.fill("input[name=stretch_HS]", "1")
    page.fill("input[name=stretch_W1]", "8")
    assert page.locator("output[data-allocate-sum=stretch]").inner_text() == "12"
    page.click("form[data-allocate-form] button[type=submit]")
    page.wait_for_load_state()
    assert "Targets saved for the 3 units below." in page.content()
    chosen = {
        t.unit.code: (t.minimum, t.stretch)
        for t in Target.objects.exclude(pk=town_target.pk).select_related("unit")
    }
    assert chosen == {"HS": (1, 1), "W1": (7, 8), "W2": (2, 3)}
