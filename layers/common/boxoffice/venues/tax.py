"""Tax included in a gross price, split so that net + tax = gross exactly, on every line and every sum of lines.

The rule (docs/operations.md, "Tax"): prices are gross. Each line (one seat) is split on its own:
net = gross x 100 / (100 + percent), rounded to the minor unit half up; tax = gross - net. An order's, a
refund's, a till's and a report's figures per rate are sums of whole lines, never split again, so they add up
exactly; a partial refund returns exactly the lines it refunds, and what is kept is exactly the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Rate:
    code: str
    percent: Decimal


@dataclass(frozen=True)
class Line:
    """One seat's money: its gross price and the rate it is taxed at."""

    chair: str
    gross_cents: int
    rate: Rate

    @property
    def net_cents(self) -> int:
        return net_of(self.gross_cents, self.rate.percent)

    @property
    def tax_cents(self) -> int:
        return self.gross_cents - self.net_cents


@dataclass(frozen=True)
class RateTotal:
    code: str
    percent: Decimal
    net_cents: int
    tax_cents: int
    gross_cents: int


def net_of(gross_cents: int, percent: Decimal) -> int:
    """The net part of a gross amount at `percent`, to the minor unit, half up."""
    if gross_cents < 0:
        return -net_of(-gross_cents, percent)
    exact = Decimal(gross_cents) * 100 / (100 + percent)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def by_rate(lines: Iterable[Line]) -> list[RateTotal]:
    """The lines summed per rate (code and percent), in the order of the rates' codes."""
    sums: dict[tuple[str, Decimal], list[int]] = {}
    for line in lines:
        total = sums.setdefault((line.rate.code, line.rate.percent), [0, 0, 0])
        total[0] += line.net_cents
        total[1] += line.tax_cents
        total[2] += line.gross_cents
    return [
        RateTotal(code=code, percent=percent, net_cents=net, tax_cents=tax, gross_cents=gross)
        for (code, percent), (net, tax, gross) in sorted(sums.items())
    ]


def percent_text(percent: Decimal) -> str:
    """How a percentage is stored: its shortest exact decimal ("7", "7.7", "19")."""
    return format(percent.normalize(), "f")


DEFAULT_TAX_CODE = "standard"  # the default venue's one rate, as the stack makes it


def default_rate() -> Rate:
    """The default venue's rate as the stack made it (DefaultTaxPercent): that of anything older than venues."""
    from boxoffice.settings import get_settings

    return Rate(DEFAULT_TAX_CODE, Decimal(get_settings().default_tax_percent))
