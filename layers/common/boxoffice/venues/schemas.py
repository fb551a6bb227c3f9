"""Request and response bodies of venues."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from boxoffice.schemas import Body, Name, Out
from boxoffice.venues import local_time
from boxoffice.venues.currencies import MINOR_UNITS


def _iana_zone(name: str) -> str:
    local_time.zone(name)  # ValueError names what is wrong
    return name


def _iso_currency(code: str) -> str:
    if code not in MINOR_UNITS:
        raise ValueError(f"{code!r} is not an ISO 4217 currency in use")
    return code


def _hh_mm(text: str) -> str:
    local_time.parse_hh_mm(text)
    return text


TimeZoneName = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_iana_zone), Field(examples=["Europe/Berlin"])
]
CurrencyCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(_iso_currency), Field(examples=["EUR"])
]
HourMinute = Annotated[str, AfterValidator(_hh_mm), Field(examples=["05:00"], description="HH:MM local time")]
TaxCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$"), Field(examples=["standard"])]
TaxPercent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, examples=[7, 19, 7.7])]
Address = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class TaxRateIn(Body):
    code: TaxCode
    name: Name
    percent: TaxPercent


class TaxRateOut(Out):
    code: str
    name: str
    percent: float = Field(description="Up to two decimals; exact arithmetic uses the decimal it was given")


def _rates_and_default(rates: list[TaxRateIn], default_code: str) -> None:
    codes = [rate.code for rate in rates]
    if len(set(codes)) != len(codes):
        raise ValueError("tax rate codes must be unique")
    if default_code not in codes:
        raise ValueError("default_tax_code must be the code of one of tax_rates")


class VenueIn(Body):
    name: Name
    timezone: TimeZoneName
    currency: CurrencyCode
    business_day_starts: HourMinute = "05:00"
    tax_rates: list[TaxRateIn] = Field(min_length=1, max_length=10)
    default_tax_code: TaxCode
    address: Address | None = None

    @model_validator(mode="after")
    def _default_rate_exists(self) -> VenueIn:
        _rates_and_default(self.tax_rates, self.default_tax_code)
        return self


class VenueUpdateIn(Body):
    """What changes; the time zone and the currency only while the venue has no halls."""

    name: Name | None = None
    timezone: TimeZoneName | None = None
    currency: CurrencyCode | None = None
    business_day_starts: HourMinute | None = None
    tax_rates: list[TaxRateIn] | None = Field(None, min_length=1, max_length=10)
    default_tax_code: TaxCode | None = None
    address: Address | None = None

    @model_validator(mode="after")
    def _something(self) -> VenueUpdateIn:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        if (self.tax_rates is None) != (self.default_tax_code is None):
            raise ValueError("tax_rates and default_tax_code change together")
        if self.tax_rates is not None and self.default_tax_code is not None:
            _rates_and_default(self.tax_rates, self.default_tax_code)
        return self


class VenueOut(Out):
    venue_id: str
    name: str
    timezone: str
    currency: str
    business_day_starts: str
    tax_rates: list[TaxRateOut]
    default_tax_code: str
    address: str | None = None
    hall_count: int
    created_at: str
    updated_at: str
