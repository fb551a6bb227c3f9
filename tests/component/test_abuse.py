"""Hostile users: throwaway accounts, password guessing and spraying, grants, late payments, headers.

Every limit here holds across accounts (design.md §2.9), and none of them can
be turned against a real user: the owner of an account still logs in while
strangers guess, and a real buyer still gets seats while an abuser is refused.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, make_screening
from tests.component.catalog_helpers import Catalog
from tests.harness import AwsCallCounter
from tools.factories import staff_body

WRONG = "not-the-password"


def login(stack, username: str, password: str, address: str):
    return stack.api.post("/auth/login", {"username": username, "password": password}, client_address=address)


# ---------------------------------------------------------------- login throttling


def test_strangers_guessing_cannot_lock_the_owner_out(stack, accounts):
    admin = accounts.admin("boss")
    refused = Counter()
    for attacker in range(5):
        for _ in range(40):
            answer = login(stack, "boss", WRONG, f"203.0.113.{attacker}")
            refused[answer.status] += 1
            assert answer.status in (401, 429), answer
    assert refused[429] > 0, "guessing from one address meets growing waits"
    assert login(stack, "boss", admin.password, "198.51.100.7").status == 200, "the owner, from their own address"


def test_failures_from_one_address_earn_growing_waits_and_the_right_password_after_the_wait_works(stack, accounts):
    user = accounts.customer("victim")
    address = "203.0.113.9"
    for _ in range(5):
        assert login(stack, "victim", WRONG, address).status == 401
    waits = []
    for _ in range(4):
        throttled = login(stack, "victim", user.password, address)
        assert throttled.status == 429 and throttled.body["code"] == "LOGIN_THROTTLED", throttled
        wait = int(throttled.headers["Retry-After"])
        waits.append(wait)
        clock.advance(wait)
        assert login(stack, "victim", WRONG, address).status == 401
    assert waits == [1, 2, 4, 8]
    clock.advance(16)
    assert login(stack, "victim", user.password, address).status == 200
    assert login(stack, "victim", WRONG, address).status == 401, "a success forgets the earlier slips"
    assert login(stack, "victim", WRONG, address).status == 401


def test_an_administrator_lifts_the_waits_of_an_account(stack, accounts):
    admin = accounts.admin()
    user = accounts.customer("forgetful")
    for _ in range(8):
        login(stack, "forgetful", WRONG, "192.0.2.1")
    assert login(stack, "forgetful", user.password, "192.0.2.1").status == 429
    unlocked = stack.api.put(f"/users/{user.user_id}", {"unlock": True}, token=admin.token)
    assert unlocked.status == 200, unlocked
    clock.advance(1)
    assert login(stack, "forgetful", user.password, "192.0.2.1").status == 200


def test_password_spraying_from_one_address_meets_a_limit_and_other_addresses_do_not(stack, accounts):
    for index in range(3):
        accounts.customer(f"sprayed{index}")
    statuses = [
        login(stack, f"sprayed{index % 3}" if index % 2 else f"nobody{index}", WRONG, "203.0.113.50").status
        for index in range(40)
    ]
    assert statuses[:30] == [401] * 30
    assert set(statuses[30:]) == {429}
    refused = login(stack, "sprayed0", accounts.PASSWORD, "203.0.113.50")
    assert refused.status == 429 and refused.body["code"] == "LOGIN_THROTTLED"
    assert login(stack, "sprayed0", accounts.PASSWORD, "198.51.100.1").status == 200
    clock.advance(15 * 60)
    assert login(stack, "sprayed1", accounts.PASSWORD, "203.0.113.50").status == 200, "the window ends"


def _work_of_a_failed_login(stack, monkeypatch, username: str, address: str) -> tuple[int, dict[str, int]]:
    hashes = []
    original = hashlib.scrypt

    def counting(*args, **kwargs):
        hashes.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    with AwsCallCounter() as calls:
        answer = login(stack, username, WRONG, address)
    monkeypatch.setattr(hashlib, "scrypt", original)
    assert answer.status == 401, answer
    return len(hashes), calls.of("dynamodb")


def test_every_failed_login_does_the_same_work(stack, accounts, monkeypatch):
    accounts.customer("existing")
    admin = accounts.admin()
    pending = stack.api.post(
        "/users",
        staff_body("pending", ["movies:view"]),
        token=admin.token,
    )
    assert pending.status == 201
    work = {
        "unknown username": _work_of_a_failed_login(stack, monkeypatch, "nobody-at-all", "192.0.2.10"),
        "wrong password": _work_of_a_failed_login(stack, monkeypatch, "existing", "192.0.2.11"),
        "no password yet": _work_of_a_failed_login(stack, monkeypatch, "pending", "192.0.2.12"),
        "wrong password again": _work_of_a_failed_login(stack, monkeypatch, "existing", "192.0.2.11"),
    }
    assert len(set(map(repr, work.values()))) == 1, work
    hashes, requests = work["unknown username"]
    assert hashes == 1
    assert requests == {"BatchGetItem": 1, "UpdateItem": 2}


# ---------------------------------------------------------------- registration


def test_registrations_per_address_are_limited_per_hour(stack, accounts):
    for _ in range(10):
        accounts.customer(client_address="203.0.113.77")
    refused = stack.api.post(
        "/auth/register",
        {
            "username": "eleventh",
            "password": "a long password!",
            "first_name": "E",
            "last_name": "L",
            "email": "e@example.com",
        },
        client_address="203.0.113.77",
    )
    assert refused.status == 429 and refused.body["code"] == "TOO_MANY_REGISTRATIONS", refused
    assert int(refused.headers["Retry-After"]) > 0
    accounts.customer(client_address="198.51.100.77")  # someone else registers meanwhile
    clock.advance(3600)
    accounts.customer(client_address="203.0.113.77")


# ---------------------------------------------------------------- denial of inventory


def _big_screening(stack, accounts) -> tuple[Catalog, str]:
    admin = accounts.admin()
    catalog = Catalog(stack, admin.token)
    hall = catalog.hall(rows=10, seats=30)  # 300 chairs
    return catalog, catalog.screening(hall_id=hall["hall_id"], hours_from_now=96)["screening_id"]


def _grab(stack, users, screening_id: str, addresses: list[str], seats: list[str]) -> int:
    """Each user tries to hold 10 chairs in turn; the chairs held in all."""
    held = 0
    free = list(seats)
    for user, address in zip(users, addresses, strict=True):
        wanted, free = free[:10], free[10:]
        answer = stack.api.post(
            "/orders", {"screening_id": screening_id, "chairs": wanted}, token=user.token, client_address=address
        )
        if answer.status == 201:
            held += len(wanted)
        else:
            assert answer.status == 429, answer
            assert answer.body["code"] in ("ADDRESS_HOLD_LIMIT", "NEW_ACCOUNT_SHARE"), answer
            free = wanted + free
    return held


ALL_SEATS = [f"{row}-{number}" for row in "ABCDEFGHIJ" for number in range(1, 31)]


def test_ten_fresh_accounts_from_one_address_hold_at_most_the_address_limit(stack, accounts):
    _, screening_id = _big_screening(stack, accounts)
    abusers = [accounts.customer() for _ in range(10)]
    held = _grab(stack, abusers, screening_id, ["203.0.113.66"] * 10, ALL_SEATS[:150])
    assert held == 30, "10 % of 300 chairs for new accounts, whichever address they use"


@pytest.mark.slow
def test_a_hundred_fresh_accounts_from_a_hundred_addresses_hold_at_most_the_new_account_share(stack, accounts):
    _, screening_id = _big_screening(stack, accounts)
    abusers = [accounts.customer() for _ in range(100)]
    held = _grab(stack, abusers, screening_id, [f"10.9.{i // 250}.{i % 250}" for i in range(100)], ALL_SEATS[:250])
    assert held == 30, "new accounts together hold at most 10 % of a screening's chairs at once"


def test_a_real_buyer_still_gets_seats_while_the_abuser_is_refused(stack, accounts):
    accounts.customer("regular")
    clock.advance(25 * 3600)  # the buyer's account is a day old
    buyer_token = accounts.login("regular")
    _, screening_id = _big_screening(stack, accounts)
    abusers = [accounts.customer() for _ in range(40)]
    _grab(stack, abusers, screening_id, [f"10.8.0.{i}" for i in range(40)], ALL_SEATS[:200])
    refused = stack.api.post(
        "/orders",
        {"screening_id": screening_id, "chairs": ["J-1"]},
        token=accounts.customer().token,
        client_address="10.8.1.1",
    )
    assert refused.status == 429 and refused.body["code"] == "NEW_ACCOUNT_SHARE"
    bought = stack.api.post(
        "/orders",
        {"screening_id": screening_id, "chairs": ["J-1", "J-2", "J-3"]},
        token=buyer_token,
        client_address="198.51.100.20",
    )
    assert bought.status == 201, bought


def test_one_address_holds_at_most_its_limit_however_old_the_accounts(stack, accounts):
    users = [accounts.customer() for _ in range(6)]
    clock.advance(25 * 3600)
    tokens = [accounts.login(user.username) for user in users]
    _, screening_id = _big_screening(stack, accounts)
    held = 0
    for index, token in enumerate(tokens):
        chairs = ALL_SEATS[index * 10 : (index + 1) * 10]
        answer = stack.api.post(
            "/orders", {"screening_id": screening_id, "chairs": chairs}, token=token, client_address="203.0.113.5"
        )
        held += len(chairs) if answer.status == 201 else 0
    assert held == 40


def test_the_share_comes_back_when_holds_end(stack, accounts):
    _, screening_id = _big_screening(stack, accounts)
    abusers = [accounts.customer() for _ in range(4)]
    orders = []
    for index, user in enumerate(abusers[:3]):
        chairs = ALL_SEATS[index * 10 : index * 10 + 10]
        answer = stack.api.post(
            "/orders",
            {"screening_id": screening_id, "chairs": chairs},
            token=user.token,
            client_address=f"10.7.0.{index}",
        )
        assert answer.status == 201, answer
        orders.append((user, answer.body))
    late = stack.api.post(
        "/orders", {"screening_id": screening_id, "chairs": ["J-1"]}, token=abusers[3].token, client_address="10.7.0.9"
    )
    assert late.status == 429 and late.body["code"] == "NEW_ACCOUNT_SHARE"
    user, order = orders[0]
    assert stack.api.delete(f"/orders/{order['order_id']}", token=user.token).status == 200  # cancelled: 10 back
    user, order = orders[1]
    paid = stack.api.post(
        f"/orders/{order['order_id']}/payment",
        {"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"},
        token=user.token,
        headers={"Idempotency-Key": "share-back-0001"},
    )
    assert paid.status == 200, paid  # paid: no longer an unpaid hold
    again = stack.api.post(
        "/orders",
        {"screening_id": screening_id, "chairs": ALL_SEATS[200:210]},
        token=abusers[3].token,
        client_address="10.7.0.9",
    )
    assert again.status == 201, again
    clock.advance(601)
    stack.invoke("SweepHoldsFunction", {"detail-type": "Scheduled Event", "source": "aws.events"})
    fresh = accounts.customer()
    after = stack.api.post(
        "/orders",
        {"screening_id": screening_id, "chairs": ALL_SEATS[220:230]},
        token=fresh.token,
        client_address="10.7.0.10",
    )
    assert after.status == 201, "expired holds gave their share back"


# ---------------------------------------------------------------- grants


def test_a_granter_grants_only_what_it_holds(stack, accounts):
    manager = accounts.staff({"users:manage", "movies:view", "movies:create"})
    beyond = stack.api.post(
        "/users",
        staff_body("helper", ["movies:view", "orders:manage"]),
        token=manager.token,
    )
    assert beyond.status == 403 and beyond.body["code"] == "GRANT_BEYOND_OWN"
    assert beyond.body["details"]["permissions"] == ["orders:manage", "orders:view-all"]
    within = stack.api.post(
        "/users",
        staff_body("helper", ["movies:create"]),
        token=manager.token,
    )
    assert within.status == 201, within
    raised = stack.api.put(
        f"/users/{within.body['user_id']}",
        {"permissions": ["movies:create", "users:manage", "screenings:manage"]},
        token=manager.token,
    )
    assert raised.status == 403 and raised.body["code"] == "GRANT_BEYOND_OWN"
    admin = accounts.admin()
    assert (
        stack.api.put(
            f"/users/{within.body['user_id']}", {"permissions": ["screenings:manage"]}, token=admin.token
        ).status
        == 200
    ), "the administrator holds all, so grants all"


# ---------------------------------------------------------------- payment after the start


@pytest.fixture
def soon(stack):
    return Booking(stack, make_screening(stack, hours_from_now=0.1))  # starts in 6 minutes


def test_a_hold_made_before_the_start_cannot_be_paid_after_it(soon, aws):
    from tests.component.booking_helpers import charges, customer

    alice = customer()
    order = soon.hold(alice, ["A-1"]).body
    clock.advance(7 * 60)  # the screening started; the 10-minute hold has not lapsed
    late = soon.pay(alice, order)
    assert late.status == 409 and late.body["code"] == "SCREENING_STARTED", late
    assert charges(aws) == [], "nothing was charged"
    assert soon.order(alice, order["order_id"]).body["status"] == "HELD"


def test_a_charge_that_races_the_start_is_refunded(soon, aws, monkeypatch):
    from tests.component.booking_helpers import charges, customer, refunds

    alice = customer()
    order = soon.hold(alice, ["A-1"]).body
    clock.advance(5 * 60)
    provider_module = soon.stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original = provider_module.SimulatedProvider.charge

    def slow_charge(self, **kwargs):
        charge = original(self, **kwargs)
        clock.advance(2 * 60)  # the start passes while the provider answers
        return charge

    monkeypatch.setattr(provider_module.SimulatedProvider, "charge", slow_charge)
    late = soon.pay(alice, order)
    assert late.status == 409 and late.body["code"] == "SCREENING_STARTED" and late.body["details"]["refunded"]
    assert len(charges(aws)) == 1 and len(refunds(aws)) == 1


# ---------------------------------------------------------------- headers


def test_every_answer_carries_the_security_headers(stack, accounts):
    user = accounts.customer()
    answers = [
        stack.api.post("/auth/login", {"username": user.username, "password": user.password}),
        stack.api.post("/auth/login", {"username": user.username, "password": WRONG}),
        stack.api.get("/me", token=user.token),
        stack.api.get("/orders", token=user.token),
        stack.api.get("/orders/unknown", token=user.token),
        stack.api.post("/orders", body=None, token=user.token),
        stack.api.request("POST", "/auth/login", body="[" * 2000, headers={"Content-Type": "application/json"}),
    ]
    public_keys = stack.api.get("/.well-known/jwks.json")
    for answer in [*answers, public_keys]:
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", answer
        assert answer.headers.get("Strict-Transport-Security", "").startswith("max-age="), answer
    for answer in answers:
        assert answer.headers.get("Cache-Control") == "no-store", answer
    assert public_keys.headers["Cache-Control"].startswith("public"), "public keys may be cached, nothing else"
