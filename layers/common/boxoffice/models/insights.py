"""What is derived from the domain events: the published-events log, the audit log, the reports'
aggregates, the recommendations' co-occurrence counts, and webhooks with their deliveries.

Every table here is written only by the event consumers (boxoffice.events), each event applied once:
a conditional put of something keyed on the event's id decides.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model

from boxoffice.models.base import BaseMeta, IntegerAttribute, TableName, index, list_of

AUDIT_LOG = "audit"


class PublishedEvent(Model):
    """An event put on the bus, by id: a redelivered stream record finds its events here and publishes none."""

    class Meta(BaseMeta):
        table_name = TableName("events")

    event_id = UnicodeAttribute(hash_key=True)
    detail_type = UnicodeAttribute()
    detail = UnicodeAttribute()  # the JSON published
    published_at = IntegerAttribute()
    expires_at = IntegerAttribute()  # TTL: longer than a stream keeps a record (24 hours)


class AuditEntry(Model):
    """One staff action or sign-in. Append-only: written once by a conditional put on its event's id, never
    updated (no function may); the TTL removes it after AuditRetentionDays."""

    class Meta(BaseMeta):
        table_name = TableName("audit")

    event_id = UnicodeAttribute(hash_key=True)
    log = UnicodeAttribute(default=AUDIT_LOG)  # by_time's one partition: audit entries come at a human pace
    entry = UnicodeAttribute()  # <at, 10 digits>#<event_id>: ordered by time, unique
    at = IntegerAttribute()
    action = UnicodeAttribute()  # the event's detail-type
    actor_id = UnicodeAttribute()
    actor_name = UnicodeAttribute()
    address = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    summary = UnicodeAttribute()  # the event's detail (JSON), without the actor
    expires_at = IntegerAttribute()

    by_time = index("by_time", ("log", UnicodeAttribute), ("entry", UnicodeAttribute))
    by_actor = index("by_actor", ("actor_id", UnicodeAttribute), ("entry", UnicodeAttribute))
    by_action = index("by_action", ("action", UnicodeAttribute), ("entry", UnicodeAttribute))


class ReportLine(Model):
    """An aggregate (`screening#<id>`, `daily#<YYYY-MM-DD>`) or the mark that an event was applied
    (`applied#<event_id>`). Money is kept per currency in attributes named `revenue|EUR`, `refunds|EUR`,
    `method|cash|EUR`: top-level, so one UpdateItem can ADD to any of them, whether it exists yet or not."""

    class Meta(BaseMeta):
        table_name = TableName("reports")

    report_id = UnicodeAttribute(hash_key=True)
    expires_at = IntegerAttribute(null=True)  # only the applied marks lapse


class Recommendation(Model):
    """`basket#<user:id|member:id>` / movie: how many paid orders or subscriptions tie them;
    `also#<movie>` / other movie: how many baskets hold both (score, in the by_score index);
    `applied#<event_id>` / `-`: the event is counted."""

    class Meta(BaseMeta):
        table_name = TableName("recommendations")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    n = IntegerAttribute(null=True)
    also_of = UnicodeAttribute(null=True)
    score = IntegerAttribute(null=True)
    at = IntegerAttribute(null=True)
    expires_at = IntegerAttribute(null=True)

    by_score = index("by_score", ("also_of", UnicodeAttribute), ("score", IntegerAttribute), include=())


WEBHOOKS_PARTITION = "webhook"
PENDING, DELIVERED, FAILED = "PENDING", "DELIVERED", "FAILED"
DUE = "DUE"


class Webhook(Model):
    class Meta(BaseMeta):
        table_name = TableName("webhooks")

    pk = UnicodeAttribute(hash_key=True, default=WEBHOOKS_PARTITION)
    sk = UnicodeAttribute(range_key=True)  # the webhook's id
    url = UnicodeAttribute()
    events = list_of(UnicodeAttribute)
    secret = UnicodeAttribute()  # signs each delivery; shown once, at creation
    created_at = IntegerAttribute()
    created_by = UnicodeAttribute()
    enabled = BooleanAttribute(default=True)


class Delivery(Model):
    """One event to one webhook: created once (conditional on its key), then tried until it is delivered or 24
    hours have passed. While it waits for a try it is in the sparse by_due index the retry worker reads."""

    class Meta(BaseMeta):
        table_name = TableName("webhooks")

    pk = UnicodeAttribute(hash_key=True)  # delivery#<webhook_id>
    sk = UnicodeAttribute(range_key=True)  # the event's id (time-ordered)
    webhook_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    body = UnicodeAttribute()
    status = UnicodeAttribute(default=PENDING)
    attempts = IntegerAttribute(default=0)
    created_at = IntegerAttribute()
    last_attempt_at = IntegerAttribute(null=True)
    last_status_code = IntegerAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    delivered_at = IntegerAttribute(null=True)
    failed_at = IntegerAttribute(null=True)
    due_shard = UnicodeAttribute(null=True)  # DUE while waiting for a try
    due_at = IntegerAttribute(null=True)

    by_due = index("by_due", ("due_shard", UnicodeAttribute), ("due_at", IntegerAttribute), include=())


def delivery_partition(webhook_id: str) -> str:
    return f"delivery#{webhook_id}"
