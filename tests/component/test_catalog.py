"""The catalog through the API: movies, members, subscriptions, halls and screenings."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from tests.component.catalog_helpers import Catalog, collect, movie_body, screening_body


@pytest.fixture
def admin(accounts):
    return accounts.admin()


@pytest.fixture
def catalog(stack, admin):
    return Catalog(stack, admin.token)


# ---------------------------------------------------------------- movies


def test_a_movie_is_created_read_replaced_and_deleted(stack, admin):
    created = stack.api.post("/movies", movie_body(), token=admin.token)
    assert created.status == 201
    movie = created.body
    assert movie["genres"] == ["drama", "sci-fi"] and movie["premiered"] == "1927-01-10"
    assert stack.api.get(f"/movies/{movie['movie_id']}", token=admin.token).body == movie

    replaced = stack.api.put(
        f"/movies/{movie['movie_id']}", movie_body(name="Metropolis (restored)", image_url=None), token=admin.token
    )
    assert replaced.status == 200
    assert replaced.body["name"] == "Metropolis (restored)" and replaced.body["image_url"] is None
    assert stack.api.get(f"/movies/{movie['movie_id']}", token=admin.token).body["name"] == "Metropolis (restored)"

    assert stack.api.delete(f"/movies/{movie['movie_id']}", token=admin.token).status == 204
    assert stack.api.get(f"/movies/{movie['movie_id']}", token=admin.token).status == 404


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"name": ""}, "body.name"),
        ({"runtime_minutes": 0}, "body.runtime_minutes"),
        ({"runtime_minutes": 601}, "body.runtime_minutes"),
        ({"premiered": "2020-13-01"}, "body.premiered"),
        ({"premiered": "1850-01-01"}, "body.premiered"),
        ({"image_url": "http://example.com/a.jpg"}, "body.image_url"),
        ({"image_url": "javascript:alert(1)"}, "body.image_url"),
        ({"genres": ["x"] * 11}, "body.genres"),
        ({"genres": [""]}, "body.genres.0"),
        ({"description": "x" * 4001}, "body.description"),
        ({"rating": 5}, "body.rating"),
    ],
)
def test_an_invalid_movie_is_a_422_and_writes_nothing(stack, admin, aws, change, location):
    answer = stack.api.post("/movies", movie_body(**change), token=admin.token)
    assert answer.status == 422, answer
    assert any(problem["location"].startswith(location) for problem in answer.body["details"]["errors"]), answer
    assert aws.dynamodb.scan(TableName=aws.tables["MoviesTable"])["Count"] == 0


def test_a_missing_field_is_a_422(stack, admin):
    body = movie_body()
    del body["runtime_minutes"]
    assert stack.api.post("/movies", body, token=admin.token).status == 422


def test_unknown_movies_are_404_for_every_verb(stack, admin):
    assert stack.api.get("/movies/missing", token=admin.token).status == 404
    assert stack.api.put("/movies/missing", movie_body(), token=admin.token).status == 404
    assert stack.api.delete("/movies/missing", token=admin.token).status == 404


def test_an_id_that_cannot_be_one_is_a_422(stack, admin):
    assert stack.api.get("/movies/" + "x" * 65, token=admin.token).status == 422
    assert stack.api.get("/movies/a.b", token=admin.token).status == 422


def test_movies_page_by_name_and_filter_by_genre_and_prefix(stack, catalog, admin):
    for name, genres in [
        ("Alien", ["horror"]),
        ("Aliens", ["action"]),
        ("Amelie", ["comedy"]),
        ("Brazil", ["comedy"]),
        ("Casablanca", ["drama"]),
    ]:
        catalog.movie(name=name, genres=genres)
    everything, pages = collect(stack, "/movies", admin.token)
    assert [movie["name"] for movie in everything] == ["Alien", "Aliens", "Amelie", "Brazil", "Casablanca"]
    assert pages >= 3
    prefixed, _ = collect(stack, "/movies", admin.token, {"name": "ali"})
    assert [movie["name"] for movie in prefixed] == ["Alien", "Aliens"]
    comedies, _ = collect(stack, "/movies", admin.token, {"genre": "Comedy"}, limit=10)
    assert [movie["name"] for movie in comedies] == ["Amelie", "Brazil"]


def test_a_cursor_from_one_list_does_not_open_another(stack, catalog, admin):
    for name in ("A", "B", "C"):
        catalog.movie(name=name)
        catalog.member(name=name)
    movie_cursor = stack.api.get("/movies", token=admin.token, query={"limit": 1}).body["next_cursor"]
    answer = stack.api.get("/members", token=admin.token, query={"cursor": movie_cursor})
    assert answer.status == 422 and answer.body["code"] == "INVALID_CURSOR"


def test_deleting_a_movie_removes_its_subscriptions(stack, catalog, admin):
    movie, other = catalog.movie(), catalog.movie(name="Other")
    member = catalog.member()
    for day in ("2026-01-01", "2026-01-02"):
        stack.api.post(
            "/subscriptions",
            {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": day},
            token=admin.token,
        )
    stack.api.post(
        "/subscriptions",
        {"member_id": member["member_id"], "movie_id": other["movie_id"], "date": "2026-01-01"},
        token=admin.token,
    )
    assert stack.api.delete(f"/movies/{movie['movie_id']}", token=admin.token).status == 204
    left = stack.api.get("/subscriptions", token=admin.token, query={"member_id": member["member_id"]}).body
    assert [item["movie_id"] for item in left["items"]] == [other["movie_id"]]


def test_a_movie_with_screenings_to_come_cannot_be_deleted_until_they_start(stack, catalog, admin):
    movie = catalog.movie()
    catalog.screening(movie_id=movie["movie_id"], hours_from_now=5)
    refused = stack.api.delete(f"/movies/{movie['movie_id']}", token=admin.token)
    assert refused.status == 409 and refused.body["code"] == "MOVIE_HAS_SCREENINGS"
    assert stack.api.get(f"/movies/{movie['movie_id']}", token=admin.token).status == 200
    clock.advance(5 * 3600 + 1)
    admin_token = stack.api.post("/auth/login", {"username": admin.username, "password": admin.password}).body
    assert stack.api.delete(f"/movies/{movie['movie_id']}", token=admin_token["access_token"]).status == 204


# ---------------------------------------------------------------- members and subscriptions


def test_members_are_created_read_replaced_listed_and_deleted_with_their_subscriptions(stack, catalog, admin):
    member = catalog.member(name="Zoe")
    catalog.member(name="Adam")
    assert stack.api.get(f"/members/{member['member_id']}", token=admin.token).body == member
    replaced = stack.api.put(
        f"/members/{member['member_id']}",
        {"name": "Zoe Z", "email": "zoe@example.com", "city": "Paris"},
        token=admin.token,
    )
    assert replaced.status == 200 and replaced.body["city"] == "Paris"
    listed, _ = collect(stack, "/members", admin.token, limit=1)
    assert [item["name"] for item in listed] == ["Adam", "Zoe Z"]
    movie = catalog.movie()
    stack.api.post(
        "/subscriptions",
        {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": "2026-02-02"},
        token=admin.token,
    )
    assert stack.api.delete(f"/members/{member['member_id']}", token=admin.token).status == 204
    assert stack.api.get("/subscriptions", token=admin.token, query={"movie_id": movie["movie_id"]}).body["items"] == []
    assert stack.api.get(f"/members/{member['member_id']}", token=admin.token).status == 404


@pytest.mark.parametrize("change", [{"email": "nope"}, {"city": ""}, {"name": "x" * 101}, {"vip": True}])
def test_an_invalid_member_is_a_422(stack, admin, change):
    body = {"name": "M", "email": "m@example.com", "city": "Rome", **change}
    assert stack.api.post("/members", body, token=admin.token).status == 422


def test_a_subscription_is_unique_per_member_movie_and_date(stack, catalog, admin):
    member, movie = catalog.member(), catalog.movie()
    body = {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": "2026-03-03"}
    first = stack.api.post("/subscriptions", body, token=admin.token)
    assert first.status == 201 and first.body["source"] == "staff"
    again = stack.api.post("/subscriptions", body, token=admin.token)
    assert again.status == 409 and again.body["code"] == "ALREADY_SUBSCRIBED"
    assert again.body["details"]["subscription_id"] == first.body["subscription_id"]
    other_day = stack.api.post("/subscriptions", {**body, "date": "2026-03-04"}, token=admin.token)
    assert other_day.status == 201


def test_a_subscription_needs_an_existing_member_and_movie(stack, catalog, admin, aws):
    member, movie = catalog.member(), catalog.movie()
    no_member = stack.api.post(
        "/subscriptions", {"member_id": "ghost", "movie_id": movie["movie_id"], "date": "2026-03-03"}, token=admin.token
    )
    assert no_member.status == 404 and no_member.body["details"] == {"member_id": "ghost"}
    no_movie = stack.api.post(
        "/subscriptions",
        {"member_id": member["member_id"], "movie_id": "ghost", "date": "2026-03-03"},
        token=admin.token,
    )
    assert no_movie.status == 404 and no_movie.body["details"] == {"movie_id": "ghost"}
    assert aws.dynamodb.scan(TableName=aws.tables["SubscriptionsTable"])["Count"] == 0


def test_subscriptions_list_by_member_by_movie_or_both_and_need_one(stack, catalog, admin):
    alice, bob = catalog.member("Alice"), catalog.member("Bob")
    heat, up = catalog.movie(name="Heat"), catalog.movie(name="Up")
    for member, movie, date in [(alice, heat, "2026-01-03"), (alice, up, "2026-01-01"), (bob, heat, "2026-01-02")]:
        stack.api.post(
            "/subscriptions",
            {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": date},
            token=admin.token,
        )
    by_alice, _ = collect(stack, "/subscriptions", admin.token, {"member_id": alice["member_id"]}, limit=1)
    assert [item["date"] for item in by_alice] == ["2026-01-01", "2026-01-03"]
    by_heat, _ = collect(stack, "/subscriptions", admin.token, {"movie_id": heat["movie_id"]})
    assert sorted(item["member_id"] for item in by_heat) == sorted([alice["member_id"], bob["member_id"]])
    both, _ = collect(
        stack, "/subscriptions", admin.token, {"member_id": alice["member_id"], "movie_id": heat["movie_id"]}, limit=10
    )
    assert [item["date"] for item in both] == ["2026-01-03"]
    everyone, _ = collect(stack, "/subscriptions", admin.token, {}, limit=2)
    mine = [item for item in everyone if item["member_id"] in (alice["member_id"], bob["member_id"])]
    assert [item["date"] for item in mine] == ["2026-01-03", "2026-01-02", "2026-01-01"], "newest first"
    assert {(item["member_name"], item["movie_name"]) for item in mine} == {
        ("Alice", "Heat"), ("Alice", "Up"), ("Bob", "Heat")}  # fmt: skip


def test_a_subscription_shows_the_names_as_they_are_now(stack, catalog, admin):
    member, movie = catalog.member("Carla"), catalog.movie(name="Ran")
    created = stack.api.post(
        "/subscriptions",
        {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": "2026-02-02"},
        token=admin.token,
    )
    assert (created.body["member_name"], created.body["movie_name"]) == ("Carla", "Ran")
    renamed = {**{k: member[k] for k in ("name", "email", "city")}, "name": "Carla Lima"}
    assert stack.api.put(f"/members/{member['member_id']}", renamed, token=admin.token).status == 200
    listed = stack.api.get("/subscriptions", token=admin.token, query={"member_id": member["member_id"]})
    assert listed.body["items"][0]["member_name"] == "Carla Lima"


def test_a_subscription_is_deleted_once(stack, catalog, admin):
    member, movie = catalog.member(), catalog.movie()
    created = stack.api.post(
        "/subscriptions",
        {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": "2026-03-03"},
        token=admin.token,
    ).body
    assert stack.api.delete(f"/subscriptions/{created['subscription_id']}", token=admin.token).status == 204
    assert stack.api.delete(f"/subscriptions/{created['subscription_id']}", token=admin.token).status == 404


# ---------------------------------------------------------------- halls


def test_a_hall_with_aisles_and_price_classes(stack, admin):
    created = stack.api.post(
        "/halls",
        {
            "name": "Grand",
            "rows": [
                {"label": "A", "seats": 10, "gaps": [5, 6]},
                {"label": "B", "seats": 12, "price_class": "premium"},
            ],
        },
        token=admin.token,
    )
    assert created.status == 201
    assert created.body["chair_count"] == 8 + 12
    assert stack.api.get(f"/halls/{created.body['hall_id']}", token=admin.token).body == created.body
    assert stack.api.get("/halls/missing", token=admin.token).status == 404


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"label": "A", "seats": 5}, {"label": "A", "seats": 5}],
        [{"label": "A", "seats": 5, "gaps": [6]}],
        [{"label": "A", "seats": 2, "gaps": [1, 2]}],
        [{"label": "a", "seats": 5}],
        [{"label": "A", "seats": 0}],
        [{"label": f"R{index}"[:3].upper().replace("R", "") or "Z", "seats": 1} for index in range(2)],
        [{"label": chr(65 + index // 26) + chr(65 + index % 26), "seats": 200} for index in range(16)],
    ],
)
def test_an_invalid_layout_is_a_422(stack, admin, rows):
    assert stack.api.post("/halls", {"name": "Bad", "rows": rows}, token=admin.token).status == 422


def test_halls_list_by_name(stack, catalog, admin):
    for name in ("Studio", "Annex", "Main"):
        catalog.hall(name=name)
    listed, _ = collect(stack, "/halls", admin.token)
    assert [hall["name"] for hall in listed] == ["Annex", "Main", "Studio"]


# ---------------------------------------------------------------- screenings


def test_a_300_chair_screening_has_exactly_300_chairs_even_when_created_twice(stack, catalog, admin, aws):
    movie, hall = catalog.movie(), catalog.hall(rows=15, seats=20)
    body = screening_body(movie["movie_id"], hall["hall_id"])
    first = stack.api.post("/screenings", body, token=admin.token)
    assert first.status == 201 and first.body["chair_count"] == 300 and first.body["chairs_ready"] is True
    second = stack.api.post("/screenings", body, token=admin.token)
    assert second.status == 201 and second.body["screening_id"] == first.body["screening_id"]
    count = aws.dynamodb.query(
        TableName=aws.tables["ChairsTable"],
        KeyConditionExpression="screening_id = :s",
        ExpressionAttributeValues={":s": {"S": first.body["screening_id"]}},
        Select="COUNT",
    )["Count"]
    assert count == 300


def test_a_retry_completes_chairs_a_crashed_first_attempt_left_out(stack, catalog, admin, aws):
    movie, hall = catalog.movie(), catalog.hall(rows=3, seats=50)
    body = screening_body(movie["movie_id"], hall["hall_id"])
    screening = stack.api.post("/screenings", body, token=admin.token).body
    # The first attempt "crashed" after 60 chairs: remove the rest and mark it unfinished.
    key = {"screening_id": {"S": screening["screening_id"]}}
    chairs = aws.dynamodb.query(
        TableName=aws.tables["ChairsTable"],
        KeyConditionExpression="screening_id = :s",
        ExpressionAttributeValues={":s": key["screening_id"]},
    )["Items"]
    for chair in chairs[60:]:
        aws.dynamodb.delete_item(
            TableName=aws.tables["ChairsTable"], Key={"screening_id": chair["screening_id"], "seat": chair["seat"]}
        )
    aws.dynamodb.update_item(
        TableName=aws.tables["ScreeningsTable"],
        Key=key,
        UpdateExpression="SET chairs_ready = :f",
        ExpressionAttributeValues={":f": {"BOOL": False}},
    )
    retried = stack.api.post("/screenings", body, token=admin.token)
    assert retried.status == 201 and retried.body["chairs_ready"] is True
    count = aws.dynamodb.query(
        TableName=aws.tables["ChairsTable"],
        KeyConditionExpression="screening_id = :s",
        ExpressionAttributeValues={":s": key["screening_id"]},
        Select="COUNT",
    )["Count"]
    assert count == 150


def test_chair_prices_follow_row_classes(stack, catalog, admin, aws):
    movie = catalog.movie()
    hall = stack.api.post(
        "/halls",
        {
            "name": "Mixed",
            "rows": [
                {"label": "A", "seats": 2},
                {"label": "B", "seats": 2, "price_class": "premium"},
            ],
        },
        token=admin.token,
    ).body
    screening = stack.api.post(
        "/screenings",
        screening_body(movie["movie_id"], hall["hall_id"], price_cents=1000, price_classes={"premium": 1500}),
        token=admin.token,
    ).body
    assert screening["price_classes"] == {"premium": 1500}
    chairs = aws.dynamodb.query(
        TableName=aws.tables["ChairsTable"],
        KeyConditionExpression="screening_id = :s",
        ExpressionAttributeValues={":s": {"S": screening["screening_id"]}},
    )["Items"]
    prices = {chair["chair_id"]["S"]: int(chair["price_cents"]["N"]) for chair in chairs}
    assert prices == {"A-1": 1000, "A-2": 1000, "B-1": 1500, "B-2": 1500}


def test_screenings_in_one_hall_cannot_overlap_runtime_and_cleaning(stack, catalog, admin):
    movie = catalog.movie(runtime_minutes=120)  # busy 120 + 15 minutes
    hall, other_hall = catalog.hall(), catalog.hall(name="Two")
    base = float(int(clock.time()))

    def body(hall_id, hours):
        return screening_body(movie["movie_id"], hall_id, hours, base=base)

    first = stack.api.post("/screenings", body(hall["hall_id"], 10), token=admin.token).body
    for hours in (9, 10.5, 11, 12.2):
        clash = stack.api.post("/screenings", body(hall["hall_id"], hours), token=admin.token)
        assert clash.status == 409, hours
        assert clash.body["code"] == "SCREENING_OVERLAP"
        assert clash.body["details"]["screening_id"] == first["screening_id"]
    after = stack.api.post("/screenings", body(hall["hall_id"], 10 + 2.25), token=admin.token)
    assert after.status == 201, "starting when the first one (and its cleaning) ends is fine"
    before = stack.api.post("/screenings", body(hall["hall_id"], 10 - 2.25), token=admin.token)
    assert before.status == 201
    elsewhere = stack.api.post("/screenings", body(other_hall["hall_id"], 10), token=admin.token)
    assert elsewhere.status == 201


def test_a_different_screening_at_the_same_start_in_the_same_hall_is_refused(stack, catalog, admin):
    movie, hall = catalog.movie(), catalog.hall()
    body = screening_body(movie["movie_id"], hall["hall_id"])
    assert stack.api.post("/screenings", body, token=admin.token).status == 201
    dearer = stack.api.post("/screenings", {**body, "price_cents": 9999}, token=admin.token)
    assert dearer.status == 409 and dearer.body["code"] == "SCREENING_OVERLAP"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"movie_id": "ghost"}, 404),
        ({"hall_id": "ghost"}, 404),
        ({"currency": "eur"}, 422),
        ({"price_cents": -1}, 422),
        ({"starts_at": "2026-12-24T20:00:00"}, 422),
        ({"starts_at": "tomorrow"}, 422),
        ({"price_classes": {"Premium!": 100}}, 422),
        ({"extra": 1}, 422),
    ],
)
def test_an_invalid_screening_changes_nothing(stack, catalog, admin, aws, change, status):
    movie, hall = catalog.movie(), catalog.hall()
    answer = stack.api.post(
        "/screenings", {**screening_body(movie["movie_id"], hall["hall_id"]), **change}, token=admin.token
    )
    assert answer.status == status, answer
    assert aws.dynamodb.scan(TableName=aws.tables["ScreeningsTable"])["Count"] == 0
    assert aws.dynamodb.scan(TableName=aws.tables["ChairsTable"])["Count"] == 0


def test_a_screening_in_the_past_is_a_422(stack, catalog, admin):
    movie, hall = catalog.movie(), catalog.hall()
    answer = stack.api.post("/screenings", screening_body(movie["movie_id"], hall["hall_id"], -1), token=admin.token)
    assert answer.status == 422 and answer.body["code"] == "STARTS_IN_THE_PAST"


def test_screenings_list_by_time_window_and_by_movie(stack, catalog, admin):
    heat, up = catalog.movie(name="Heat"), catalog.movie(name="Up")
    hall = catalog.hall()
    for hours, movie in [(5, heat), (10, up), (15, heat), (20, up)]:
        catalog.screening(movie["movie_id"], hall["hall_id"], hours)
    upcoming, _ = collect(stack, "/screenings", admin.token)
    assert [item["movie_name"] for item in upcoming] == ["Heat", "Up", "Heat", "Up"]
    assert upcoming == sorted(upcoming, key=lambda item: item["starts_at"])
    from tests.component.catalog_helpers import at

    window, _ = collect(stack, "/screenings", admin.token, {"from": at(8), "to": at(16)})
    assert [item["movie_name"] for item in window] == ["Up", "Heat"]
    heats, _ = collect(stack, "/screenings", admin.token, {"movie_id": heat["movie_id"]})
    assert len(heats) == 2 and {item["movie_id"] for item in heats} == {heat["movie_id"]}
    assert stack.api.get("/screenings", token=admin.token, query={"from": at(9), "to": at(8)}).status == 422
    clock.advance(12 * 3600)
    later = stack.api.get(
        "/screenings",
        token=stack.api.post("/auth/login", {"username": admin.username, "password": admin.password}).body[
            "access_token"
        ],
    )
    assert len(later.body["items"]) == 2, "past screenings are not listed by default"


def test_a_customer_sees_screenings_but_cannot_schedule_them(stack, catalog, accounts):
    screening = catalog.screening()
    customer = accounts.customer()
    assert stack.api.get(f"/screenings/{screening['screening_id']}", token=customer.token).status == 200
    assert stack.api.get("/screenings", token=customer.token).status == 200
    assert (
        stack.api.post(
            "/screenings", screening_body(screening["movie_id"], screening["hall_id"], 100), token=customer.token
        ).status
        == 403
    )
    assert stack.api.get("/members", token=customer.token).status == 403
