"""The rate-limits table: counters of what a client address, a username or a screening did lately.

- window counter  `counter_id = <limit>#<subject>#<window start>`  hits in one fixed window
- login failures  `counter_id = login-failures#<username>#<address>`  failures and the last one's time

Every item carries `expires_at` (the table's TTL): a counter is worthless once
its window is over, and correctness never depends on TTL having deleted it
(a window's start is part of its key).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from boxoffice.models.base import BaseMeta, IntegerAttribute, TableName


class RateCounter(Model):
    class Meta(BaseMeta):
        table_name = TableName("rate_limits")

    counter_id = UnicodeAttribute(hash_key=True)
    hits = IntegerAttribute(default=0)
    last_at = IntegerAttribute(default=0)
    expires_at = IntegerAttribute(default=0)
