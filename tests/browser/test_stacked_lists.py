"""On a phone a list is a card a row, each value under its column's name; on a wide screen
it stays a table. (Squeezed into 360 px, a seven-column table wrapped every word onto a
line of its own and a dossier's row grew a screen high.)"""

import pytest
from playwright.sync_api import expect

NARROW = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 800}

CELLS = "table.stack tbody tr:first-child td"


def _layout(page):
    return page.evaluate(
        """(cellsSelector) => {
          const table = document.querySelector('table.stack');
          const names = Array.from(table.tHead.rows[0].cells, th => th.textContent.trim());
          const cells = Array.from(document.querySelectorAll(cellsSelector));
          return {
            names,
            labels: cells.map(td => td.getAttribute('data-label')),
            displays: cells.map(td => getComputedStyle(td).display),
            widths: cells.map(td => td.getBoundingClientRect().width),
            tableWidth: table.getBoundingClientRect().width,
            fits: document.documentElement.scrollWidth <= window.innerWidth,
          };
        }""",
        CELLS,
    )


@pytest.mark.django_db(transaction=True)
def test_the_people_list_is_a_card_a_person_on_a_phone_and_a_table_on_a_wide_screen(page, login):
    login("org")
    page.set_viewport_size(NARROW)
    page.goto("/people/")
    narrow = _layout(page)
    assert narrow["labels"] == narrow["names"]  # each value under its column's name
    assert set(narrow["displays"]) == {"block"}
    # Every value takes the card's whole width: none is squeezed into a narrow column.
    assert min(narrow["widths"]) >= narrow["tableWidth"] - 1
    assert narrow["fits"]

    page.set_viewport_size(WIDE)
    page.goto("/people/")
    wide = _layout(page)
    assert set(wide["displays"]) == {"table-cell"}
    assert len(wide["widths"]) == len(wide["names"]) > 1


@pytest.mark.django_db(transaction=True)
def test_rows_that_htmx_brings_are_labelled_too(page, login):
    # The task list refreshes itself through htmx; here the people table is fetched again
    # the same way, so the new rows come from the server without labels.
    login("org")
    page.set_viewport_size(NARROW)
    page.goto("/people/?page=2")
    page.evaluate("document.querySelector('table.stack').setAttribute('data-old', '')")
    page.evaluate(
        "htmx.ajax('GET', '/people/', {target: 'table.stack', select: 'table.stack', swap: 'outerHTML'})"
    )
    page.wait_for_selector("table.stack:not([data-old]) tbody td")
    expect(page.locator("table.stack tbody td:not([data-label])")).to_have_count(0)
    assert _layout(page)["labels"] == _layout(page)["names"]


@pytest.mark.django_db(transaction=True)
def test_a_long_email_address_wraps_on_a_persons_page(page, login):
    """A real address of 53 characters and a long job title widened the person's page past
    a phone's width (a grid column takes its longest word's width unless told otherwise)."""
    from grassroots.people.models import Person

    person = Person.objects.get(national_id="001090000001")
    Person.objects.filter(pk=person.pk).update(
        email="nguyen.thi.thanh.huong.thpt.phamphuthu@dienban.edu.vn",
        job_title="Giáo viên chủ nhiệm " + "kiêm-tổ-trưởng-chuyên-môn-" * 3,  # within its 120
    )
    login("org")
    page.set_viewport_size(NARROW)
    page.goto(f"/people/{person.national_id}/")
    expect(page.get_by_text("dienban.edu.vn")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
