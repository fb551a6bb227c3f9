"""Sales and occupancy reports, kept up to date from the domain events.

Each event becomes additions to a few aggregates (a screening's, a sale day's)
and one mark that it was applied, all in one transaction: the mark's put is
conditional, so a redelivered event changes nothing. Additions commute, so
events may arrive in any order (a payment before its hold: `held` dips below
zero for a moment and is shown as zero). Reading never scans: a screening's
report is one item, a movie's is its screenings' items, a day range is one item per day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.operand import Path

from boxoffice.clock import iso
from boxoffice.errors import Invalid, NotFound
from boxoffice.events.once import already_applied, marked
from boxoffice.models.base import TransactionCancelled, batch_get_raw
from boxoffice.models.catalog import Movie, Screening
from boxoffice.models.insights import ReportLine
from boxoffice.models.till import method_label
from boxoffice.venues import DEFAULT_VENUE_ID
from boxoffice.venues import store as venues
from boxoffice.venues.local_time import business_day, local_iso, venue_and_zone

MAX_DAYS = 366
MAX_SCREENINGS = 500
COUNTS = ("sold", "held", "refunded", "checked_in")


_DAILY_KINDS = {"OrderPaid", "OrderRefunded", "OrderPartlyRefunded"}  # what a business day's aggregate counts


def daily_id(venue_id: str, day: date) -> str:
    """A venue's business day's aggregate."""
    return f"daily#{venue_id}#{day.isoformat()}"


def _daily(detail: dict[str, Any]) -> str:
    """The aggregate of the business day the event happened in, at its venue."""
    venue = venues.facts_of(detail.get("venue_id"))
    moment = int(datetime.fromisoformat(str(detail["occurred_at"]).replace("Z", "+00:00")).timestamp())
    return daily_id(venue.venue_id, business_day(moment, venue.timezone, venue.business_day_starts))


def changes_of(detail_type: str, detail: dict[str, Any]) -> dict[str, dict[str, int]]:
    """report id -> attribute -> how much to add, for one event."""
    changes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seats, cents, currency = int(detail.get("seats", 0)), int(detail.get("amount_cents", 0)), detail.get("currency")
    screening = f"screening#{detail.get('screening_id')}"
    daily = _daily(detail) if detail_type in _DAILY_KINDS and "occurred_at" in detail else ""
    was_held = detail.get("from_status") == "HELD"
    if detail_type == "OrderHeld":
        changes[screening]["held"] += seats
    elif detail_type == "OrderPaid":
        changes[screening]["sold"] += seats
        changes[screening][f"revenue|{currency}"] += cents
        _count_tax(changes[screening], "sales", detail, currency)
        if was_held:
            changes[screening]["held"] -= seats
        changes[daily]["tickets"] += seats
        changes[daily]["orders"] += 1
        changes[daily][f"revenue|{currency}"] += cents
        changes[daily][f"method|{method_label(detail.get('payment_method'))}|{currency}"] += cents
        _count_tax(changes[daily], "sales", detail, currency)
    elif detail_type in ("OrderCancelled", "OrderExpired") and was_held:
        changes[screening]["held"] -= seats
    elif detail_type in ("OrderRefunded", "OrderPartlyRefunded"):
        changes[screening]["sold"] -= seats
        changes[screening]["refunded"] += seats
        changes[screening][f"revenue|{currency}"] -= cents
        changes[screening][f"refunds|{currency}"] += cents
        _count_tax(changes[screening], "refunds", detail, currency)
        changes[daily]["refunded_tickets"] += seats
        changes[daily][f"refunds|{currency}"] += cents
        _count_tax(changes[daily], "refunds", detail, currency)
    elif detail_type == "TicketCheckedIn":
        changes[screening]["checked_in"] += 1
    return {report: dict(adds) for report, adds in changes.items() if any(adds.values())}


def _count_tax(adds: dict[str, int], kind: str, detail: dict[str, Any], currency: Any) -> None:
    """The event's money per tax rate: `<kind>_net|<code>|<percent>|<currency>` and `<kind>_tax|...`."""
    for part in detail.get("tax") or []:
        rate = f"{part['code']}|{part['percent']}|{currency}"
        adds[f"{kind}_net|{rate}"] += int(part["net_cents"])
        adds[f"{kind}_tax|{rate}"] += int(part["tax_cents"])


