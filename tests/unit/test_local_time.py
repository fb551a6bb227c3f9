"""A venue's clock: local times that do not exist or exist twice, calendar and business days across DST."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boxoffice.errors import Invalid
from boxoffice.venues import local_time

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
FIVE = time(5)


def instant(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        (BERLIN, "2026-12-24T20:00", "2026-12-24T20:00:00+01:00"),
        (BERLIN, "2026-07-01T20:00", "2026-07-01T20:00:00+02:00"),
        (BERLIN, "2026-03-29T01:59", "2026-03-29T01:59:00+01:00"),  # the last minute before spring forward
        (BERLIN, "2026-03-29T03:00", "2026-03-29T03:00:00+02:00"),  # the first after it
        (BERLIN, "2026-10-25T03:00", "2026-10-25T03:00:00+01:00"),  # after fall back: once again
        (NEW_YORK, "2026-03-08T03:00", "2026-03-08T03:00:00-04:00"),
        (NEW_YORK, "2026-11-01T00:59", "2026-11-01T00:59:00-04:00"),
        ("Pacific/Kiritimati", "2026-12-24T20:00", "2026-12-24T20:00:00+14:00"),
        ("Pacific/Honolulu", "2026-12-24T20:00", "2026-12-24T20:00:00-10:00"),
    ],
)
def test_a_local_time_that_exists_once_names_one_instant(zone, wall, expected):
    moment = local_time.instant_of_local(datetime.fromisoformat(wall), zone)
    assert local_time.local_iso(moment, zone) == expected
    assert moment == instant(expected)


@pytest.mark.parametrize(
    ("zone", "wall"),
    [(BERLIN, "2026-03-29T02:00"), (BERLIN, "2026-03-29T02:59"), (NEW_YORK, "2026-03-08T02:30")],
)
def test_a_local_time_the_clocks_skip_is_refused(zone, wall):
    with pytest.raises(Invalid) as refused:
        local_time.instant_of_local(datetime.fromisoformat(wall), zone)
    assert refused.value.code == "LOCAL_TIME_DOES_NOT_EXIST"
    assert refused.value.details["errors"][0]["location"] == "body.starts_at_local"


@pytest.mark.parametrize(
    ("zone", "wall", "candidates"),
    [
        (BERLIN, "2026-10-25T02:30", ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"]),
        (NEW_YORK, "2026-11-01T01:00", ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"]),
    ],
)
def test_a_local_time_the_clocks_pass_twice_is_refused_naming_both(zone, wall, candidates):
    with pytest.raises(Invalid) as refused:
        local_time.instant_of_local(datetime.fromisoformat(wall), zone)
    assert refused.value.code == "LOCAL_TIME_AMBIGUOUS"
    assert refused.value.details["candidates"] == candidates


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (BERLIN, date(2026, 3, 29), 23),
        (BERLIN, date(2026, 10, 25), 25),
        (BERLIN, date(2026, 12, 24), 24),
        (NEW_YORK, date(2026, 3, 8), 23),
        (NEW_YORK, date(2026, 11, 1), 25),
    ],
)
def test_a_local_day_is_as_long_as_the_clocks_make_it(zone, day, hours):
    start, end = local_time.local_day_window(day, zone)
    assert (end - start) == hours * 3600
    assert local_time.local_iso(start, zone).startswith(f"{day.isoformat()}T00:00:00")


@pytest.mark.parametrize(
    ("local", "business_day"),
    [
        ("2026-12-25T00:30:00+01:00", "2026-12-24"),
        ("2026-12-25T04:59:00+01:00", "2026-12-24"),
        ("2026-12-25T04:59:59+01:00", "2026-12-24"),
        ("2026-12-25T05:00:00+01:00", "2026-12-25"),
        ("2026-12-24T23:30:00+01:00", "2026-12-24"),
        ("2026-03-29T04:59:00+02:00", "2026-03-28"),  # a short night: spring forward
        ("2026-03-29T05:00:00+02:00", "2026-03-29"),
        ("2026-10-25T02:30:00+01:00", "2026-10-24"),  # the second 02:30 of a long night
        ("2026-10-25T05:00:00+01:00", "2026-10-25"),
    ],
)
def test_a_sale_belongs_to_the_business_day_that_starts_at_five(local, business_day):
    assert local_time.business_day(instant(local), BERLIN, FIVE).isoformat() == business_day


def test_a_business_day_window_holds_exactly_its_own_instants():
    start, end = local_time.business_day_window(date(2026, 10, 24), BERLIN, FIVE)
    assert local_time.local_iso(start, BERLIN) == "2026-10-24T05:00:00+02:00"
    assert local_time.local_iso(end, BERLIN) == "2026-10-25T05:00:00+01:00"
    assert end - start == 25 * 3600
    assert local_time.business_day(start, BERLIN, FIVE) == date(2026, 10, 24)
    assert local_time.business_day(end - 1, BERLIN, FIVE) == date(2026, 10, 24)
    assert local_time.business_day(end, BERLIN, FIVE) == date(2026, 10, 25)


def test_a_business_day_starting_inside_a_gap_starts_when_the_gap_ends():
    start, _ = local_time.business_day_window(date(2026, 3, 29), BERLIN, time(2, 30))
    assert local_time.local_iso(start, BERLIN) == "2026-03-29T03:00:00+02:00"


def test_one_utc_day_is_two_local_days_far_apart():
    """A venue at UTC+14 and one at UTC-10 on the same UTC instant: a day apart on the calendar."""
    moment = instant("2026-12-24T12:00:00+00:00")
    assert local_time.local_iso(moment, "Pacific/Kiritimati").startswith("2026-12-25T02:00")
    assert local_time.local_iso(moment, "Pacific/Honolulu").startswith("2026-12-24T02:00")
    assert local_time.business_day(moment, "Pacific/Kiritimati", FIVE) == date(2026, 12, 24)
    assert local_time.business_day(moment, "Pacific/Honolulu", FIVE) == date(2026, 12, 23)


ZONES = st.sampled_from([BERLIN, NEW_YORK, "Pacific/Kiritimati", "Pacific/Honolulu", "Australia/Lord_Howe", "UTC"])


@pytest.mark.model
@given(
    moment=st.integers(instant("2026-01-01T00:00:00+00:00"), instant("2028-01-01T00:00:00+00:00")),
    zone=ZONES,
    starts=st.sampled_from([time(0), time(4, 30), FIVE, time(6)]),
)
def test_every_instant_is_in_exactly_the_business_day_whose_window_holds_it(moment, zone, starts):
    day = local_time.business_day(moment, zone, starts)
    start, end = local_time.business_day_window(day, zone, starts)
    assert start <= moment < end


@pytest.mark.parametrize("name", ["Europe/Atlantis", "", "../etc/passwd", "/usr/share/zoneinfo/UTC", "CET+1"])
def test_only_iana_zone_names_are_zones(name):
    with pytest.raises(ValueError):
        local_time.zone(name)


def test_utc_is_a_zone_too():
    assert local_time.local_iso(instant("2026-12-24T20:00:00+00:00"), "UTC") == "2026-12-24T20:00:00+00:00"
