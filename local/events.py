"""Streams and the event bus, locally: what Lambda's event source mappings and EventBridge's rules do.

- Each function's `DynamoDB` event sources (template.yaml) are read from the
  tables' streams in the embedded DynamoDB, in order, and the function is
  invoked with batches shaped as Lambda shapes them. A partial batch failure
  (ReportBatchItemFailures) or an error retries the batch from the record that
  failed, as the mapping would, up to its MaximumRetryAttempts.
- Each `EventBridgeRule` event source becomes a rule on the embedded bus (moto
  matches the patterns) whose target is a queue; the queue's events are
  handed to the function, each retried on error up to `RULE_ATTEMPTS` times.

`make run` pumps both from a thread; the component tests pump them when they
want the events' effects (`InProcessStack.deliver_events`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from local.runtime import FunctionError
from local.template import LOCAL_REGION, resources_of_type

log = logging.getLogger("boxoffice.local")
RULE_ATTEMPTS = 3
IDLE_POLL_SECONDS = 1.0
LOCAL_BUS = "boxoffice-local-events"
LOCAL_QUEUES = ("EventsDeadLetterQueue", "WebhookDeadLetterQueue")


def stream_sources(logical_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(table logical id, the mapping's properties) of each DynamoDB event source of a function."""
    events = resources_of_type("AWS::Serverless::Function")[logical_id]["Properties"].get("Events", {})
    found = []
    for event in events.values():
        if event.get("Type") == "DynamoDB":
            stream = event["Properties"]["Stream"]["Fn::GetAtt"]
            table = stream[0] if isinstance(stream, list) else stream.split(".")[0]
            found.append((table, event["Properties"]))
    return found


def rule_sources(logical_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, pattern) of each EventBridgeRule event source of a function."""
    events = resources_of_type("AWS::Serverless::Function")[logical_id]["Properties"].get("Events", {})
    return [
        (name, event["Properties"]["Pattern"])
        for name, event in events.items()
        if event.get("Type") == "EventBridgeRule"
    ]


def local_physical_ids(account: str = "123456789012") -> dict[str, str]:
    """What `Ref` gives for the bus and the queues locally: the bus's name, each queue's URL."""
    ids = {"EventBus": LOCAL_BUS}
    for queue in LOCAL_QUEUES:
        ids[queue] = f"https://sqs.{LOCAL_REGION}.amazonaws.com/{account}/{queue}"
    return ids


def create_bus_and_queues(events: Any, sqs: Any) -> dict[str, str]:
    """The template's bus and queues in the embedded AWS (idempotent); their local ids."""
    if LOCAL_BUS not in {bus["Name"] for bus in events.list_event_buses().get("EventBuses", [])}:
        events.create_event_bus(Name=LOCAL_BUS)
    ids = {"EventBus": LOCAL_BUS}
    for queue in LOCAL_QUEUES:
        ids[queue] = sqs.create_queue(QueueName=queue)["QueueUrl"]
    return ids


def _lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record as Lambda hands it to a function (times as epoch seconds, the source ARN added)."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    shaped = {key: value for key, value in record.items() if key != "dynamodb"}
    shaped.update(dynamodb=dynamodb, eventSourceARN=stream_arn, eventSource="aws:dynamodb", awsRegion=LOCAL_REGION)
    return shaped


@dataclass
class _StreamMapping:
    function: str
    table: str
    stream_arn: str
    iterator: str | None
    batch_size: int
    max_retries: int
    pending: list[dict[str, Any]] = field(default_factory=list)  # read, not yet handled
    failures: int = 0


@dataclass
class _RuleTarget:
    function: str
    queue_url: str
    attempts: dict[str, int] = field(default_factory=dict)


