"""Halls and their seat layout: rows with a label and a seat count, with gaps for aisles."""

from __future__ import annotations

from boxoffice.catalog.common import name_key
from boxoffice.catalog.schemas import HallIn, HallOut, RowOut
from boxoffice.clock import iso, now_epoch
from boxoffice.ids import new_id
from boxoffice.models.base import get_or_404
from boxoffice.models.catalog import Hall, HallRow
from boxoffice.pagination import query_page
from boxoffice.schemas import Page


def to_out(hall: Hall) -> HallOut:
    return HallOut(
        hall_id=hall.hall_id,
        name=hall.name,
        chair_count=int(hall.chair_count),
        created_at=iso(hall.created_at),
        rows=[
            RowOut(
                label=row.label, seats=int(row.seats), gaps=[int(gap) for gap in row.gaps], price_class=row.price_class
            )
            for row in hall.rows
        ],
    )


def create(body: HallIn) -> HallOut:
    hall_id = new_id()
    hall = Hall(
        hall_id=hall_id,
        name=body.name,
        name_key=name_key(body.name, hall_id),
        created_at=now_epoch(),
        rows=[
            HallRow(label=row.label, seats=row.seats, gaps=row.gaps, price_class=row.price_class) for row in body.rows
        ],
        chair_count=sum(row.seats - len(row.gaps) for row in body.rows),
        schedule_version=0,
    )
    hall.save(condition=Hall.hall_id.does_not_exist())
    return to_out(hall)


def get(hall_id: str) -> HallOut:
    return to_out(get_or_404(Hall, hall_id, "hall"))


def list_page(limit: int, cursor: str | None) -> Page[HallOut]:
    halls, next_cursor = query_page(Hall, Hall.by_name, "HALL", limit=limit, cursor=cursor)
    return Page[HallOut](items=[to_out(hall) for hall in halls], next_cursor=next_cursor)
