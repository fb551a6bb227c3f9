"""The move of a stack older than venues into its default venue: interrupted anywhere and run again, nothing is
lost and nothing is counted twice (design.md rule 11), on tables of thousands of items."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from boxoffice import permissions
from boxoffice.venues import migration

# Thousands of items each: make test runs them, make check (the inner loop) leaves them out.
pytestmark = pytest.mark.slow

HALLS, SCREENINGS, ORDERS, TILL_DAYS, DAILY_DAYS = 40, 300, 2_500, 30, 30
OLD_PERMISSIONS = sorted(permissions.ALL_PERMISSIONS - {permissions.VENUES_MANAGE})


class Crash(Exception):
    pass


def put_all(aws, table, items):
    client, name = aws.dynamodb, aws.tables[table]
    for first in range(0, len(items), 25):
        answer = client.batch_write_item(
            RequestItems={name: [{"PutRequest": {"Item": item}} for item in items[first : first + 25]]}
        )
        assert not answer.get("UnprocessedItems")


def scan_all(aws, table):
    client, items, start = aws.dynamodb, [], None
    while True:
        page = client.scan(TableName=aws.tables[table], **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def number(value):
    return {"N": str(value)}


def text(value):
    return {"S": value}


@pytest.fixture
def legacy(aws):
    """Tables as a stack older than venues left them (no venue anywhere), plus sales made since the deployment
    on a till line and a daily line that the old ones must be added to."""
    pick = random.Random(28)
    put_all(
        aws,
        "HallsTable",
        [{"hall_id": text(f"hall{n}"), "kind": text("HALL"), "name": text(f"Hall {n}"),
          "name_key": text(f"hall {n}#{n}"), "chair_count": number(10), "schedule_version": number(0),
          "created_at": number(1), "rows": {"L": []}}
         for n in range(HALLS)],
    )  # fmt: skip
    put_all(
        aws,
        "ScreeningsTable",
        [{"screening_id": text(f"scr{n}"), "kind": text("SCREENING"), "movie_id": text("m"), "hall_id": text("hall0"),
          "starts_at": number(1_800_000_000 + n * 3600), "ends_at": number(1_800_000_000 + n * 3600 + 3000),
          "movie_name": text("M"), "hall_name": text("H"), "price_cents": number(1000), "currency": text("EUR"),
          "chair_count": number(10), "created_at": number(1)}
         for n in range(SCREENINGS)],
    )  # fmt: skip
    put_all(
        aws,
        "OrdersTable",
        [{"order_id": text(f"order{n:05d}"), "screening_id": text(f"scr{n % SCREENINGS}"), "status": text("PAID"),
          "amount_cents": number(1000), "starts_at": number(1_800_000_000), "user_id": text("u")}
         for n in range(ORDERS)],
    )  # fmt: skip
    till = []
    for day in range(TILL_DAYS):
        for staff in ("ana", "ben"):
            till.append({
                "day": text(f"2026-11-{day + 1:02d}"), "line": text(f"staff-{staff}#cash#EUR"),
                "staff_id": text(f"staff-{staff}"), "username": text(staff), "method": text("cash"),
                "currency": text("EUR"), "sales_cents": number(pick.randint(0, 90_000)),
                "refunds_cents": number(pick.randint(0, 9_000)),
            })  # fmt: skip
    # Sold since the deployment, on the new key of a day the old lines also have.
    till.append({**till[0], "day": text("main#2026-11-01"), "sales_cents": number(500), "refunds_cents": number(0)})
    put_all(aws, "TillTable", till)
    daily = [
        {"report_id": text(f"daily#2026-10-{day + 1:02d}"), "tickets": number(pick.randint(0, 500)),
         "orders": number(pick.randint(0, 200)), "revenue|EUR": number(pick.randint(0, 900_000))}
        for day in range(DAILY_DAYS)
    ]  # fmt: skip
    daily.append({"report_id": text("daily#main#2026-10-01"), "tickets": number(3), "revenue|EUR": number(3000)})
    daily.append({"report_id": text("screening#scr1"), "sold": number(4)})  # not a day: stays as it is
    put_all(aws, "ReportsTable", daily)
    put_all(
        aws,
        "UsersTable",
        [{"user_id": text("admin-1"), "username": text("root"),
          "permissions": {"L": [text(p) for p in OLD_PERMISSIONS]}},
         {"user_id": text("clerk-1"), "username": text("clerk"),
          "permissions": {"L": [text("orders:manage"), text("users:manage")]}}],
    )  # fmt: skip
    return {"till": till, "daily": daily}


def totals(lines, key, new_key):
    """Each line's numbers per (new key, line), as the migrated table must hold them."""
    summed: dict[tuple[str, str], Counter] = {}
    for line in lines:
        old = line[key]["S"]
        target = new_key(old)
        if target is None:
            continue
        numbers = Counter({name: int(value["N"]) for name, value in line.items() if "N" in value})
        summed.setdefault((target, line.get("line", {}).get("S", "")), Counter()).update(numbers)
    return summed


