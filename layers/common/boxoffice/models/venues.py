"""Venues: a chain's cinemas. Each hall belongs to one; a venue counts its halls so that it cannot be deleted
while a hall is being added to it (the count moves in the hall's own transaction)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute

from boxoffice.models.base import BaseMeta, IntegerAttribute, StampedModel, TableName, index
from boxoffice.venues import DEFAULT_VENUE_ID

__all__ = ["DEFAULT_VENUE_ID", "TaxRate", "Venue"]


class TaxRate(MapAttribute):
    code = UnicodeAttribute()
    name = UnicodeAttribute()
    percent = UnicodeAttribute()  # a decimal string, e.g. "7.7": never a float


class Venue(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("venues")

    venue_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="VENUE")
    name = UnicodeAttribute()
    name_key = UnicodeAttribute()
    timezone = UnicodeAttribute()  # IANA, e.g. Europe/Berlin
    currency = UnicodeAttribute()  # ISO 4217
    business_day_starts = UnicodeAttribute(default="05:00")  # HH:MM local
    tax_rates = ListAttribute[TaxRate](of=TaxRate)
    default_tax_code = UnicodeAttribute()
    address = UnicodeAttribute(null=True)
    hall_count = IntegerAttribute(default=0)
    version = IntegerAttribute(default=0)
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()

    by_name = index("by_name", ("kind", UnicodeAttribute), ("name_key", UnicodeAttribute))
