"""The one-time move of a stack older than venues into its default venue, "Main" (make migrate).

Everything made before venues belongs to Main: its halls (which Main then counts), screenings and orders (which
carry their venue and its time zone; orders also the tax rate their prices included, Main's), the till's lines
and the daily report's lines (kept per venue and business day from now on: the old UTC days become Main's
business days, which they approximate), and the administrators (who hold every permission, so venues:manage too).

Resumable (design.md rule 11): the run reads each table page by page and keeps, after every page, where it is in
a progress item of the venues table; a run that stops anywhere starts again from the last page it recorded. What
it redoes of that page changes nothing twice: every write is conditional on the item not being migrated yet (a
hall or order without a venue, a till or report line still under its old key), and each move of a line to its
new key is one transaction with the old key's deletion. It reads with Scan: an operator's tool, never an endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boxoffice import aws
from boxoffice import permissions as perms
from boxoffice.models.venues import DEFAULT_VENUE_ID
from boxoffice.settings import get_settings
from boxoffice.venues import store
from boxoffice.venues.tax import Rate, percent_text

PROGRESS_KEY = "#migration#venues-v1"  # not an id the API takes: ids are [A-Za-z0-9_-]
NEW_PERMISSIONS = (perms.VENUES_MANAGE,)
PAGE_SIZE = 100


@dataclass
class Progress:
    step: str = ""
    cursor: dict[str, Any] | None = None
    done: list[str] = field(default_factory=list)
    # Items this run wrote, per step (not kept: an interrupted run's writes are found done by the next one).
    counts: dict[str, int] = field(default_factory=dict)


# Called after every item written, with the step's name: the tests stop a run there, as a crash would.
AfterEachWrite = Callable[[str], None]


def _nothing(_: str) -> None:
    return None


def run(page_size: int = PAGE_SIZE, after_each_write: AfterEachWrite = _nothing) -> Progress:
    """Migrate what is left; the progress (every step done when it returns) and what this run wrote."""
    main = store.ensure_default()
    progress = _load()
    rate = next(rate for rate in main.tax_rates if rate.code == main.default_tax_code)
    for name, migrate_one, scan in _steps(main.timezone, Rate(rate.code, Decimal(rate.percent))):
        if name in progress.done:
            continue
        if progress.step != name:
            progress.step, progress.cursor = name, None
        while True:
            items, cursor = scan(progress.cursor, page_size)
            for item in items:
                if migrate_one(item):
                    progress.counts[name] = progress.counts.get(name, 0) + 1
                    after_each_write(name)
            progress.cursor = cursor
            if cursor is None:
                progress.done.append(name)
                progress.step = ""
            _save(progress)
            if cursor is None:
                break
    return progress


# ---------------------------------------------------------------- progress


def _load() -> Progress:
    found = (
        _client()
        .get_item(TableName=_table("venues"), Key={"venue_id": {"S": PROGRESS_KEY}}, ConsistentRead=True)
        .get("Item")
    )
    if not found:
        return Progress()
    state = json.loads(found["state"]["S"])
    return Progress(step=state["step"], cursor=state["cursor"], done=state["done"])


def _save(progress: Progress) -> None:
    state = {"step": progress.step, "cursor": progress.cursor, "done": progress.done}
    _client().put_item(
        TableName=_table("venues"), Item={"venue_id": {"S": PROGRESS_KEY}, "state": {"S": json.dumps(state)}}
    )


# ---------------------------------------------------------------- steps

Scan = Callable[[dict[str, Any] | None, int], tuple[list[dict[str, Any]], dict[str, Any] | None]]


def _steps(timezone: str, rate: Rate) -> Iterator[tuple[str, Callable[[dict[str, Any]], bool], Scan]]:
    yield "halls", _hall_joins_main, _scanner("halls", "attribute_not_exists(venue_id)")
    yield (
        "screenings",
        _zoned("screenings", "screening_id", {"timezone": timezone}),
        _scanner("screenings", "attribute_not_exists(venue_id)"),
    )
    # An order's prices included Main's rate: the one the stack was made with (DefaultTaxPercent).
    order_fields = {"timezone": timezone, "tax_code": rate.code, "tax_percent": percent_text(rate.percent)}
    yield "orders", _zoned("orders", "order_id", order_fields), _scanner("orders", "attribute_not_exists(venue_id)")
    yield (
        "till",
        _rekeyed("till", ("day", "line"), "day", lambda day: f"{DEFAULT_VENUE_ID}#{day}"),
        _scanner("till", "NOT contains(#day, :hash)", names={"#day": "day"}, values={":hash": {"S": "#"}}),
    )
    yield (
        "daily",
        _rekeyed("reports", ("report_id",), "report_id", _daily_key),
        _scanner("reports", "begins_with(report_id, :daily)", values={":daily": {"S": "daily#"}}),
    )
    yield "administrators", _administrator_gains, _scanner(
        "users", "contains(#permissions, :users)", names={"#permissions": "permissions"},
        values={":users": {"S": perms.USERS_MANAGE}},
    )  # fmt: skip


def _scanner(
    table: str, condition: str, *, names: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> Scan:
    def scan(cursor: dict[str, Any] | None, page_size: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        page = _client().scan(
            TableName=_table(table),
            FilterExpression=condition,
            Limit=page_size,
            ConsistentRead=True,
            **({"ExpressionAttributeNames": names} if names else {}),
            **({"ExpressionAttributeValues": values} if values else {}),
            **({"ExclusiveStartKey": cursor} if cursor else {}),
        )
        return page.get("Items", []), page.get("LastEvaluatedKey")

    return scan


def _conditional(call: Callable[[], Any]) -> bool:
    """Whether the write was made; False when its condition said it was made before."""
    client = _client()
    try:
        call()
    except (client.exceptions.ConditionalCheckFailedException, client.exceptions.TransactionCanceledException) as e:
        reasons = getattr(e, "response", {}).get("CancellationReasons") or [{"Code": "ConditionalCheckFailed"}]
        if all(reason.get("Code") in ("ConditionalCheckFailed", "None") for reason in reasons):
            return False
        raise
    return True


def _hall_joins_main(hall: dict[str, Any]) -> bool:
    """The hall is Main's, and Main counts it: together, once."""
    return _conditional(
        lambda: _client().transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": _table("halls"),
                        "Key": {"hall_id": hall["hall_id"]},
                        "UpdateExpression": "SET venue_id = :main",
                        "ConditionExpression": "attribute_exists(hall_id) AND attribute_not_exists(venue_id)",
                        "ExpressionAttributeValues": {":main": {"S": DEFAULT_VENUE_ID}},
                    }
                },
                {
                    "Update": {
                        "TableName": _table("venues"),
                        "Key": {"venue_id": {"S": DEFAULT_VENUE_ID}},
                        "UpdateExpression": "ADD hall_count :one",
                        "ConditionExpression": "attribute_exists(venue_id)",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )
    )


