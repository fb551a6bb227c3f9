"""A member subscribed to a movie on a date: created by staff, or by a paid order of the member."""

from __future__ import annotations

from datetime import datetime

from pynamodb.models import Model

from boxoffice.catalog.schemas import SubscriptionIn, SubscriptionOut
from boxoffice.clock import iso, now_epoch, utc_date
from boxoffice.errors import Conflict, NotFound
from boxoffice.ids import derived_id
from boxoffice.models.base import Transaction, TransactionCancelled, get_many, get_or_404
from boxoffice.models.catalog import Member, Movie, Subscription
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.venues.local_time import known_zone


def subscription_id(member_id: str, movie_id: str, date: str) -> str:
    """One subscription per member, movie and date: the id says so, and a conditional put keeps it so."""
    return derived_id("subscription", member_id, movie_id, date)


def watch_date(starts_at: int, timezone: str | None) -> str:
    """The date a sale subscribes its member to the movie: the screening's local date in its venue. An order
    older than venues has no zone; its subscription was dated in UTC, and is found again by that date."""
    if timezone is None:
        return utc_date(starts_at)
    return datetime.fromtimestamp(starts_at, tz=known_zone(timezone)).date().isoformat()


def to_out(subscription: Subscription, names: dict[str, str] | None = None) -> SubscriptionOut:
    names = names or {}
    return SubscriptionOut(
        subscription_id=subscription.subscription_id,
        member_id=subscription.member_id,
        member_name=names.get(subscription.member_id),
        movie_id=subscription.movie_id,
        movie_name=names.get(subscription.movie_id),
        date=subscription.date,
        source=subscription.source,
        order_id=subscription.order_id,
        created_at=iso(subscription.created_at),
    )


def new_subscription(
    member_id: str, movie_id: str, date: str, *, source: str = "staff", order_id: str | None = None
) -> Subscription:
    identifier = subscription_id(member_id, movie_id, date)
    return Subscription(
        subscription_id=identifier,
        member_id=member_id,
        movie_id=movie_id,
        date=date,
        date_key=f"{date}#{identifier}",
        source=source,
        order_id=order_id,
        created_at=now_epoch(),
    )


def create(body: SubscriptionIn) -> SubscriptionOut:
    subscription = new_subscription(body.member_id, body.movie_id, body.date.isoformat())
    transaction = Transaction()
    transaction.check("member", Member, body.member_id, condition=Member.member_id.exists())
    transaction.check("movie", Movie, body.movie_id, condition=Movie.movie_id.exists())
    transaction.put("subscription", subscription, condition=Subscription.subscription_id.does_not_exist())
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        failed = cancelled.failed()
        if "member" in failed:
            raise NotFound("No such member", details={"member_id": body.member_id}) from cancelled
        if "movie" in failed:
            raise NotFound("No such movie", details={"movie_id": body.movie_id}) from cancelled
        if "subscription" in failed:
            raise Conflict(
                "The member is already subscribed to this movie on this date",
                code="ALREADY_SUBSCRIBED",
                details={"subscription_id": subscription.subscription_id},
            ) from cancelled
        raise
    return to_out(subscription, _names([subscription]))


def _names(subscriptions: list[Subscription]) -> dict[str, str]:
    """The members' and movies' names, read now (so a rename shows at once): one BatchGetItem per 100."""
    wanted: list[tuple[type[Model], str]] = sorted(
        {(Member, item.member_id) for item in subscriptions} | {(Movie, item.movie_id) for item in subscriptions},
        key=lambda pair: (pair[0].__name__, pair[1]),
    )
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 100):
        for found in get_many(*wanted[start : start + 100]):
            if isinstance(found, Member):
                names[found.member_id] = found.name
            elif isinstance(found, Movie):
                names[found.movie_id] = found.name
    return names


def _named_page(items: list[Subscription], next_cursor: str | None) -> Page[SubscriptionOut]:
    names = _names(items)
    return Page[SubscriptionOut](items=[to_out(item, names) for item in items], next_cursor=next_cursor)


def delete(identifier: str) -> None:
    subscription = get_or_404(Subscription, identifier, "subscription")
    subscription.delete()


def list_for(member_id: str | None, movie_id: str | None, limit: int, cursor: str | None) -> Page[SubscriptionOut]:
    """A member's subscriptions (optionally to one movie), a movie's, or everyone's newest first; by date."""
    if member_id:
        items, next_cursor = query_page(
            Subscription,
            Subscription.by_member,
            member_id,
            limit=limit,
            cursor=cursor,
            filter_condition=(Subscription.movie_id == movie_id) if movie_id else None,
        )
    elif movie_id:
        items, next_cursor = query_page(
            Subscription,
            Subscription.by_movie,
            movie_id,
            limit=limit,
            cursor=cursor,
        )
    else:
        items, next_cursor = query_page(
            Subscription, Subscription.by_date, "SUBSCRIPTION", limit=limit, cursor=cursor, newest_first=True
        )
    return _named_page(items, next_cursor)


def delete_all(index: str, key: str) -> int:
    """Remove every subscription of a member or a movie (after the member or movie itself is gone)."""
    query = Subscription.by_member.query if index == "by_member" else Subscription.by_movie.query
    removed = 0
    with Subscription.batch_write() as batch:
        for subscription in query(key, page_size=100):
            batch.delete(subscription)
            removed += 1
    return removed


def record_sale(member_id: str, movie_id: str, date: str, order_id: str) -> None:
    """Watch history: a paid order of a member subscribes them to its movie on its date (once)."""
    subscription = new_subscription(member_id, movie_id, date, source="sale", order_id=order_id)
    try:
        subscription.save(condition=Subscription.subscription_id.does_not_exist())
    except Exception as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
