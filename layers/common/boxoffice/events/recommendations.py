"""Recommendations: people who bought or subscribed to this movie also chose ...

A basket is what one customer bought (their paid orders) or one member chose
(subscriptions, which a box office sale to a member also makes). When a movie
enters a basket, each other movie of the basket gains one point with it, both
ways; when it leaves (a full refund, a removed subscription) it loses them. The
points are kept per pair in the by_score index, so the best matches of a movie
are one Query, whatever the catalog's size. Each event is counted once: the
basket's change, the pairs' and a mark keyed on the event's id are one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from boxoffice.clock import now_epoch
from boxoffice.errors import NotFound
from boxoffice.events import reports
from boxoffice.events.once import already_applied, marked
from boxoffice.events.schemas import RecommendationsOut, RecommendedMovieOut
from boxoffice.models.base import TransactionCancelled, get_many
from boxoffice.models.catalog import SCHEDULED, Movie, Screening
from boxoffice.models.insights import Recommendation

# A basket's first this-many movies get points with a newcomer (a transaction holds 100 items).
MAX_PARTNERS = 40
MAX_ATTEMPTS = 5
TOP = 10
SEEDS = 10  # the caller's movies whose matches are read for /me/recommendations
UPCOMING = 200  # screenings to come read for /me/recommendations


def basket_of(detail_type: str, detail: dict[str, Any]) -> tuple[str, str, int] | None:
    """(basket, movie, +1 or -1) for an event that changes a basket, else None."""
    if detail_type == "SubscriptionCreated":
        return f"member:{detail['member_id']}", str(detail["movie_id"]), 1
    if detail_type == "SubscriptionDeleted":
        return f"member:{detail['member_id']}", str(detail["movie_id"]), -1
    if detail.get("member_id"):
        return None  # a box office sale to a member: the subscription it makes counts it
    if detail_type == "OrderPaid":
        return f"user:{detail['user_id']}", str(detail["movie_id"]), 1
    if detail_type == "OrderRefunded":
        return f"user:{detail['user_id']}", str(detail["movie_id"]), -1
    return None


def _basket(basket: str) -> dict[str, int]:
    return {
        item.sk: int(item.n or 0)
        for item in Recommendation.query(f"basket#{basket}", consistent_read=True, limit=MAX_PARTNERS * 3)
    }


def apply(event_id: str, detail_type: str, detail: dict[str, Any]) -> bool:
    """Count one event once; False when it was counted before or changes no basket."""
    change = basket_of(detail_type, detail)
    if change is None:
        return False
    basket, movie, step = change
    now = now_epoch()
    for _ in range(MAX_ATTEMPTS):
        held = _basket(basket)
        before = held.get(movie, 0)
        if before + step < 0:
            return False  # a removal of what was never counted (an event from before this existed)
        transaction = marked(Recommendation, event_id, sk="-")
        unchanged = (
            Recommendation.n == before if before else Recommendation.n.does_not_exist() | (Recommendation.n == 0)
        )
        transaction.update(
            "basket",
            Recommendation(f"basket#{basket}", movie),
            [Recommendation.n.set(before + step), Recommendation.at.set(now)],
            condition=unchanged,
        )
        if (before == 0 and step > 0) or (before == 1 and step < 0):
            partners = [other for other, count in sorted(held.items()) if other != movie and count > 0]
            for other in partners[:MAX_PARTNERS]:
                for one, two in ((movie, other), (other, movie)):
                    transaction.update(
                        f"{one}>{two}",
                        Recommendation(f"also#{one}", two),
                        [Recommendation.also_of.set(one), Recommendation.score.add(step)],
                    )
        try:
            transaction.commit()
            return True
        except TransactionCancelled as cancelled:
            if already_applied(cancelled):
                return False
            if "basket" not in cancelled.failed() and not cancelled.retryable:
                raise
    raise RuntimeError("the basket kept changing; the event is retried")


# ---------------------------------------------------------------- reading
def _matches(movie: str) -> list[tuple[str, int]]:
    """One Query: the movies most often chosen with `movie`, best first."""
    found = Recommendation.by_score.query(f"{movie}", scan_index_forward=False, limit=TOP)
    return [(item.sk, int(item.score or 0)) for item in found if int(item.score or 0) > 0]


def _named(scored: list[tuple[str, int]], extra: list[str] = ()) -> dict[str, str]:  # type: ignore[assignment]
    wanted = list(dict.fromkeys([*extra, *(movie for movie, _ in scored)]))
    if not wanted:
        return {}
    movies = get_many(*((Movie, movie) for movie in wanted))
    return {movie.movie_id: movie.name for movie in movies if isinstance(movie, Movie)}


def for_movie(movie_id: str) -> RecommendationsOut:
    """Two requests: the matches (Query), then the movie and its matches' names (BatchGetItem)."""
    scored = _matches(movie_id)
    names = _named(scored, [movie_id])
    if movie_id not in names:
        raise NotFound("No such movie", details={"movie_id": movie_id})
    items = [RecommendedMovieOut(movie_id=m, name=names[m], score=s) for m, s in scored if m in names]
    return RecommendationsOut(basis="co-occurrence", items=items)


def _upcoming() -> list[Screening]:
    now = now_epoch()
    found = Screening.by_start.query("SCREENING", Screening.starts_at >= now, limit=UPCOMING)
    return [screening for screening in found if screening.status == SCHEDULED]


def _selling_now(screenings: list[Screening]) -> dict[str, int]:
    """Seats sold per movie of the screenings to come (their report lines, BatchGetItem)."""
    sold = reports.report_lines([f"screening#{screening.screening_id}" for screening in screenings])
    by_movie: dict[str, int] = defaultdict(int)
    for screening in screenings:
        by_movie[screening.movie_id] += max(0, sold.get(f"screening#{screening.screening_id}", {}).get("sold", 0))
    return by_movie


def for_user(user_id: str) -> RecommendationsOut:
    """Movies with screenings to come that the caller has not bought, ranked by how often their own movies'
    buyers chose them; else what sells now. At most 15 requests, whatever the catalog's size."""
    seen = {movie: n for movie, n in _basket(f"user:{user_id}").items() if n > 0}
    seeds = sorted(seen, key=lambda movie: -seen[movie])[:SEEDS]
    scores: dict[str, int] = defaultdict(int)
    for movie in seeds:
        for other, score in _matches(movie):
            if other not in seen:
                scores[other] += score
    upcoming = _upcoming()
    showing = {screening.movie_id for screening in upcoming}
    ranked = sorted(((m, s) for m, s in scores.items() if m in showing), key=lambda pair: (-pair[1], pair[0]))
    basis = "co-occurrence"
    if not ranked:
        basis = "selling-now"
        selling = _selling_now(upcoming) if upcoming else {}
        ranked = sorted(((m, s) for m, s in selling.items() if m not in seen), key=lambda pair: (-pair[1], pair[0]))
    ranked = ranked[:TOP]
    names = _named(ranked)
    items = [RecommendedMovieOut(movie_id=m, name=names[m], score=s) for m, s in ranked if m in names]
    return RecommendationsOut(basis=basis, items=items)