def tax_rows(money: dict[str, dict[str, int]], kind: str) -> list[dict[str, Any]]:
    """Per rate and currency, from a line's `<kind>_net|...` and `<kind>_tax|...`: net + tax = gross."""
    rows = []
    for rate, net in sorted(money.get(f"{kind}_net", {}).items()):
        code, percent, currency = rate.split("|")
        tax = money.get(f"{kind}_tax", {}).get(rate, 0)
        rows.append(
            {
                "code": code,
                "percent": float(percent),
                "currency": currency,
                "net_cents": net,
                "tax_cents": tax,
                "gross_cents": net + tax,
            }
        )
    return rows


def apply(event_id: str, detail_type: str, detail: dict[str, Any]) -> bool:
    """Count one event once: False when it was counted before (or counts for nothing)."""
    changes = changes_of(detail_type, detail)
    if not changes:
        return False
    transaction = marked(ReportLine, event_id)
    for report_id, adds in sorted(changes.items()):
        actions = [Path([name]).add(value) for name, value in sorted(adds.items())]  # names, never paths: "7.7"
        transaction.update(report_id, ReportLine(report_id), actions)
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        if already_applied(cancelled):
            return False
        raise
    return True


# ---------------------------------------------------------------- reading
def _counts(line: dict[str, Any]) -> dict[str, Any]:
    money: dict[str, dict[str, int]] = defaultdict(dict)
    for name, value in line.items():
        if "|" in name:
            kind, _, rest = name.partition("|")
            money[kind][rest] = int(value)
    return {"counts": {name: max(0, int(line.get(name, 0))) for name in COUNTS}, "money": money}


def _numbers(item: dict[str, Any] | None) -> dict[str, int]:
    """A report line's numeric attributes (its counts and money), from DynamoDB JSON."""
    return {name: int(value["N"]) for name, value in (item or {}).items() if "N" in value}


def report_lines(report_ids: list[str]) -> dict[str, dict[str, int]]:
    """The lines asked for (BatchGetItem), each as attribute -> number: every attribute, modelled or not."""
    items = batch_get_raw({ReportLine.Meta.table_name: [{"report_id": {"S": key}} for key in report_ids]})
    return {item["report_id"]["S"]: _numbers(item) for item in items[ReportLine.Meta.table_name]}


def _screening_report(screening: Screening, line: dict[str, Any]) -> dict[str, Any]:
    counts = _counts(line)
    capacity = int(screening.chair_count)
    sold = counts["counts"]["sold"]
    venue_id, timezone = venue_and_zone(screening.venue_id, screening.timezone)
    return {
        "screening_id": screening.screening_id,
        "movie_id": screening.movie_id,
        "venue_id": venue_id,
        "starts_at": iso(screening.starts_at),
        "starts_at_local": local_iso(int(screening.starts_at), timezone),
        "timezone": timezone,
        "status": screening.status,
        **counts["counts"],
        "capacity": capacity,
        "occupancy": round(sold / capacity, 4) if capacity else 0.0,
        "revenue": {currency: cents for currency, cents in sorted(counts["money"].get("revenue", {}).items())},
    }


def screening_report(screening_id: str) -> dict[str, Any]:
    """One BatchGetItem: the screening and its aggregate."""
    screening_table, report_table = Screening.Meta.table_name, ReportLine.Meta.table_name
    items = batch_get_raw(
        {
            screening_table: [{"screening_id": {"S": screening_id}}],
            report_table: [{"report_id": {"S": f"screening#{screening_id}"}}],
        }
    )
    if not items[screening_table]:
        raise NotFound("No such screening", details={"screening_id": screening_id})
    screening = Screening.from_raw_data(items[screening_table][0])
    return _screening_report(screening, _numbers(next(iter(items[report_table]), None)))


