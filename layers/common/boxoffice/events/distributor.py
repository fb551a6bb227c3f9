"""The distributor's box-office return: what a movie took, per venue and screening, over a range of business days.

A cinema sends it to the film's distributor every week: admissions (seats sold and kept), the gross (what the
buyers paid and kept, tax included), the tax in it, the net, and the refunds given. Read from the screenings'
aggregates (boxoffice.events.reports), which count every sale and refund once, each seat's tax as its order
split it: net + tax = gross on every row and total.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from boxoffice.events.reports import business_day_of, movie_screenings, report_lines
from boxoffice.venues.local_time import local_iso, venue_and_zone

FIGURES = ("admissions", "gross_cents", "tax_cents", "net_cents", "refunds_cents")


def _figures(line: dict[str, int], currency: str) -> dict[str, int]:
    """A screening's kept sales: sold less refunded, tax as the seats' own splits added up."""
    tax = sum(value for name, value in line.items() if name.startswith("sales_tax|") and name.endswith(f"|{currency}"))
    tax -= sum(
        value for name, value in line.items() if name.startswith("refunds_tax|") and name.endswith(f"|{currency}")
    )
    gross = line.get(f"revenue|{currency}", 0)
    return {
        "admissions": max(0, line.get("sold", 0)),
        "gross_cents": gross,
        "tax_cents": tax,
        "net_cents": gross - tax,
        "refunds_cents": line.get(f"refunds|{currency}", 0),
    }


def distributor_return(movie_id: str, first: date, last: date) -> dict[str, Any]:
    screenings = movie_screenings(movie_id, first, last)
    lines = report_lines([f"screening#{screening.screening_id}" for screening in screenings])
    by_venue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for screening in screenings:
        venue_id, timezone = venue_and_zone(screening.venue_id, screening.timezone)
        by_venue[venue_id].append(
            {
                "screening_id": screening.screening_id,
                "venue_id": venue_id,
                "hall_name": screening.hall_name,
                "starts_at_local": local_iso(int(screening.starts_at), timezone),
                "business_day": business_day_of(screening).isoformat(),
                "currency": screening.currency,
                **_figures(lines.get(f"screening#{screening.screening_id}", {}), screening.currency),
            }
        )
    venues: list[dict[str, Any]] = [
        {"venue_id": venue_id, "screenings": rows, "totals": _totals(rows)}
        for venue_id, rows in sorted(by_venue.items())
    ]
    return {
        "movie_id": movie_id,
        "from_date": first.isoformat(),
        "to_date": last.isoformat(),
        "venues": venues,
        "totals": _totals([row for rows in by_venue.values() for row in rows]),
    }


def _totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per currency (a chain's venues may sell in several), each figure summed."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in rows:
        for figure in FIGURES:
            sums[row["currency"]][figure] += row[figure]
    return [{"currency": currency, **figures} for currency, figures in sorted(sums.items())]


def csv_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per screening, then one per venue total and one per overall total (in the CSV's columns)."""
    rows = [screening for venue in report["venues"] for screening in venue["screenings"]]
    rows += [
        {"screening_id": "TOTAL", "venue_id": venue["venue_id"], **total}
        for venue in report["venues"]
        for total in venue["totals"]
    ]
    rows += [{"screening_id": "TOTAL", "venue_id": "ALL", **total} for total in report["totals"]]
    return rows
