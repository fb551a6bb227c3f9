"""The web app, measured in Debian's Chromium against `make run`: what it weighs, how soon a seat map shows,
how long a 3,000-chair seat map takes to draw, and what live seat maps cost (polling, by the seat map's own
metered reads and the prices of benchmarks.cost)."""

from __future__ import annotations

import gzip
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.cost import FUNCTION_MEMORY_GB, PRICES
from local.runtime import PROJECT_ROOT

POLL_SECONDS = 2  # web/src/pages/SeatMap.tsx: POLL_MS
RUNS = 5


def sizes() -> dict[str, Any]:
    dist = PROJECT_ROOT / "web" / "dist"
    files = {}
    for path in sorted(dist.rglob("*")):
        if path.is_file() and path.suffix in (".js", ".css", ".html"):
            data = path.read_bytes()
            files[path.suffix.lstrip(".")] = files.get(path.suffix.lstrip("."), 0) + len(gzip.compress(data, 9))
    return {"gzipped_bytes": files, "note": "one bundle serves every page (no page loads more)"}


def _admin(url: str) -> dict[str, str]:
    import requests

    from tests.integration.conftest import ADMIN_PASSWORD

    token = requests.post(f"{url}/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30)
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _big_screening(url: str, headers: dict[str, str]) -> str:
    import requests

    rows = [{"label": str(n + 1), "seats": 60} for n in range(50)]  # 3,000 chairs
    hall = requests.post(f"{url}/halls", json={"name": "Arena", "rows": rows}, headers=headers, timeout=60).json()
    movie = requests.get(f"{url}/movies", headers=headers, timeout=30).json()["items"][0]
    screening = requests.post(
        f"{url}/screenings",
        json={
            "movie_id": movie["movie_id"],
            "hall_id": hall["hall_id"],
            "starts_at": "2099-01-01T20:00:00Z",
            "price_cents": 1200,
        },
        headers=headers,
        timeout=300,
    ).json()
    return str(screening["screening_id"])


def in_chromium() -> dict[str, Any]:
    import requests
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.integration.conftest import start_local_stack

    if not Path(CHROMIUM).exists():
        return {"skipped": "no chromium"}
    stack = start_local_stack()
    try:
        admin = _admin(stack.url)
        small = requests.get(f"{stack.url}/screenings", headers=admin, timeout=30).json()["items"][0]["screening_id"]
        big = _big_screening(stack.url, admin)
        token = admin["Authorization"].split()[1]
        timings: dict[str, list[float]] = {"first_seat_map_ms": [], "seat_map_3000_ms": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(RUNS):
                for key, screening, chairs in (("first_seat_map_ms", small, 1), ("seat_map_3000_ms", big, 3000)):
                    context = browser.new_context(base_url=stack.url, bypass_csp=True)  # the probe is a script
                    context.add_init_script(f"localStorage.setItem('boxoffice.token', '{token}')")
                    page = context.new_page()
                    started = time.perf_counter()
                    page.goto(f"/#/screenings/{screening}")
                    page.wait_for_function(
                        f"document.querySelectorAll('button.seat').length >= {chairs}", timeout=120_000
                    )
                    timings[key].append((time.perf_counter() - started) * 1000)
                    context.close()
            browser.close()
    finally:
        stack.stop()
    return {key: round(statistics.median(values), 1) for key, values in timings.items()} | {"runs": RUNS}


def live_updates(cost: dict[str, Any] | None) -> dict[str, Any]:
    """Polling every POLL_SECONDS: requests and units per viewer per minute, and 1,000 viewers for an hour."""
    seat_map = (cost or {}).get("now", {}).get("by_operation", {}).get("list chairs", {})
    read_units = float(seat_map.get("read_units", 4))
    polls_per_minute = 60 / POLL_SECONDS
    per_hour = 1000 * polls_per_minute * 60
    warm_ms = 25.0
    dollars = {
        "API Gateway": per_hour * PRICES["api_gateway_http_per_million_requests"] / 1e6,
        "Lambda requests": per_hour * PRICES["lambda_per_million_requests"] / 1e6,
        "Lambda compute": per_hour * warm_ms / 1000 * FUNCTION_MEMORY_GB * PRICES["lambda_arm64_per_gb_second"],
        "DynamoDB reads": per_hour * read_units * PRICES["dynamodb_per_million_read_units"] / 1e6,
    }
    return {
        "poll_seconds": POLL_SECONDS,
        "requests_per_viewer_minute": polls_per_minute,
        "dynamodb_queries_per_viewer_minute": polls_per_minute,  # a 300-chair map is one Query (up to 1,000 chairs)
        "read_units_per_viewer_minute": polls_per_minute * read_units,
        "thousand_viewers_hour_usd": {line: round(value, 2) for line, value in dollars.items()},
        "thousand_viewers_hour_total_usd": round(sum(dollars.values()), 2),
    }


def measure(cost: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"sizes": sizes(), "chromium": in_chromium(), "live": live_updates(cost)}
