"""Movies, members, subscriptions, halls and screenings.

Lists never Scan: each kind has an index keyed on a constant `kind` and a sort
key (a name, a start time), so "all movies by name" is one Query per page. The
catalog is small and written rarely, so one partition per kind is far below
DynamoDB's per-partition limits; orders, which are written often, do not use
this pattern.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from boxoffice.models.base import BaseMeta, IntegerAttribute, StampedModel, TableName, index, list_of


class Movie(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("movies")

    movie_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="MOVIE")
    name = UnicodeAttribute()
    name_key = UnicodeAttribute()  # lower-cased name, for ordering and prefix search
    genres = list_of(UnicodeAttribute, default=list)
    premiered = UnicodeAttribute()  # YYYY-MM-DD
    runtime_minutes = IntegerAttribute()
    image_url = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    # Start of its latest screening: a movie with screenings still to come cannot be deleted.
    last_screening_starts_at = IntegerAttribute(null=True)
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()

    by_name = index("by_name", ("kind", UnicodeAttribute), ("name_key", UnicodeAttribute))


class Member(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("members")

    member_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="MEMBER")
    name = UnicodeAttribute()
    name_key = UnicodeAttribute()
    email = UnicodeAttribute()
    city = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()

    by_name = index("by_name", ("kind", UnicodeAttribute), ("name_key", UnicodeAttribute))


class Subscription(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("subscriptions")

    subscription_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="SUBSCRIPTION")  # the by_date index's one partition: every subscription
    member_id = UnicodeAttribute()
    movie_id = UnicodeAttribute()
    date = UnicodeAttribute()  # YYYY-MM-DD
    date_key = UnicodeAttribute()  # date#subscription_id: ordered by date, unique per index partition
    source = UnicodeAttribute(default="staff")  # staff | sale (a paid order of the member)
    order_id = UnicodeAttribute(null=True)
    created_at = IntegerAttribute()

    by_member = index("by_member", ("member_id", UnicodeAttribute), ("date_key", UnicodeAttribute))
    by_movie = index("by_movie", ("movie_id", UnicodeAttribute), ("date_key", UnicodeAttribute))
    by_date = index("by_date", ("kind", UnicodeAttribute), ("date_key", UnicodeAttribute))


class HallRow(MapAttribute):
    label = UnicodeAttribute()
    seats = IntegerAttribute()
    gaps = list_of(IntegerAttribute, default=list)
    price_class = UnicodeAttribute(null=True)
    accessible = list_of(IntegerAttribute, null=True)  # seat numbers of wheelchair spaces
    companion = list_of(IntegerAttribute, null=True)  # seat numbers kept for a wheelchair user's companion


class Hall(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("halls")

    hall_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="HALL")
    venue_id = UnicodeAttribute(null=True)  # absent only on halls older than venues: the default venue's
    name = UnicodeAttribute()
    name_key = UnicodeAttribute()
    rows = ListAttribute[HallRow](of=HallRow)
    chair_count = IntegerAttribute()
    # Bumped by every screening created in the hall, so two racing creations
    # cannot both pass the overlap check (optimistic concurrency).
    schedule_version = IntegerAttribute(default=0)
    created_at = IntegerAttribute()

    by_name = index("by_name", ("kind", UnicodeAttribute), ("name_key", UnicodeAttribute))


SCHEDULED, CANCELLED = "SCHEDULED", "CANCELLED"
SETTLE = "SETTLE"  # the value of `pending` while a cancelled screening's orders are being settled
RESCHEDULE = "RESCHEDULE"  # ... while a new time or price is being copied to its orders and chairs
REBUILD = "REBUILD"  # ... while its chairs are being laid out anew in the hall it moved to


class Screening(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("screenings")

    screening_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="SCREENING")
    movie_id = UnicodeAttribute()
    movie_name = UnicodeAttribute()
    hall_id = UnicodeAttribute()
    hall_name = UnicodeAttribute()
    # The hall's venue and its time zone, copied when created (a venue's zone is fixed while it has halls);
    # absent only on screenings older than venues: the default venue's.
    venue_id = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    starts_at = IntegerAttribute()
    ends_at = IntegerAttribute()  # start + runtime + cleaning: the hall is busy until then
    price_cents = IntegerAttribute()
    currency = UnicodeAttribute()
    price_classes: MapAttribute[str, int] = MapAttribute(default=dict)  # class name -> cents
    row_classes: MapAttribute[str, str] = MapAttribute(
        default=dict
    )  # row label -> class name, for the rows that have one
    chair_count = IntegerAttribute()
    chairs_ready = BooleanAttribute(default=False)
    created_at = IntegerAttribute()
    # Cancelled: no new holds; its orders are settled in the background (boxoffice.payments.settlement).
    status = UnicodeAttribute(default=SCHEDULED)
    cancel_reason = UnicodeAttribute(null=True)
    cancelled_at = IntegerAttribute(null=True)
    # Present while orders are left to settle: puts the screening in the sparse by_pending index the
    # settlement worker reads, and survives any crash (the worker's durable to-do list).
    pending = UnicodeAttribute(null=True)
    orders_to_settle = IntegerAttribute(null=True)
    # Orders a pass could not settle (the provider down): a refunded order leaves its chairs, so the chairs
    # alone would forget its pending refund. Empty (absent) but during an outage.
    unsettled_orders = UnicodeSetAttribute(null=True)
    settled_at = IntegerAttribute(null=True)
    rescheduled_at = IntegerAttribute(null=True)

    by_start = index("by_start", ("kind", UnicodeAttribute), ("starts_at", IntegerAttribute))
    by_movie = index("by_movie", ("movie_id", UnicodeAttribute), ("starts_at", IntegerAttribute))
    by_hall = index("by_hall", ("hall_id", UnicodeAttribute), ("starts_at", IntegerAttribute))
    by_venue = index("by_venue", ("venue_id", UnicodeAttribute), ("starts_at", IntegerAttribute))  # a venue's program
    by_pending = index("by_pending", ("pending", UnicodeAttribute), ("screening_id", UnicodeAttribute))
