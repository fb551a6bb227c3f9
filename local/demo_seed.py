"""Runs inside the local runtime, like a function, with every table of the stack: loads the demo data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from boxoffice.auth import accounts
from boxoffice.auth.schemas import RegisterIn
from boxoffice.catalog import halls, members, movies, screenings
from boxoffice.catalog.schemas import HallIn, MemberIn, MovieIn, ScreeningIn


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    admin = accounts.create_administrator(
        username="admin",
        first_name="Ada",
        last_name="Admin",
        email="admin@example.com",
        password=event["admin_password"],
    )
    customer = accounts.register_customer(
        RegisterIn(
            username="demo",
            password=event["demo_password"],
            first_name="Dee",
            last_name="Demo",
            email="demo@example.com",
        ),
        client_address="demo-seed",
    )
    hall = halls.create(
        HallIn.model_validate(
            {
                "name": "Hall 1",
                "rows": [
                    *({"label": label, "seats": 12, "gaps": [6, 7]} for label in "ABCDEFGH"),
                    {"label": "J", "seats": 14, "price_class": "premium"},
                ],
            }
        )
    )
    movie = movies.create(
        MovieIn.model_validate(
            {
                "name": "The General",
                "genres": ["comedy", "action"],
                "premiered": "1926-12-31",
                "runtime_minutes": 78,
                "description": "A locomotive engineer chases his stolen train across the Civil War front.",
            }
        )
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    screening, _ = screenings.create(
        ScreeningIn.model_validate(
            {
                "movie_id": movie.movie_id,
                "hall_id": hall.hall_id,
                "starts_at_local": f"{tomorrow.isoformat()}T20:00:00",
                "price_cents": 1100,
                "price_classes": {"premium": 1500},
            }
        )
    )
    member = members.create(
        MemberIn.model_validate({"name": "Maria Member", "email": "maria@example.com", "city": "Berlin"})
    )
    return {
        "admin_id": admin.user_id,
        "customer_id": customer.user_id,
        "screening_id": screening.screening_id,
        "member_id": member.member_id,
    }
