"""A customer books in a real browser: signs up, chooses seats on the map, holds, pays, sees the tickets; two
browsers race for one seat; pages pass axe-core."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest

from local.demo import DEMO_PASSWORD
from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser
_numbers = itertools.count(1)


def register(page, *, check_accessibility: bool = False, lands_on: str | None = "Screenings") -> str:
    username = f"web{next(_numbers)}{datetime.now(UTC).strftime('%H%M%S%f')}"
    to_sign_in_form(page)
    page.get_by_role("link", name="Create an account").click()
    page.get_by_role("heading", name="Create an account").wait_for()
    if check_accessibility:
        assert not axe_violations(page), "register page"
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile("^Password")).fill("a-long-web-password")
    page.get_by_label("First name").fill("Web")
    page.get_by_label("Last name").fill("Customer")
    page.get_by_label("E-mail").fill(f"{username}@example.com")
    page.get_by_role("button", name="Create the account").click()
    if lands_on:
        page.get_by_role("heading", name=lands_on).wait_for()
    return username


def to_sign_in_form(page) -> None:
    """The sign-in form: the app opens on its public program, whose navigation leads there."""
    if not page.get_by_role("button", name="Sign in").is_visible():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_role("button", name="Sign in").wait_for()


def sign_in(page, username: str, password: str) -> None:
    to_sign_in_form(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Screenings").wait_for()


def open_first_screening(page) -> None:
    page.get_by_role("link", name=re.compile("^Choose seats for")).first.click()
    page.get_by_role("group", name="Seat map, the screen at the top").wait_for()


def free_seats(page, count: int) -> list:
    """The first `count` free seats, each by its chair id (a locator that stays on that seat)."""
    page.locator("button.seat.available").first.wait_for()
    # Read at once: the map polls, and reading the nth seat one by one could name one seat twice.
    chairs = page.eval_on_selector_all("button.seat.available", "seats => seats.map(seat => seat.dataset.seat)")
    assert len(set(chairs[:count])) == count, chairs
    return [page.locator(f'[data-seat="{chair}"]') for chair in chairs[:count]]


def test_a_customer_books_two_seats_pays_and_sees_the_tickets(new_page):
    page = new_page()
    assert not axe_violations(page), "sign-in page"
    screenshot(page, "sign-in")
    register(page, check_accessibility=True)
    assert not axe_violations(page), "screenings page"
    screenshot(page, "screenings")
    open_first_screening(page)
    first, second = free_seats(page, 2)
    labels = [first.get_attribute("data-seat"), second.get_attribute("data-seat")]
    first.click()
    second.click()
    page.locator(f'[data-seat="{labels[0]}"][aria-pressed="true"]').wait_for()
    assert not axe_violations(page), "seat map"
    screenshot(page, "seat-map")
    page.get_by_role("button", name="Hold 2 seats").click()
    page.get_by_text(re.compile(r"Held for \d+:\d\d more")).wait_for()
    page.get_by_label("Test card that is approved").check()
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    page.get_by_role("status").filter(has_text="Paid").wait_for()
    page.get_by_role("link", name="See my tickets").click()
    page.get_by_role("heading", name="My orders").wait_for()
    qr_codes = page.get_by_role("img", name=re.compile("QR code of the ticket for seat"))
    qr_codes.nth(1).wait_for()  # each is drawn when its code is ready
    assert qr_codes.count() == 2
    for label in labels:
        assert page.get_by_role("img", name=re.compile(f"seat {label},")).count() == 1
    assert not axe_violations(page), "my orders"
    screenshot(page, "my-orders")


def test_a_declined_card_is_said_clearly_and_the_hold_stays(new_page):
    page = new_page()
    register(page)
    open_first_screening(page)
    (seat,) = free_seats(page, 1)
    seat.click()
    page.get_by_role("button", name="Hold 1 seat").click()
    page.get_by_label("Test card that is declined").check()
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    alert = page.get_by_role("alert")
    alert.filter(has_text="The payment did not go through").wait_for()
    assert page.get_by_text(re.compile(r"Held for \d+:\d\d more")).is_visible()


def test_two_browsers_race_for_a_seat_one_gets_it_the_other_sees_it_taken_without_reloading(new_page):
    ann, bob = new_page(), new_page()
    register(ann)
    register(bob)
    open_first_screening(ann)
    open_first_screening(bob)
    (seat,) = free_seats(ann, 1)
    chair = seat.get_attribute("data-seat")
    bobs_seat = bob.locator(f'[data-seat="{chair}"]')
    bobs_seat.click()  # bob chooses it, but ann holds it first
    seat.click()
    ann.get_by_role("button", name="Hold 1 seat").click()
    ann.get_by_text(re.compile(r"Held for \d+:\d\d more")).wait_for()
    # Bob's map follows without a reload: the seat is held, and he is told it was taken.
    bob.get_by_role("alert").filter(has_text=f"Taken by someone else meanwhile: {chair}").wait_for()
    assert "held" in (bobs_seat.get_attribute("class") or "")
    assert bobs_seat.get_attribute("aria-label").startswith(f"{chair}, held")


def test_a_hold_refused_because_a_seat_went_meanwhile_is_said_clearly(new_page):
    ann, bob = new_page(), new_page()
    register(ann)
    register(bob)
    bob.clock.install()  # bob's page time stands still: his map does not refresh before he clicks Hold
    bob.reload()
    open_first_screening(ann)
    open_first_screening(bob)
    (seat,) = free_seats(ann, 1)
    chair = seat.get_attribute("data-seat")
    bob.locator(f'[data-seat="{chair}"]').click()
    seat.click()
    ann.get_by_role("button", name="Hold 1 seat").click()
    ann.get_by_text(re.compile(r"Held for")).wait_for()
    bob.get_by_role("button", name="Hold 1 seat").click()
    bob.get_by_role("alert").filter(has_text=f"Sorry, already taken: {chair}").wait_for()
    assert bob.get_by_role("button", name="Hold seats").is_disabled(), "the seat that went is no longer chosen"


def test_the_demo_customer_signs_in_and_the_seat_map_works_by_keyboard(new_page):
    page = new_page()
    sign_in(page, "demo", DEMO_PASSWORD)
    open_first_screening(page)
    (seat,) = free_seats(page, 1)
    seat.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.dataset.seat")
    assert focused and focused != seat.get_attribute("data-seat")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    page.locator(f'[data-seat="{seat.get_attribute("data-seat")}"][aria-pressed="true"]').wait_for()


def test_the_pages_fit_a_phone_sized_screen(new_page):
    page = new_page({"width": 375, "height": 740})
    register(page)
    open_first_screening(page)
    assert not axe_violations(page), "seat map on a phone"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, "the page scrolls sideways (only the seat map itself may)"


def test_the_app_runs_under_its_strict_content_security_policy(new_page, web_stack):
    import requests

    policy = requests.get(f"{web_stack.url}/", timeout=30).headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    page = new_page(enforce_csp=True)
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in(page, "demo", DEMO_PASSWORD)
    open_first_screening(page)
    free_seats(page, 1)
    assert refused == []