def _days(first: date, last: date) -> list[date]:
    if last < first:
        raise Invalid("`to` is before `from`", code="INVALID_RANGE")
    if (last - first).days >= MAX_DAYS:
        raise Invalid(f"At most {MAX_DAYS} days at once", code="INVALID_RANGE")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def movie_screenings(movie_id: str, first: date, last: date) -> list[Screening]:
    """The movie's screenings whose start falls in the range of business days, each of its own venue (one Query
    of by_movie, over a window wide enough for every zone and business day)."""
    days = _days(first, last)
    try:
        Movie.get(movie_id)
    except DoesNotExist:
        raise NotFound("No such movie", details={"movie_id": movie_id}) from None
    start = int(_midnight(days[0] - timedelta(days=2)))
    end = int(_midnight(days[-1] + timedelta(days=3))) - 1
    candidates = Screening.by_movie.query(movie_id, Screening.starts_at.between(start, end), limit=MAX_SCREENINGS)
    return [screening for screening in candidates if first <= business_day_of(screening) <= last]


def movie_report(movie_id: str, first: date, last: date) -> dict[str, Any]:
    """The movie's screenings in the range of business days and their aggregates."""
    screenings = movie_screenings(movie_id, first, last)
    lines = report_lines([f"screening#{screening.screening_id}" for screening in screenings])
    rows = [_screening_report(s, lines.get(f"screening#{s.screening_id}", {})) for s in screenings]
    totals: dict[str, Any] = {name: sum(row[name] for row in rows) for name in COUNTS}
    totals["capacity"] = sum(row["capacity"] for row in rows)
    totals["occupancy"] = round(totals["sold"] / totals["capacity"], 4) if totals["capacity"] else 0.0
    revenue: dict[str, int] = defaultdict(int)
    for row in rows:
        for currency, cents in row["revenue"].items():
            revenue[currency] += cents
    totals["revenue"] = dict(sorted(revenue.items()))
    return {
        "movie_id": movie_id,
        "from_date": first.isoformat(),
        "to_date": last.isoformat(),
        "totals": totals,
        "screenings": rows,
    }


def business_day_of(screening: Screening) -> date:
    venue = venues.facts_of(screening.venue_id)
    timezone = screening.timezone or venue.timezone
    return business_day(int(screening.starts_at), timezone, venue.business_day_starts)


def _midnight(day: date) -> float:
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(0), tzinfo=UTC).timestamp()


def daily_report(first: date, last: date, venue_id: str | None = None) -> dict[str, Any]:
    """One item per business day of the venue (BatchGetItem): tickets sold, revenue by currency, refunds, by
    payment method."""
    venue_id = venue_id or DEFAULT_VENUE_ID
    days = _days(first, last)
    lines = report_lines([daily_id(venue_id, day) for day in days])
    rows = []
    for day in days:
        line = lines.get(daily_id(venue_id, day), {})
        money = _counts(line)["money"]
        methods: dict[str, dict[str, int]] = defaultdict(dict)
        for key, cents in money.get("method", {}).items():
            method, _, currency = key.rpartition("|")
            methods[method][currency] = cents
        rows.append(
            {
                "date": day.isoformat(),
                "tickets": int(line.get("tickets", 0)),
                "orders": int(line.get("orders", 0)),
                "revenue": dict(sorted(money.get("revenue", {}).items())),
                "refunded_tickets": int(line.get("refunded_tickets", 0)),
                "refunds": dict(sorted(money.get("refunds", {}).items())),
                "by_payment_method": {method: dict(sorted(v.items())) for method, v in sorted(methods.items())},
                "tax": tax_rows(money, "sales"),
                "refunded_tax": tax_rows(money, "refunds"),
            }
        )
    return {"venue_id": venue_id, "from_date": first.isoformat(), "to_date": last.isoformat(), "days": rows}
