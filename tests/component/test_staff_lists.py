"""The lists staff asked for: members by city or e-mail, a member's box office orders; unknown filters refused."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening
from tests.component.catalog_helpers import Catalog, collect
from tools.factories import STAFF_PERMISSIONS, staff_context


@pytest.fixture
def catalog(stack, admin):
    return Catalog(stack, admin.token)


@pytest.fixture
def admin(accounts):
    return accounts.admin()


def test_members_by_city_and_by_email(stack, catalog, admin):
    oslo = [catalog.member(f"Oslo {n}", city="Oslo", email=f"o{n}@example.com") for n in range(3)]
    catalog.member("Bergen 1", city="Bergen", email="b1@example.com")
    found, _ = collect(stack, "/members", admin.token, {"city": "Oslo"}, limit=2)
    assert sorted(member["member_id"] for member in found) == sorted(member["member_id"] for member in oslo)
    by_email = stack.api.get("/members", token=admin.token, query={"email": "o1@EXAMPLE.com"})
    assert [member["name"] for member in by_email.body["items"]] == ["Oslo 1"], "the domain's case does not matter"
    both = stack.api.get("/members", token=admin.token, query={"city": "Bergen", "email": "o1@example.com"})
    assert both.body["items"] == []
    for query in ({"email": "not-an-address"}, {"town": "Oslo"}, {"city": ""}):
        assert stack.api.get("/members", token=admin.token, query=query).status == 422, query


def test_a_members_box_office_orders(stack, catalog, admin):
    booking = Booking(stack, make_screening(stack, rows=2, seats=5))
    seller = staff_context("seller", STAFF_PERMISSIONS)
    member, other = catalog.member("Dora"), catalog.member("Eli")
    for chairs, who in ((["A-1"], member), (["A-2"], member), (["A-3"], other)):
        order = booking.hold(seller, chairs, member_id=who["member_id"]).body
        assert booking.pay(seller, order, "cash").status == 200
        clock.advance(1)
    booking.hold(customer(), ["B-1"])  # an online order: no member

    def orders(who, **query):
        return stack.call("ListOrdersFunction", identity=who, query=query)

    doras = orders(staff_context("viewer", "orders:view-all"), member_id=member["member_id"])
    assert doras.status == 200
    assert [order["chairs"] for order in doras.body["items"]] == [["A-2"], ["A-1"]], "newest first"
    assert all(order["member_id"] == member["member_id"] for order in doras.body["items"])
    assert orders(customer(), member_id=member["member_id"]).body["items"] == [], "customers see only their own"
    assert orders(staff_context("viewer", "orders:view-all"), member_id="bad id!").status == 422
