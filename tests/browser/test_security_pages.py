"""The security pages in a real browser, under the Content-Security-Policy, at 360 px:
setting up a second factor from the QR page, logging in with a code, the access log, the
failed log-ins, and the page a locked-out log-in gets."""

import base64
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import expect

NARROW = {"width": 360, "height": 740}


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _code(secret, drift=0):
    return f"{totp(base64.b32decode(secret), drift=drift):06d}"


@pytest.mark.django_db(transaction=True)
def test_org_sets_up_a_second_factor_and_logs_in_with_it(page, login):
    page.set_viewport_size(NARROW)
    login("org")
    page.goto("/accounts/me/")
    page.click("text=Set up a second factor")
    page.click("button:has-text('Set up a second factor')")
    page.wait_for_selector(".qr svg")
    assert _fits(page), "the QR page scrolls sideways at 360 px"
    secret = page.inner_text("code.secret").strip()
    page.fill("input[name=token]", _code(secret))
    page.click("button:has-text('Switch on')")
    page.wait_for_selector("text=The second factor is on.")

    page.goto("/history/accesses/")
    assert _fits(page), "the access log scrolls sideways at 360 px"

    page.click("button:has-text('Log out')")
    page.goto("/login/")
    page.fill("input[name=username]", "org")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    # The click returns once the answer starts to arrive: wait for the page, not its start.
    page.wait_for_load_state()
    expect(page.locator(".errors")).to_have_count(1)  # no code: refused like a wrong password
    page.fill("input[name=password]", "demo")
    page.fill("input[name=otp_token]", _code(secret, drift=1))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url


@pytest.mark.django_db(transaction=True)
def test_a_locked_out_log_in_says_when_to_try_again(page, login):
    page.set_viewport_size(NARROW)
    for _ in range(5):
        page.goto("/login/")
        page.fill("input[name=username]", "secretary")
        page.fill("input[name=password]", "a wrong guess")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    assert "Try again in 15 minutes" in page.inner_text("main")
    assert _fits(page)
    # Every browser here comes from 127.0.0.1: that address is locked too until unlocked.
    call_command("unlock", address="127.0.0.1", stdout=StringIO())
    login("admin")
    page.goto("/accounts/login-failures/")
    assert "secretary" in page.inner_text("main")
    assert "locked out after repeated failures" in page.inner_text("main")
    assert _fits(page)
