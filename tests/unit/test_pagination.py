"""Cursor checks that need no table: the sort-key condition a start key must lie within."""

from __future__ import annotations

import pytest

from boxoffice.errors import Invalid
from boxoffice.models.catalog import Movie, Screening
from boxoffice.pagination import decode_cursor, encode_cursor, key_schema, within


@pytest.mark.parametrize(
    ("condition", "starts_at", "inside"),
    [
        (Screening.starts_at.between(100, 200), "100", True),
        (Screening.starts_at.between(100, 200), "200", True),
        (Screening.starts_at.between(100, 200), "99", False),
        (Screening.starts_at.between(100, 200), "201", False),
        (Screening.starts_at >= 100, "100", True),
        (Screening.starts_at >= 100, "99", False),
        (Screening.starts_at < 100, "99", True),
        (Screening.starts_at < 100, "100", False),
        (None, "1", True),
    ],
)
def test_a_start_key_lies_within_the_sort_key_condition(condition, starts_at, inside):
    assert within(condition, {"starts_at": {"N": starts_at}, "kind": {"S": "SCREENING"}}) is inside


def test_a_name_prefix_search_takes_only_keys_with_the_prefix():
    condition = Movie.name_key.startswith("metro")
    assert within(condition, {"name_key": {"S": "metropolis#1"}})
    assert not within(condition, {"name_key": {"S": "nosferatu#2"}})
    assert not within(condition, {"name_key": {"N": "1"}}), "a number where the key is a string"


def test_the_schema_of_an_index_query_is_the_table_key_and_the_index_key():
    assert key_schema(Screening, Screening.by_start) == {"screening_id": "S", "kind": "S", "starts_at": "N"}


def test_a_cursor_of_another_partition_is_refused():
    schema = {"order_id": "S", "user_id": "S", "created_at": "N"}
    cursor = encode_cursor({"order_id": {"S": "o1"}, "user_id": {"S": "alice"}, "created_at": {"N": "5"}})
    assert decode_cursor(cursor, schema, {"user_id": "alice"})
    with pytest.raises(Invalid) as refused:
        decode_cursor(cursor, schema, {"user_id": "mallory"})
    assert refused.value.code == "INVALID_CURSOR"
