"""Cold starts: every function in a fresh process, importing its handler and serving its first event.

Beside, in the same run: a minimal Powertools handler (the floor), the
authorizer without compiled bytecode (what a layer without .pyc files costs:
/opt is read-only in Lambda, so nothing is ever cached), and the authorizer as
it was before issue 13 (BEFORE_COMMIT, PyJWT, botocore and Powertools), from
git. The authorizer and the minimal handler alternate, fresh process after
fresh process, COMPARISON_RUNS times, so a busy moment weighs on both alike;
each also serves WARM_EVENTS more events, whose median is its warm latency.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from benchmarks.before import BEFORE_COMMIT
from local.runtime import PROJECT_ROOT, FunctionSpec, InProcessRuntime
from local.template import LocalStack
from tools.generate_events import authorizer_event
from tools.load import EmbeddedServer, call

RUNS = 3
COMPARISON_RUNS = 9
WARM_EVENTS = 20

_SCRIPT = r"""
import importlib, json, sys, time
started = time.perf_counter()
code_dir, layer_dir, handler, event_path = sys.argv[1:5]
sys.path[:0] = [code_dir, layer_dir]
module_name, _, attribute = handler.rpartition(".")
module = importlib.import_module(module_name)
imported = time.perf_counter()

class Context:
    function_name = "cold-start"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cold-start"
    aws_request_id = "cold-start"
    log_group_name = "/aws/lambda/cold-start"
    log_stream_name = "cold-start"
    def get_remaining_time_in_millis(self):
        return 10000

with open(event_path) as source:
    event = json.load(source)
def serve():
    try:
        answer = getattr(module, attribute)(event, Context())
        return answer.get("statusCode", "ok") if isinstance(answer, dict) else "ok"
    except Exception as error:
        return type(error).__name__

status = serve()
served = time.perf_counter()
warm = []
for _ in range(int(sys.argv[5])):
    before = time.perf_counter()
    serve()
    warm.append((time.perf_counter() - before) * 1000)