def _zoned(table: str, key: str, fields: dict[str, str]) -> Callable[[dict[str, Any]], bool]:
    """A screening or an order gets Main and its time zone (and an order its tax rate), unless it has a venue."""
    names = {f"#f{index}": name for index, name in enumerate(fields)}
    values = {f":f{index}": {"S": value} for index, value in enumerate(fields.values())}
    sets = ", ".join(f"#f{index} = :f{index}" for index in range(len(fields)))

    def migrate(item: dict[str, Any]) -> bool:
        return _conditional(
            lambda: _client().update_item(
                TableName=_table(table),
                Key={key: item[key]},
                UpdateExpression=f"SET venue_id = :main, {sets}",
                ConditionExpression=f"attribute_exists({key}) AND attribute_not_exists(venue_id)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={":main": {"S": DEFAULT_VENUE_ID}, **values},
            )
        )

    return migrate


def _daily_key(report_id: str) -> str | None:
    day = report_id.removeprefix("daily#")
    return None if "#" in day else f"daily#{DEFAULT_VENUE_ID}#{day}"


def _rekeyed(
    table: str, key_names: tuple[str, ...], renamed: str, new_value: Callable[[str], str | None]
) -> Callable[[dict[str, Any]], bool]:
    """A line moves to its new key: its numbers added to whatever the new key holds already (sales made since the
    deployment), its other attributes set, and the old key deleted, in one transaction."""

    def migrate(item: dict[str, Any]) -> bool:
        target = new_value(item[renamed]["S"])
        if target is None:
            return False
        old_key = {name: item[name] for name in key_names}
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        adds: list[str] = []
        sets: list[str] = []
        for index, (name, value) in enumerate(sorted(item.items())):
            if name in key_names:
                continue
            names[f"#a{index}"], values[f":v{index}"] = name, value
            (adds if "N" in value else sets).append(
                f"#a{index} :v{index}" if "N" in value else f"#a{index} = :v{index}"
            )
        gone = {
            "Delete": {
                "TableName": _table(table),
                "Key": old_key,
                "ConditionExpression": "attribute_exists(#renamed)",
                "ExpressionAttributeNames": {"#renamed": renamed},
            }
        }
        writes: list[dict[str, Any]] = [gone]
        if names:
            clauses = ([f"ADD {', '.join(adds)}"] if adds else []) + ([f"SET {', '.join(sets)}"] if sets else [])
            writes.append(
                {
                    "Update": {
                        "TableName": _table(table),
                        "Key": {**old_key, renamed: {"S": target}},
                        "UpdateExpression": " ".join(clauses),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                }
            )
        return _conditional(lambda: _client().transact_write_items(TransactItems=writes))

    return migrate


def _administrator_gains(profile: dict[str, Any]) -> bool:
    """An account that holds every permission there was before venues gets those venues added."""
    held = {value["S"] for value in profile.get("permissions", {}).get("L", [])}
    before = perms.ALL_PERMISSIONS - set(NEW_PERMISSIONS)
    missing = [name for name in NEW_PERMISSIONS if name not in held]
    if not before <= held or not missing or "#" in profile["user_id"]["S"]:
        return False
    return _conditional(
        lambda: _client().update_item(
            TableName=_table("users"),
            Key={"user_id": profile["user_id"]},
            UpdateExpression="SET #permissions = list_append(#permissions, :new)",
            ConditionExpression="attribute_exists(user_id) AND NOT contains(#permissions, :first)",
            ExpressionAttributeNames={"#permissions": "permissions"},
            ExpressionAttributeValues={":new": {"L": [{"S": name} for name in missing]}, ":first": {"S": missing[0]}},
        )
    )


def _client() -> Any:
    return aws.client("dynamodb")


def _table(name: str) -> str:
    return get_settings().table(name)
