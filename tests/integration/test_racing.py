"""Many Lambda environments racing for the same chairs against the embedded DynamoDB server.

Each worker is a separate process holding its own warm copy of the hold
function (as concurrent Lambda environments do); the embedded DynamoDB (moto,
one request at a time, like DynamoDB's per-request atomicity) runs in its own
process. Nothing but conditional writes stands between them.
"""

from __future__ import annotations

import multiprocessing
import random
import subprocess
import sys
import time
from collections import Counter

import boto3
import pytest

from local.runtime import PROJECT_ROOT, FunctionSpec, InProcessRuntime
from local.template import LOCAL_REGION, create_keys, create_tables, local_table_names, resolve
from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration

WORKERS = 8
ATTEMPTS_PER_WORKER = 200
CHAIRS = ["A-1", "A-2", "A-3", "A-4", "A-5"]


@pytest.fixture(scope="module")
def embedded_dynamodb():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "local.embedded_aws", "--port", str(port)], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=LOCAL_REGION)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.list_tables()
            break
        except Exception:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


def stack_on(endpoint: str, **parameters: str):
    names = local_table_names(prefix=f"race{random.randrange(10**6)}-")
    create_tables(boto3.client("dynamodb", endpoint_url=endpoint, region_name=LOCAL_REGION), names)
    keys = create_keys(boto3.client("kms", endpoint_url=endpoint, region_name=LOCAL_REGION))
    return resolve({"Stage": "local", "LocalAwsEndpoint": endpoint, **parameters}, {**names, **keys})


def make_screening(runtime: InProcessRuntime, rows: int, seats: int) -> str:
    import json

    manager = {"sub": "manager", "username": "manager", "permissions": "movies:create screenings:manage"}

    def call(function: str, body: dict) -> dict:
        event = json.loads((PROJECT_ROOT / "tests" / "events" / f"{function}.json").read_text())
        event["body"] = json.dumps(body)
        event["requestContext"]["authorizer"]["lambda"] = manager
        answer = runtime.invoke(function, event)
        assert answer["statusCode"] == 201, answer
        return json.loads(answer["body"])

    movie = call("CreateMovieFunction", {"name": "Race", "genres": [], "premiered": "2001-01-01",
                                         "runtime_minutes": 100})
    hall = call("CreateHallFunction", {"name": "Arena", "rows": [{"label": chr(65 + r), "seats": seats}
                                                                  for r in range(rows)]})
    screening = call("CreateScreeningFunction", {"movie_id": movie["movie_id"], "hall_id": hall["hall_id"],
                                                 "starts_at": "2099-01-01T20:00:00Z", "price_cents": 900,
                                                 "currency": "EUR"})
    return str(screening["screening_id"])


def hold_worker(arguments: tuple) -> list[tuple[int, list[str], str, dict, float]]:
    """One Lambda environment of the hold function, making `attempts` holds; what each got."""
    import json

    spec, screening_id, attempts, seed, user_of, choose = arguments
    runtime = InProcessRuntime({spec.logical_id: spec})
    template = json.loads((PROJECT_ROOT / "tests" / "events" / "PlaceOrderFunction.json").read_text())
    pick = random.Random(seed)
    results = []
    for attempt in range(attempts):
        chairs = choose(pick)
        event = json.loads(json.dumps(template))
        event["body"] = json.dumps({"screening_id": screening_id, "chairs": chairs})
        user = user_of(seed, attempt)
        event["requestContext"]["authorizer"]["lambda"] = {
            "sub": user, "username": user, "permissions": "screenings:view orders:create"}
        started = time.perf_counter()
        answer = runtime.invoke(spec.logical_id, event)
        elapsed = time.perf_counter() - started
        results.append((answer["statusCode"], chairs, user, json.loads(answer["body"]), elapsed))
    return results


def fresh_user(seed: int, attempt: int) -> str:
    return f"racer-{seed}-{attempt}"


def one_user(seed: int, attempt: int) -> str:
    return "the-hoarder"


def one_or_two_of_the_handful(pick: random.Random) -> list[str]:
    return pick.sample(CHAIRS, pick.choice([1, 2]))


EVERY_CHAIR = [f"{chr(65 + row)}-{seat}" for row in range(4) for seat in range(1, 51)]


def any_one_chair(pick: random.Random) -> list[str]:
    return [pick.choice(EVERY_CHAIR)]


def race(spec: FunctionSpec, screening_id: str, attempts: int, user_of, choose) -> list:
    context = multiprocessing.get_context("fork")
    with context.Pool(WORKERS) as pool:
        batches = pool.map(hold_worker, [(spec, screening_id, attempts, seed, user_of, choose)
                                         for seed in range(WORKERS)])
    return [result for batch in batches for result in batch]


def test_eight_workers_racing_for_five_chairs_get_one_winner_each(embedded_dynamodb):
    stack = stack_on(embedded_dynamodb)
    screening_id = make_screening(InProcessRuntime(stack.functions), rows=1, seats=5)
    results = race(stack.functions["PlaceOrderFunction"], screening_id, ATTEMPTS_PER_WORKER, fresh_user,
                   one_or_two_of_the_handful)

    assert len(results) == WORKERS * ATTEMPTS_PER_WORKER
    statuses = Counter(status for status, *_ in results)
    assert set(statuses) <= {201, 409}, statuses
    won = Counter(chair for status, chairs, *_ in results if status == 201 for chair in chairs)
    assert won == {chair: 1 for chair in CHAIRS}, f"each chair has exactly one winner: {won}"
    for status, chairs, _, body, _ in results:
        if status == 409:
            assert body["code"] == "CHAIR_UNAVAILABLE"
            assert body["details"]["chairs"] and set(body["details"]["chairs"]) <= set(chairs)
    latencies = sorted(elapsed for *_, elapsed in results)
    print(f"\nracing: {statuses[201]} winners, {statuses[409]} conflicts, 0 double holds; "
          f"hold p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms over {len(latencies)} attempts")


def test_racing_holds_of_one_user_never_exceed_the_cap(embedded_dynamodb):
    stack = stack_on(embedded_dynamodb, MaxHeldChairsPerUser="3")
    screening_id = make_screening(InProcessRuntime(stack.functions), rows=4, seats=50)
    results = race(stack.functions["PlaceOrderFunction"], screening_id, 25, one_user, any_one_chair)
    statuses = Counter(status for status, *_ in results)
    held = [chair for status, chairs, *_ in results if status == 201 for chair in chairs]
    assert len(held) <= 3, f"the cap was exceeded: {held}"
    assert len(held) == 3, "the cap was reached"
    assert set(statuses) <= {201, 409, 429, 503}, statuses
    assert statuses[429] > 0