class EventPlumbing:
    """The event source mappings and rules of the template's functions, over the embedded AWS."""

    def __init__(
        self,
        runtime: Any,
        clients: dict[str, Any],
        table_names: dict[str, str],
        *,
        from_start: bool,
        with_rules: bool = True,
    ) -> None:
        """`with_rules=False`: the streams and the relay only (events reach the bus, and no consumer)."""
        self.runtime = runtime
        self.clients = clients
        self.streams: list[_StreamMapping] = []
        self.rules: list[_RuleTarget] = []
        self.dead_letters: list[dict[str, Any]] = []
        self.invocations = 0
        # Tests set it: every stream batch and every bus event is handed over twice, as Lambda may after a
        # timeout or a retry and as EventBridge may (it delivers at least once).
        self.redeliver = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        for logical_id in runtime.specs:
            for table, properties in stream_sources(logical_id):
                self.streams.append(self._map_stream(logical_id, table_names[table], properties, from_start))
            for name, pattern in rule_sources(logical_id) if with_rules else []:
                self.rules.append(self._make_rule(logical_id, name, pattern))

    def _map_stream(self, function: str, table: str, properties: dict[str, Any], from_start: bool) -> _StreamMapping:
        description = self.clients["dynamodb"].describe_table(TableName=table)["Table"]
        stream_arn = description["LatestStreamArn"]
        streams = self.clients["dynamodbstreams"]
        shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON" if from_start else "LATEST"
        )["ShardIterator"]
        return _StreamMapping(
            function,
            table,
            stream_arn,
            iterator,
            int(properties.get("BatchSize", 100)),
            int(properties.get("MaximumRetryAttempts", 10)),
        )

    def _make_rule(self, function: str, name: str, pattern: dict[str, Any]) -> _RuleTarget:
        sqs, events = self.clients["sqs"], self.clients["events"]
        queue_url = sqs.create_queue(QueueName=f"rule-{function}-{name}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule = f"{function}-{name}"[:64]
        events.put_rule(Name=rule, EventBusName=LOCAL_BUS, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=rule, EventBusName=LOCAL_BUS, Targets=[{"Id": "function", "Arn": queue_arn}])
        return _RuleTarget(function, queue_url)

    # ---------------------------------------------------------------- one pass
    def _pump_stream(self, mapping: _StreamMapping) -> int:
        if not mapping.pending and mapping.iterator:
            answer = self.clients["dynamodbstreams"].get_records(ShardIterator=mapping.iterator, Limit=1000)
            mapping.iterator = answer.get("NextShardIterator")
            mapping.pending = [_lambda_record(record, mapping.stream_arn) for record in answer.get("Records", [])]
        handled = 0
        while mapping.pending:
            batch = mapping.pending[: mapping.batch_size]
            failed_at = self._invoke_batch(mapping.function, batch)
            if failed_at is None and self.redeliver:
                failed_at = self._invoke_batch(mapping.function, batch)
            if failed_at is None:
                mapping.pending = mapping.pending[len(batch) :]
                handled += len(batch)
                mapping.failures = 0
                continue
            handled += failed_at
            mapping.pending = mapping.pending[failed_at:]
            mapping.failures += 1
            if mapping.failures > mapping.max_retries:
                # As the mapping's OnFailure destination: the record is set aside, the stream goes on.
                self.dead_letters.append({"function": mapping.function, "record": mapping.pending.pop(0)})
                mapping.failures = 0
            break  # retried on the next pass
        return handled

    def _invoke_batch(self, function: str, batch: list[dict[str, Any]]) -> int | None:
        """None when the whole batch was handled, else the index of the first record to retry from."""
        self.invocations += 1
        try:
            answer = self.runtime.invoke(function, {"Records": batch})
        except FunctionError as error:
            log.error("%s failed on a stream batch: %s", function, error.payload.get("errorMessage"))
            return 0
        failures = (answer or {}).get("batchItemFailures") or []
        if not failures:
            return None
        sequence = failures[0]["itemIdentifier"]
        numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        return numbers.index(sequence) if sequence in numbers else 0

    def _pump_rule(self, target: _RuleTarget) -> int:
        sqs = self.clients["sqs"]
        messages = sqs.receive_message(QueueUrl=target.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        done = []
        for message in messages:
            event = json.loads(message["Body"])
            self.invocations += 1
            try:
                self.runtime.invoke(target.function, event)
                if self.redeliver:
                    self.invocations += 1
                    self.runtime.invoke(target.function, event)
            except FunctionError as error:
                tries = target.attempts.get(message["MessageId"], 0) + 1
                target.attempts[message["MessageId"]] = tries
                log.error("%s failed on %s: %s", target.function, event.get("detail-type"), error.payload)
                if tries < RULE_ATTEMPTS:
                    # Retried on the next pass (EventBridge's RetryPolicy, without its waiting).
                    sqs.change_message_visibility(
                        QueueUrl=target.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                    continue
                self.dead_letters.append({"function": target.function, "event": event})
            done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
        if done:  # one request for the pass, as Lambda's own queue pollers delete what they handled
            sqs.delete_message_batch(QueueUrl=target.queue_url, Entries=done)
        return len(messages)

    def pump(self) -> int:
        """One pass over every stream and rule; how many records and events were handed on."""
        with self._lock:
            if self._stop.is_set():
                return 0
            moved = sum(self._pump_stream(mapping) for mapping in self.streams)
            return moved + sum(self._pump_rule(target) for target in self.rules)

    def drain(self, max_passes: int = 50) -> int:
        """Pump until nothing moves (events make changes that make events); how many passes it took."""
        for passes in range(1, max_passes + 1):
            if not self.pump() and not any(mapping.pending for mapping in self.streams):
                return passes
        raise RuntimeError("the events did not settle")

    # ---------------------------------------------------------------- make run
    def start(self, every_seconds: float = 0.2) -> EventPlumbing:
        threading.Thread(target=self._run, args=(every_seconds,), name="event-plumbing", daemon=True).start()
        return self

    def nudge(self) -> None:
        """Something may have written: the next pass comes soon, however long the plumbing has been idle."""
        self._wake.set()

    def _run(self, every_seconds: float) -> None:
        # At most one pass every `every_seconds`. Idle (a pass that moved nothing, and no nudge), the passes
        # thin out to one every IDLE_POLL_SECONDS: each pass is a dozen requests to the embedded server, which
        # serves the API too. A request to the API nudges it back at once.
        wait, last = every_seconds, 0.0
        while True:
            self._wake.wait(wait)
            if self._stop.wait(max(0.0, every_seconds - (time.monotonic() - last))):
                return
            self._wake.clear()
            last = time.monotonic()
            try:
                moved = self.pump()
            except Exception as error:  # the local stack keeps going, as Lambda's pollers do
                log.error("event plumbing: %s", error)
                moved = 0
            wait = every_seconds if moved else min(wait * 2, IDLE_POLL_SECONDS)

    def stop(self) -> None:
        """No pass starts after this, and the one under way (if any) ends before it returns: the functions it
        invokes are not stopped under it."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            pass
