"""The foundation pages in a real browser: tree, search, person page, language."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_org_browses_tree_searches_and_switches_language(page, login, screenshot):
    login("org")
    page.goto("/units/")
    tree = page.locator("#tree")
    for code in ["TOWN", "W1", "W2", "HS", "W1C1"]:
        assert tree.locator(f'li[data-code="{code}"]').count() == 1
    # The fourth level comes in through htmx when asked for.
    assert tree.locator('li[data-code="W1C1G1"]').count() == 0
    tree.locator('li[data-code="W1C1"] button').click()
    tree.locator('li[data-code="W1C1G1"]').wait_for()
    screenshot("tree")

    for query in ["Đặng Hữu Tú", "dang huu tu"]:
        page.goto("/people/")
        page.fill("input[name=q]", query)
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        rows = page.locator("table.table tbody tr")
        assert rows.count() == 1
        assert "Đặng Hữu Tú" in rows.first.inner_text()

    page.click("text=Đặng Hữu Tú")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Đặng Hữu Tú")
    screenshot("person")

    page.select_option("#language", "vi")
    page.wait_for_selector("html[lang=vi]")
    assert page.locator("html").get_attribute("lang") == "vi"


@pytest.mark.django_db(transaction=True)
def test_secretary_tree_shows_only_the_high_school(page, login):
    login("secretary")
    page.goto("/units/")
    codes = page.locator("#tree li").evaluate_all("nodes => nodes.map(n => n.dataset.code)")
    assert codes == ["HS"]
