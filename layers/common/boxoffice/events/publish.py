"""The outbox's relay: stream records in, domain events out on the stack's EventBridge bus.

For a batch of stream records: derive every event (boxoffice.events.derive),
ask the published-events log which of them are already out (one BatchGetItem),
put the others on the bus (PutEvents, ten at a time), and log those that went
out (BatchWriteItem). A redelivered record finds its events logged and
publishes nothing. If an entry is refused, the batch answers the first record
with an unpublished event as failed, so Lambda's event source mapping retries
from there (ReportBatchItemFailures) and nothing is skipped. The one window
left, a crash between PutEvents and the log's write, puts an event on the bus
twice with the same `event_id`: every consumer applies an event once by that id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from boxoffice import aws
from boxoffice.clock import now_epoch
from boxoffice.events.derive import SOURCE, DomainEvent, events_of
from boxoffice.models.insights import PublishedEvent
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.settings import get_settings

# Longer than a stream keeps a record (24 hours) and than the event source mapping retries.
LOG_DAYS = 7
PUT_EVENTS_BATCH = 10


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def already_published(event_ids: list[str]) -> set[str]:
    if not event_ids:
        return set()
    return {found.event_id for found in PublishedEvent.batch_get(list(dict.fromkeys(event_ids)), consistent_read=True)}


def _put_on_bus(events: list[DomainEvent]) -> set[str]:
    """The ids of the events the bus accepted."""
    client = aws.client("events")
    bus = get_settings().event_bus_name
    accepted: set[str] = set()
    for chunk in _chunks(events, PUT_EVENTS_BATCH):
        answer = client.put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": event.detail_type,
                    "Detail": json.dumps(event.detail, separators=(",", ":")),
                    "EventBusName": bus,
                }
                for event in chunk
            ]
        )
        for event, entry in zip(chunk, answer.get("Entries", []), strict=False):
            if entry.get("EventId") and not entry.get("ErrorCode"):
                accepted.add(event.event_id)
            else:
                logger.warning("event refused by the bus", extra={"code": entry.get("ErrorCode")})
    return accepted


def _log(events: list[DomainEvent]) -> None:
    now = now_epoch()
    with PublishedEvent.batch_write() as batch:
        for event in events:
            batch.save(
                PublishedEvent(
                    event.event_id,
                    detail_type=event.detail_type,
                    detail=json.dumps(event.detail, separators=(",", ":")),
                    published_at=now,
                    expires_at=now + LOG_DAYS * 86400,
                )
            )


def relay(records: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Publish what a batch of stream records means; the answer is Lambda's partial batch response."""
    derived = [(record, events_of(record)) for record in records]
    every = [event for _, events in derived for event in events]
    published = already_published([event.event_id for event in every])
    fresh = list({event.event_id: event for event in every if event.event_id not in published}.values())
    accepted = _put_on_bus(fresh) if fresh else set()
    _log([event for event in fresh if event.event_id in accepted])
    if fresh:
        metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=len(accepted))
    for record, events in derived:
        if any(event.event_id not in published and event.event_id not in accepted for event in events):
            sequence = record.get("dynamodb", {}).get("SequenceNumber", "")
            return {"batchItemFailures": [{"itemIdentifier": sequence}]}
    return {"batchItemFailures": []}