def run_with_crashes(crash_every):
    """Run, crash after every `crash_every`-th write, run again; the number of runs it took."""
    runs = 0
    while True:
        runs += 1
        writes = 0

        def crash(_step):
            nonlocal writes
            writes += 1
            if writes == crash_every:
                raise Crash()

        try:
            migration.run(page_size=97, after_each_write=crash)
            return runs
        except Crash:
            continue


def test_interrupted_and_resumed_nothing_is_lost_or_doubled(aws, legacy):
    runs = run_with_crashes(crash_every=331)
    assert runs > (HALLS + SCREENINGS + ORDERS) // 331  # it was interrupted, many times, in every step

    venues = {item["venue_id"]["S"]: item for item in scan_all(aws, "VenuesTable")}
    main = venues["main"]
    assert (main["timezone"]["S"], main["currency"]["S"]) == ("Europe/Berlin", "EUR")
    assert int(main["hall_count"]["N"]) == HALLS  # each hall counted once, however often its page was redone
    assert all(hall["venue_id"]["S"] == "main" for hall in scan_all(aws, "HallsTable"))
    for table, count in (("ScreeningsTable", SCREENINGS), ("OrdersTable", ORDERS)):
        items = scan_all(aws, table)
        assert len(items) == count
        assert all((item["venue_id"]["S"], item["timezone"]["S"]) == ("main", "Europe/Berlin") for item in items)
        if table == "OrdersTable":
            assert all((item["tax_code"]["S"], item["tax_percent"]["S"]) == ("standard", "7") for item in items)

    till = scan_all(aws, "TillTable")
    assert all(line["day"]["S"].startswith("main#") for line in till)
    expected = totals(legacy["till"], "day", lambda day: day if day.startswith("main#") else f"main#{day}")
    found = {(line["day"]["S"], line["line"]["S"]): line for line in till}
    assert set(found) == set(expected)
    for key, numbers in expected.items():
        assert {name: int(found[key][name]["N"]) for name in numbers} == dict(numbers), key
        assert found[key]["username"]["S"] in ("ana", "ben")

    reports = {item["report_id"]["S"]: item for item in scan_all(aws, "ReportsTable")}
    assert "screening#scr1" in reports
    days = {key: item for key, item in reports.items() if key.startswith("daily#")}
    expected_days = totals(
        legacy["daily"], "report_id", lambda key: key if key.startswith("daily#main#") else
        (f"daily#main#{key.removeprefix('daily#')}" if key.startswith("daily#") else None)
    )  # fmt: skip
    assert set(days) == {key for key, _ in expected_days}
    for (key, _), numbers in expected_days.items():
        assert {name: int(days[key][name]["N"]) for name in numbers} == dict(numbers), key

    users = {user["user_id"]["S"]: [p["S"] for p in user["permissions"]["L"]] for user in scan_all(aws, "UsersTable")}
    assert users["admin-1"].count(permissions.VENUES_MANAGE) == 1
    assert sorted(users["admin-1"]) == sorted(permissions.ALL_PERMISSIONS)
    assert permissions.VENUES_MANAGE not in users["clerk-1"]  # not an administrator: nothing granted


def test_a_finished_migration_run_again_changes_nothing(aws, legacy):
    first = migration.run()
    assert first.counts["orders"] == ORDERS and first.counts["halls"] == HALLS
    before = {table: scan_all(aws, table) for table in ("HallsTable", "TillTable", "ReportsTable", "VenuesTable")}
    again = migration.run()
    assert again.counts == {}
    after = {table: scan_all(aws, table) for table in before}
    assert after == before


def test_two_runs_at_once_still_move_each_item_once(aws, legacy):
    """A second operator's run starts while the first is inside its first page: each write of the first run to an
    item the second already moved is refused by its condition, not done twice."""
    inner: list[migration.Progress] = []

    def second_operator(_step):
        if not inner:
            inner.append(migration.run(page_size=500))

    migration.run(page_size=97, after_each_write=second_operator)
    assert inner and inner[0].counts["orders"] == ORDERS
    main = next(item for item in scan_all(aws, "VenuesTable") if item["venue_id"]["S"] == "main")
    assert int(main["hall_count"]["N"]) == HALLS
    till = {(line["day"]["S"], line["line"]["S"]): int(line["sales_cents"]["N"]) for line in scan_all(aws, "TillTable")}
    expected = totals(legacy["till"], "day", lambda day: day if day.startswith("main#") else f"main#{day}")
    assert till == {key: numbers["sales_cents"] for key, numbers in expected.items()}
    admin = next(user for user in scan_all(aws, "UsersTable") if user["user_id"]["S"] == "admin-1")
    assert [p["S"] for p in admin["permissions"]["L"]].count(permissions.VENUES_MANAGE) == 1
