"""Staff work in the console: a hall and a screening made, a sale at the counter, a ticket admitted at the door
(and refused on a second scan); each page only for those allowed; a hold's countdown ending frees the seats."""

from __future__ import annotations

import functools
import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_customer import free_seats, open_first_screening, register, sign_in, to_sign_in_form
from tests.integration.conftest import ADMIN_PASSWORD, start_local_stack

pytestmark = pytest.mark.browser
_numbers = itertools.count(1)


@functools.cache  # one sign-in per stack: the administrator's token lasts the session
def admin_headers(url: str) -> dict[str, str]:
    login = requests.post(f"{url}/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def as_admin(page, url: str) -> None:
    """The administrator, back on the app with the session the browser kept (localStorage): signing in through
    the form again for every page would meet the account's 10 logins a minute."""
    token = admin_headers(url)["Authorization"].removeprefix("Bearer ")
    page.evaluate("token => localStorage.setItem('boxoffice.token', token)", token)
    page.reload()
    page.get_by_role("heading", name="Screenings").wait_for()


def staff_account(url: str, permissions: list[str]) -> tuple[str, str, str]:
    """A staff account made by the administrator through the API, signed up: (username, password, user id)."""
    username = f"clerk{next(_numbers)}{datetime.now(UTC).strftime('%H%M%S')}"
    created = requests.post(
        f"{url}/users",
        json={
            "username": username,
            "first_name": "Clerk",
            "last_name": "Staff",
            "email": f"{username}@example.com",
            "session_timeout_minutes": 60,
            "permissions": permissions,
        },
        headers=admin_headers(url),
        timeout=30,
    )
    assert created.status_code == 201, created.text
    password = "a-long-clerk-password"
    signed_up = requests.post(
        f"{url}/auth/signup",
        json={"username": username, "signup_code": created.json()["signup_code"], "password": password},
        timeout=30,
    )
    assert signed_up.status_code == 200, signed_up.text
    return username, password, created.json()["user_id"]


def choose_screening_in(page, hall: str) -> None:
    select = page.get_by_label("Screening")
    option = select.locator("option", has_text=hall).first
    option.wait_for(state="attached")
    select.select_option(option.get_attribute("value"))


def test_staff_make_a_hall_and_a_screening_sell_at_the_counter_and_admit_a_ticket_once(new_page):
    page = new_page()
    sign_in(page, "admin", ADMIN_PASSWORD)
    staff = page.get_by_role("navigation", name="Staff")
    staff.get_by_role("link", name="Halls").click()
    hall = f"Studio {next(_numbers)}{datetime.now(UTC).strftime('%H%M%S')}"
    page.get_by_label("Name").fill(hall)
    page.get_by_label("Row 1 seats").fill("6")
    page.get_by_label("Row 1 gaps").fill("3")
    page.get_by_role("button", name="Add a row").click()
    page.get_by_label("Row 2 wheelchair spaces").fill("1")
    assert not axe_violations(page), "halls"
    screenshot(page, "staff-halls")
    page.get_by_role("button", name="Create the hall").click()
    page.get_by_role("status").filter(has_text=re.compile(f"Hall {hall} created with 1[12] chairs")).wait_for()

    staff.get_by_role("link", name="Schedule").click()
    page.get_by_label("Movie").locator("option").first.wait_for(state="attached")
    page.get_by_label("Hall").locator("option", has_text=hall).wait_for(state="attached")
    page.get_by_label("Hall").select_option(label=hall)
    starts = (datetime.now(UTC) + timedelta(days=30, hours=next(_numbers))).strftime("%Y-%m-%dT%H:00")
    page.get_by_label("Starts at (local time of the venue)").fill(starts)
    page.get_by_role("button", name="Schedule it").click()
    said = page.locator("[role=status], [role=alert]").first
    said.wait_for()
    assert f"in {hall} at" in said.inner_text(), said.inner_text()
    assert not axe_violations(page), "schedule"
    screenshot(page, "staff-schedule")

    staff.get_by_role("link", name="Box office").click()
    choose_screening_in(page, hall)
    page.get_by_label(re.compile("^Seats")).locator('option[value="A-2"]').wait_for(state="attached")
    page.get_by_label(re.compile("^Seats")).select_option(["A-1", "A-2"])
    page.get_by_label("Cash").check()
    page.get_by_role("button", name="Sell").click()
    page.get_by_role("status").filter(has_text="Sold A-1, A-2").wait_for()
    codes = [code.inner_text() for code in page.locator("code.ticket-code").all()]
    assert len(codes) == 2
    page.get_by_role("cell", name="cash", exact=True).first.wait_for()  # the till shows the cash sale
    assert not axe_violations(page), "box office"
    screenshot(page, "staff-box-office")

    staff.get_by_role("link", name="Door").click()
    choose_screening_in(page, hall)
    page.get_by_label(re.compile("^Ticket code")).fill(codes[0])
    page.get_by_role("button", name="Admit").click()
    page.get_by_role("status").filter(has_text="Seat A-1").filter(has_text="Admitted").wait_for()
    page.get_by_text(re.compile(r"Admitted 1 of 2 sold")).wait_for()
    focused = page.evaluate("document.activeElement.name")
    assert focused == "code", "the code field is ready for the next scan"
    page.get_by_label(re.compile("^Ticket code")).fill(codes[0])
    page.get_by_role("button", name="Admit").click()
    refused = page.get_by_role("alert").filter(has_text="Not admitted")
    refused.wait_for()
    said = refused.inner_text()
    assert "already checked in" in said and re.search(r"Admitted \w{3} \d+, \d{4}", said) and "by " in said, said
    width = page.evaluate(
        "[document.querySelector('.door-result').offsetWidth, document.querySelector('main').clientWidth]"
    )
    assert width[0] >= 0.9 * width[1], f"the result spans the page: {width}"
    assert not axe_violations(page), "door"
    screenshot(page, "staff-door")


@pytest.mark.parametrize("name", ["Reports", "Audit log", "Users", "Webhooks", "Movies", "Members", "Orders"])
def test_every_other_staff_page_passes_axe(new_page, web_stack, name):
    page = new_page()
    as_admin(page, web_stack.url)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert not axe_violations(page), name
    if name in ("Reports", "Audit log"):
        screenshot(page, f"staff-{name.split()[0].lower()}")


def test_a_customer_sees_no_staff_page_and_staff_see_only_what_they_may(new_page, web_stack):
    customer = new_page()
    register(customer)
    assert customer.get_by_role("navigation", name="Staff").count() == 0
    customer.goto("/#/staff/reports")
    customer.get_by_role("heading", name="Not for this account").wait_for()

    username, password, _ = staff_account(web_stack.url, ["tickets:check-in"])
    door = new_page()
    sign_in(door, username, password)
    links = door.get_by_role("navigation", name="Staff").get_by_role("link")
    assert [link.inner_text() for link in links.all()] == ["Door"]
    door.goto("/#/staff/users")
    door.get_by_role("heading", name="Not for this account").wait_for()
    # ... and the API refuses it anyway.
    token = door.evaluate("localStorage.getItem('boxoffice.token')")
    refused = requests.get(f"{web_stack.url}/users", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"


@pytest.fixture(scope="module")
def short_holds():
    """A stack of its own whose holds last 10 s (the least HoldSeconds allows)."""
    stack = start_local_stack("--params", "HoldSeconds=10 MaxRegistrationsPerAddress=1000")
    yield stack
    assert stack.stop() == 0, stack.log()


def test_a_holds_countdown_ends_and_its_seats_are_free_again_on_the_map(new_page, short_holds):
    page = new_page(stack=short_holds)
    register(page)
    open_first_screening(page)
    (seat,) = free_seats(page, 1)
    seat.click()
    page.get_by_role("button", name="Hold 1 seat").click()
    page.get_by_text(re.compile(r"Held for 0:\d\d more")).wait_for()
    page.get_by_role("alert").filter(has_text="Your hold has ended: the seats are free again.").wait_for()
    page.wait_for_function(
        "chair => document.querySelector(`[data-seat=\"${chair}\"]`).classList.contains('available')",
        arg=seat.get_attribute("data-seat"),
    )


def test_staff_whose_account_is_disabled_are_asked_to_sign_in_at_their_next_webhooks_request(new_page, web_stack):
    """Webhooks change where the cinema's data goes: their routes judge the account on every request (issue 27),
    and the app then ends the session and says so, rather than leaving a page that fails."""
    username, password, user_id = staff_account(web_stack.url, ["webhooks:manage"])
    page = new_page()
    sign_in(page, username, password)
    page.goto("/#/staff/webhooks")
    page.get_by_role("heading", name="Webhooks").wait_for()
    disabled = requests.put(
        f"{web_stack.url}/users/{user_id}", json={"enabled": False}, headers=admin_headers(web_stack.url), timeout=30
    )
    assert disabled.status_code == 200, disabled.text
    page.goto("/#/")
    page.get_by_role("heading", name="Screenings").wait_for()  # a read the cached authorization still serves
    page.goto("/#/staff/webhooks")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.get_by_role("status").inner_text() == "Your session has ended: sign in again."
    assert page.evaluate("localStorage.getItem('boxoffice.token')") is None
    screenshot(page, "session-ended")


def test_a_role_fills_the_permissions_and_a_new_clerk_activates_their_account_in_the_app(new_page, web_stack):
    admin = new_page()
    as_admin(admin, web_stack.url)
    admin.get_by_role("navigation", name="Staff").get_by_role("link", name="Users").click()
    form = admin.locator("form").filter(has=admin.get_by_role("heading", name="New staff account"))
    username = f"door{next(_numbers)}{datetime.now(UTC).strftime('%H%M%S')}"
    form.get_by_label("Username").fill(username)
    form.get_by_label("First name").fill("Dora")
    form.get_by_label("Last name").fill("Door")
    form.get_by_label("E-mail").fill(f"{username}@example.com")
    form.get_by_role("button", name="Box office").click()
    assert form.get_by_label("orders:manage").is_checked()
    form.get_by_role("button", name="Door").click()  # another role replaces the boxes, it does not add to them
    assert form.get_by_label("tickets:check-in").is_checked()
    assert not form.get_by_label("orders:manage").is_checked()
    form.get_by_label("reports:view").check()  # and a box can still be changed by hand
    form.get_by_role("button", name="Create the account").click()
    created = admin.get_by_role("status").filter(has_text=f"Created {username}")
    created.wait_for()
    code = re.search(r"sign-up code: (\S+)", created.inner_text()).group(1)

    clerk = new_page()
    to_sign_in_form(clerk)
    clerk.get_by_role("link", name="Activate your account").click()
    clerk.get_by_role("heading", name="Activate your account").wait_for()
    assert not axe_violations(clerk), "activate"
    clerk.get_by_label("Username").fill(username)
    clerk.get_by_label("Sign-up code").fill(code)
    clerk.get_by_label(re.compile("^New password")).fill("a-long-door-password")
    clerk.get_by_role("button", name="Activate and sign in").click()
    staff = clerk.get_by_role("navigation", name="Staff")
    staff.get_by_role("link", name="Door").wait_for()
    assert [link.inner_text() for link in staff.get_by_role("link").all()] == ["Door", "Reports"]


def test_a_manager_sets_a_venues_business_day_and_adds_a_venue_whose_halls_then_name_it(new_page, web_stack):
    page = new_page()
    as_admin(page, web_stack.url)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Venues", exact=True).click()
    page.get_by_role("heading", level=1, name="Venues").wait_for()
    main = page.get_by_role("form", name="Settings of Main")
    main.get_by_label("Business day starts (local time)").fill("06:00")
    main.get_by_role("button", name="Save Main").click()
    page.get_by_role("status").filter(has_text="Saved Main.").wait_for()
    venue = requests.get(f"{web_stack.url}/venues/main", timeout=30).json()
    assert venue["business_day_starts"] == "06:00"
    requests.put(
        f"{web_stack.url}/venues/main", json={"business_day_starts": "05:00"}, headers=admin_headers(web_stack.url),
        timeout=30,
    )  # fmt: skip

    name = f"Kino {next(_numbers)}{datetime.now(UTC).strftime('%H%M%S')}"
    page.get_by_label("Name", exact=True).last.fill(name)
    page.get_by_label("Time zone (IANA, e.g. Europe/Berlin)").fill("Mars/Olympus_Mons")
    page.get_by_role("button", name="Add the venue").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "timezone" in alert.inner_text(), alert.inner_text()  # the field the API named
    page.get_by_label("Time zone (IANA, e.g. Europe/Berlin)").fill("America/New_York")
    page.get_by_label("Currency (ISO 4217)").fill("usd")
    page.get_by_label("Tax rates, one a line: code, percent, name (the first is the default)").fill(
        "sales 8.88 Sales tax"
    )
    page.get_by_role("button", name="Add the venue").click()
    page.get_by_role("status").filter(has_text=f"Venue {name} added (America/New_York).").wait_for()
    page.get_by_role("form", name=f"Settings of {name}").wait_for()
    assert not axe_violations(page), "venues"

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Halls", exact=True).click()
    chooser = page.get_by_label("Venue")
    chooser.locator("option", has_text=name).wait_for(state="attached")  # several venues: a hall says which
    assert not axe_violations(page), "halls with several venues"


def test_a_manager_makes_the_distributors_return_of_a_movie(new_page, web_stack):
    page = new_page()
    as_admin(page, web_stack.url)
    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Reports", exact=True).click()
    form = page.get_by_role("form", name="Distributor's return")
    form.get_by_label("Movie").locator("option", has_text="The General").wait_for(state="attached")
    form.get_by_label("Movie").select_option(label="The General")
    form.get_by_role("button", name="Make the return").click()
    table = page.get_by_role("table", name=re.compile("^Box-office return"))
    table.wait_for()
    assert table.get_by_role("rowheader", name="Venue total").count() >= 1
    total = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Total", exact=True))
    assert total.count() == 1, "one overall total per currency"
    assert not axe_violations(page), "reports with the distributor's return"