warm.sort()
print("COLD " + json.dumps({"import_ms": (imported - started) * 1000, "first_event_ms": (served - imported) * 1000,
                            "status": status, "warm_ms": warm[len(warm) // 2] if warm else None}))
"""

_MINIMAL = """from aws_lambda_powertools import Logger

logger = Logger(service="minimal")


@logger.inject_lambda_context
def lambda_handler(event, context):
    return {"statusCode": 200, "body": "{}"}
"""


def _run_once(
    code_dir: Path,
    layer_dir: Path,
    handler: str,
    event: dict[str, Any],
    environment: dict[str, str],
    *,
    bytecode: bool = True,
    warm_events: int = 0,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        event_path = Path(scratch) / "event.json"
        event_path.write_text(json.dumps(event))
        env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
        env.update(environment)
        if not bytecode:
            env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(Path(scratch) / "no-bytecode"))
        started = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(code_dir), str(layer_dir), handler, str(event_path), str(warm_events)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        wall = (time.perf_counter() - started) * 1000
    line = next((line for line in finished.stdout.splitlines() if line.startswith("COLD ")), None)
    if line is None:
        raise RuntimeError(f"{handler} did not start: {finished.stderr[-2000:]}")
    return {**json.loads(line[5:]), "process_ms": wall}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    warm = [run["warm_ms"] for run in runs if run.get("warm_ms") is not None]
    return {
        "import_ms": round(statistics.median(run["import_ms"] for run in runs), 1),
        "first_event_ms": round(statistics.median(run["first_event_ms"] for run in runs), 1),
        "total_ms": round(statistics.median(run["import_ms"] + run["first_event_ms"] for run in runs), 1),
        "process_ms": round(statistics.median(run["process_ms"] for run in runs), 1),
        "warm_ms": round(statistics.median(warm), 2) if warm else None,
        "runs": len(runs),
        "status": runs[-1]["status"],
    }


def _median(
    code_dir: Path,
    layer_dir: Path,
    handler: str,
    event: dict[str, Any],
    environment: dict[str, str],
    *,
    bytecode: bool = True,
) -> dict[str, Any]:
    return _summary(
        [_run_once(code_dir, layer_dir, handler, event, environment, bytecode=bytecode) for _ in range(RUNS)]
    )


def _alternating(variants: dict[str, tuple[Path, Path, str, dict[str, Any], dict[str, str]]]) -> dict[str, Any]:
    """COMPARISON_RUNS fresh processes of each variant, taking turns; each serves WARM_EVENTS more events."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
    for _ in range(COMPARISON_RUNS):
        for name, (code_dir, layer_dir, handler, event, environment) in variants.items():
            runs[name].append(_run_once(code_dir, layer_dir, handler, event, environment, warm_events=WARM_EVENTS))
    return {name: _summary(found) for name, found in runs.items()}


def _event_for(spec: FunctionSpec, stack: LocalStack, token: str) -> dict[str, Any]:
    from local.inprocess import ADMIN_CONTEXT, sample_event

    if spec.logical_id == "AuthorizerFunction":
        event = authorizer_event()
        event["headers"] = {"authorization": f"Bearer {token}"}
        event["routeKey"] = event["requestContext"]["routeKey"] = "POST /orders"
        return event
    stored = json.loads((PROJECT_ROOT / "tests" / "events" / f"{spec.logical_id}.json").read_text())
    if "routeKey" not in stored:  # a scheduled function: its event as EventBridge sends it
        return dict(stored)
    event = sample_event(spec.logical_id)
    if "requestContext" in event and "authorizer" in event["requestContext"]:
        event["requestContext"]["authorizer"]["lambda"] = dict(ADMIN_CONTEXT)
    return event


def _baseline_tree(directory: Path) -> Path | None:
    """The repository's layers/ and functions/ at BEFORE_COMMIT, or None if git cannot give them."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", BEFORE_COMMIT, "layers", "functions"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return None
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(directory, filter="data")
    return directory


def measure() -> dict[str, Any]:
    with EmbeddedServer() as server, tempfile.TemporaryDirectory() as scratch:
        stack = server.stack()
        runtime = InProcessRuntime(stack.functions)
        visitor = {"sub": "", "username": "", "permissions": ""}
        call(
            runtime,
            "RegisterFunction",
            {
                "username": "coldstart",
                "password": "a long password!",
                "first_name": "C",
                "last_name": "S",
                "email": "c@example.com",
            },
            visitor,
        )
        _, login = call(runtime, "LoginFunction", {"username": "coldstart", "password": "a long password!"}, visitor)
        token = login["access_token"]

        minimal_dir = Path(scratch) / "minimal"
        minimal_dir.mkdir()
        (minimal_dir / "minimal_handler.py").write_text(_MINIMAL)
        layer = PROJECT_ROOT / "layers" / "common"
        environment_of = {name: spec.environment for name, spec in stack.functions.items()}
        authorizer = stack.functions["AuthorizerFunction"]
        authorizer_event_ = _event_for(authorizer, stack, token)
        compared: dict[str, tuple[Path, Path, str, dict[str, Any], dict[str, str]]] = {
            "minimal Powertools handler": (minimal_dir, minimal_dir, "minimal_handler.lambda_handler", {}, {}),
            "authorizer": (
                authorizer.code_dir,
                layer,
                authorizer.handler,
                authorizer_event_,
                environment_of["AuthorizerFunction"],
            ),
        }
        baseline = _baseline_tree(Path(scratch) / "baseline")
        before = f"authorizer as of {BEFORE_COMMIT} (PyJWT, botocore, PynamoDB, Powertools)"
        if baseline is not None:
            compared[before] = (
                baseline / "functions" / "auth",
                baseline / "layers" / "common",
                authorizer.handler,
                authorizer_event_,
                environment_of["AuthorizerFunction"],
            )
        variants = _alternating(compared)
        variants["minimal Powertools handler, no bytecode"] = _median(
            minimal_dir, minimal_dir, "minimal_handler.lambda_handler", {}, {}, bytecode=False
        )
        variants["authorizer, no bytecode (a layer without .pyc)"] = _median(
            authorizer.code_dir,
            layer,
            authorizer.handler,
            authorizer_event_,
            environment_of["AuthorizerFunction"],
            bytecode=False,
        )
        functions = {}
        for name, spec in sorted(stack.functions.items()):
            functions[name] = _median(
                spec.code_dir, layer, spec.handler, _event_for(spec, stack, token), environment_of[name]
            )
    minimal, ours = variants["minimal Powertools handler"], variants["authorizer"]
    return {
        "runs": RUNS,
        "comparison_runs": COMPARISON_RUNS,
        "functions": functions,
        "variants": variants,
        "authorizer_to_minimal": round(ours["total_ms"] / minimal["total_ms"], 2),
        "before_to_minimal": round(variants[before]["total_ms"] / minimal["total_ms"], 2)
        if before in variants
        else None,
        "added_warm_ms": round(ours["warm_ms"] - minimal["warm_ms"], 2),
    }
