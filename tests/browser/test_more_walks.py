"""Three more walks through real pages: a roster import, a new account, a received transfer."""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.history.models import Cause, Change
from grassroots.people.models import Membership, Person
from tests.town import load_town
from tests.transfers.helpers import issue, make_member

HEADER = "national_id,full_name,gender,birth_date,education,unit_code\n"
GOOD_ROWS = (
    "079200000101,Hồ Thị Mai,female,2001-02-03,university,W1C1\n"
    "079200000102,Lý Văn Quang,male,1999-07-08,college,W2C1\n"
)


def upload(page, name, text):
    page.goto("/exchange/")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}],
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


def test_admin_imports_a_roster_with_preview(page, login, screenshot):
    login("admin")
    people_before = Person.objects.count()

    # A bad gender on row 3 (the header is row 1): the preview names it, nothing is written.
    bad = (
        HEADER
        + GOOD_ROWS.splitlines(keepends=True)[0]
        + ("079200000103,Đỗ Văn Bình,robot,1998-01-01,college,W1C1\n")
    )
    upload(page, "people.csv", bad)
    problems = page.locator("pre.problems")
    expect(problems).to_contain_text("people:3: gender:")
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    screenshot("import-preview-problem")
    assert Person.objects.count() == people_before
    assert not Person.objects.filter(national_id__startswith="0792000001").exists()

    # A good file: the preview counts 2 created, still writes nothing until confirmed.
    upload(page, "people.csv", HEADER + GOOD_ROWS)
    row = page.locator("table tbody tr", has_text="people")
    expect(row.locator("td").nth(1)).to_have_text("2")
    expect(page.locator("pre.problems")).to_have_count(0)
    assert Person.objects.count() == people_before
    screenshot("import-preview-good")

    page.get_by_role("button", name="Import now").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("people.csv was imported")

    mai = Person.objects.get(national_id="079200000101")
    quang = Person.objects.get(national_id="079200000102")
    assert (mai.full_name, mai.gender, mai.unit.code) == ("Hồ Thị Mai", "female", "W1C1")
    assert (quang.birth_date, quang.unit.code) == (dt.date(1999, 7, 8), "W2C1")
    for person in (mai, quang):
        changes = Change.objects.filter(model="people.person", object_id=str(person.pk))
        assert changes.count() == 1
        change = changes.get()
        assert change.cause == Cause.IMPORT
        assert change.action == Change.Action.CREATE
        assert change.actor.username == "admin"


def test_admin_grants_a_role_and_the_new_user_sees_only_that_unit(page, login, screenshot):
    login("admin")
    page.goto("/accounts/users/new/")
    page.fill("input[name=username]", "w2_reader")
    page.fill("input[name=first_name]", "Thu")
    page.fill("input[name=password]", "A-long-pass-2026")
    # The creation form asks for a first role: viewer of the ward's cell only.
    page.fill("input[name=unit]", "W2C1")
    page.select_option("select[name=role]", "viewer")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("w2_reader")
    roles = page.locator("table").first
    expect(roles).to_contain_text("W2C1")

    # Then the role on the whole ward, through the grant form of the account page.
    grant = page.locator("form", has=page.get_by_role("button", name="Grant"))
    grant.locator("input[name=unit]").fill("W2")
    grant.locator("select[name=role]").select_option("viewer")
    grant.get_by_role("button", name="Grant").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Role granted.")
    expect(roles.locator("tbody tr")).to_have_count(2)

    account = get_user_model().objects.get(username="w2_reader")
    granted = sorted((a.unit.code, a.role) for a in account.role_assignments.all())
    assert granted == [("W2", "viewer"), ("W2C1", "viewer")]

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    login("w2_reader", "A-long-pass-2026")

    # The administrator's password works once: the first page is the one that changes it.
    page.goto("/units/")
    expect(page).to_have_url(re.compile(r"/accounts/me/password/$"))
    page.fill("input[name=old_password]", "A-long-pass-2026")
    page.fill("input[name=new_password1]", "Thu-own-pass-2026")
    page.fill("input[name=new_password2]", "Thu-own-pass-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto("/units/")
    tree = page.locator("#tree")
    expect(tree.locator("li[data-code=W2]")).to_have_count(1)
    expect(tree.locator("li[data-code=W2C1]")).to_have_count(1)
    for hidden in ("TOWN", "W1", "W1C1", "HS"):
        expect(tree.locator(f"li[data-code={hidden}]")).to_have_count(0)
    screenshot("new-user-tree")

    response = page.goto("/units/HS/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    assert page.goto("/units/W2/").status == 200


def test_transfer_is_received_by_the_other_ward(page, login, screenshot):
    town = load_town()
    bich = "001090000004"  # Trần Thị Bích, lives in W1C1
    membership = make_member(town, bich, "W1C1")
    today = timezone.localdate()
    transfer = issue(
        town,
        bich,
        to_unit=town.unit("W2C1"),
        issued_on=today - dt.timedelta(days=10),
        user="w1_clerk",
    )
    arrived = today - dt.timedelta(days=3)

    login("outsider")
    page.goto(f"/transfers/{transfer.pk}/")
    expect(page.locator("h1")).to_contain_text("Trần Thị Bích")
    page.locator("input[name=arrived_on]").fill(arrived.isoformat())
    page.get_by_role("button", name="The member has arrived").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("The arrival was recorded.")
    screenshot("transfer-received")

    membership.refresh_from_db()
    transfer.refresh_from_db()
    assert transfer.status == "received"
    assert transfer.arrived_on == arrived
    active = Membership.objects.get(person__national_id=bich, ended_on__isnull=True)
    assert active.unit.code == "W2C1"
    assert Person.objects.get(national_id=bich).unit.code == "W2C1"
