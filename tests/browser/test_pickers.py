"""The pickers in a real browser: typing offers the matching units and people of the
user's scope in the input's list; the badge of reminders loads after the page."""

from playwright.sync_api import expect


def test_a_unit_picker_offers_units_as_the_user_types(page, login):
    login("org")
    page.goto("/people/new/")
    page.locator("input[name=unit]").press_sequentially("residential")
    options = page.locator("#id_unit-choices option")
    expect(options).to_have_count(2)
    assert sorted(options.evaluate_all("os => os.map(o => o.value)")) == ["W1C1", "W1C2"]


def test_a_person_picker_offers_only_people_in_scope(page, login):
    login("secretary")
    page.goto("/transfers/new/")
    page.locator("input[name=who]").press_sequentially("nguyen")
    options = page.locator("#id_who-choices option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", "001090000002")
