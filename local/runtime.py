"""An in-process stand-in for Lambda's containers.

`sam local` runs each function in a Docker container; this machine has no
Docker engine, so the local stack and the component tests run every function
inside this Python process instead, as faithfully as that allows:

- each function is imported from its CodeUri with the layer on the path, into
  a module namespace of its own (its own copy of the `boxoffice` package, its
  own module-level caches), like one warm Lambda environment;
- while it runs, the process environment is exactly the function's: the
  variables SAM resolves from the template, and nothing else of ours;
- it gets a real Lambda context object (request id, deadline, ARN, ...);
- an unhandled exception becomes Lambda's error payload, and a run longer
  than the function's timeout is reported as Lambda reports it.

One invocation runs at a time in the whole process (a single lock). That is
stricter than "one at a time per function", costs nothing here (the GIL and the
single-request embedded DynamoDB serialise the work anyway), and it is what
makes swapping the environment and module namespaces safe.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import json
import os
import sys
import threading
import time
import traceback
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# `make mutate` runs the tests over mutmut's copy of the layer's package, which it puts at the root of its copy of
# the project: BOXOFFICE_LAYER_DIR (a path from the project's root) is where the functions read the layer from.
LAYER_DIR_OVERRIDE = (
    (PROJECT_ROOT / os.environ["BOXOFFICE_LAYER_DIR"]).resolve() if os.environ.get("BOXOFFICE_LAYER_DIR") else None
)
_PROJECT_CODE_DIRS = (
    str(PROJECT_ROOT / "functions"),
    str(PROJECT_ROOT / "layers"),
    *([str(LAYER_DIR_OVERRIDE)] if LAYER_DIR_OVERRIDE else []),
)
# Modules every function shares with the host process: the clock, so tests and
# the local stack can move time for all functions at once.
SHARED_MODULES = frozenset({"boxoffice.clock"})
# What a Lambda environment has that is not ours to set.
# MUTANT_UNDER_TEST: under make mutate, mutmut names the active mutant there, and the functions must see it.
_BASE_ENVIRONMENT_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SAM_CLI_TELEMETRY", "MUTANT_UNDER_TEST")

_INVOCATION_LOCK = threading.RLock()


@dataclass(frozen=True)
class FunctionSpec:
    """What the template says about one function, resolved for this machine."""

    logical_id: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]
    environment: dict[str, str]
    timeout_seconds: int = 10
    memory_mb: int = 512
    schedules: tuple[str, ...] = field(default=())


class LambdaContext:
    """The context object Lambda passes to a handler."""

    def __init__(self, spec: FunctionSpec, *, clock_stands_still: bool = False) -> None:
        region = spec.environment.get("AWS_REGION", "us-east-1")
        self.function_name = spec.logical_id
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:123456789012:function:{spec.logical_id}"
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = spec.environment.get("AWS_LAMBDA_LOG_GROUP_NAME", f"/aws/lambda/{spec.logical_id}")
        self.log_stream_name = "$LATEST"
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._timeout = spec.timeout_seconds
        self._clock_stands_still = clock_stands_still
        self._deadline = time.monotonic() + spec.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        if self._clock_stands_still:  # tests move time with boxoffice.clock, never with the machine's speed
            return self._timeout * 1000
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionError(Exception):
    """The function failed the way Lambda reports it: a JSON error payload."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("errorMessage", ""))
        self.payload = payload


_module_is_ours: weakref.WeakKeyDictionary[ModuleType, bool] = weakref.WeakKeyDictionary()


def _is_project_module(module: ModuleType | None) -> bool:
    """Whether a module was loaded from functions/ or layers/ (remembered: modules do not move)."""
    with contextlib.suppress(KeyError, TypeError):  # a few extension "modules" take no weak reference
        return _module_is_ours[module]
    location = getattr(module, "__file__", None)
    locations = [location] if location else list(getattr(module, "__path__", []) or [])
    known = any(str(place).startswith(_PROJECT_CODE_DIRS) for place in locations)
    with contextlib.suppress(TypeError):
        _module_is_ours[module] = known  # type: ignore[index]
    return known


def _top_level_names() -> frozenset[str]:
    """The top-level module names our code can be imported as: each handler module, each layer package."""
    names = {path.stem for path in (PROJECT_ROOT / "functions").glob("*/*.py")}
    names |= {path.name for path in (PROJECT_ROOT / "layers").glob("*/*") if (path / "__init__.py").exists()}
    return frozenset(names | {"demo_seed"})


_OUR_TOP_LEVEL_NAMES = _top_level_names()


class _OurModuleNames(importlib.abc.MetaPathFinder):
    """Remembers every name of ours the import system is asked for (it finds nothing itself), so entering and
    leaving an environment looks at a few hundred names rather than at every module of the process
    (thousands under pytest, twice per invocation)."""

    def __init__(self) -> None:
        self.names = {name for name in list(sys.modules) if name.partition(".")[0] in _OUR_TOP_LEVEL_NAMES}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname.partition(".")[0] in _OUR_TOP_LEVEL_NAMES:
            self.names.add(fullname)


_our_module_names = _OurModuleNames()
sys.meta_path.insert(0, _our_module_names)


def _project_modules() -> dict[str, ModuleType]:
    modules = sys.modules
    return {
        name: module
        for name in list(_our_module_names.names)
        if (module := modules.get(name)) is not None and name not in SHARED_MODULES and _is_project_module(module)
    }


# What the layer caches per warm environment that comes from the AWS account or the function's variables:
# (module, attribute path of the function that forgets it). An environment handed to another test's stack
# (EnvironmentPool) forgets them, as the test process itself does between tests.
LAYER_CACHE_RESETS = (
    ("boxoffice.settings", "reset_settings"),
    ("boxoffice.aws", "reset_clients"),
    ("boxoffice.auth.keys", "key_ring.reset"),
    ("boxoffice.booking.ticket_key", "ticket_key.reset"),
    ("boxoffice.edge.authorizer", "verifier.reset"),
    ("boxoffice.venues.store", "forget_all"),
    ("boxoffice.public_reads", "forget_all"),
)


def reset_layer_caches(modules: dict[str, ModuleType]) -> None:
    """Call each of LAYER_CACHE_RESETS whose module is among `modules` (a namespace that never imported one
    has nothing of it to forget)."""
    for module_name, path in LAYER_CACHE_RESETS:
        target: Any = modules.get(module_name)
        if target is None:
            continue
        for name in path.split("."):
            target = getattr(target, name)
        target()


class WarmEnvironment:
    """One function's warm environment: imported once, invoked many times."""

    def __init__(
        self, spec: FunctionSpec, *, clock_stands_still: bool = False, modules: dict[str, ModuleType] | None = None
    ) -> None:
        """`modules`: another stack's warm modules of the same function to adopt (EnvironmentPool)."""
        self.spec = spec
        # Under tests (a frozen boxoffice.clock) a timeout is what the context says, never the machine's speed.
        self.clock_stands_still = clock_stands_still
        self._modules: dict[str, ModuleType] | None = modules
        self._handler: Any = None
        self._adopted = modules is not None
        self._retired = False
        self.invocations = 0
        self.patched = False  # a test reached into its modules (stack.module): never handed on

    @property
    def is_cold(self) -> bool:
        return self._modules is None

    @contextmanager
    def _entered(self) -> Iterator[None]:
        """Make this process look like the function's environment, and undo it afterwards."""
        if self._retired:
            raise RuntimeError(f"{self.spec.logical_id}: this stack's environments were handed on")
        saved_environ = dict(os.environ)
        saved_path = list(sys.path)
        host_modules = _project_modules()
        for name in host_modules:
            del sys.modules[name]
        base = {key: saved_environ[key] for key in _BASE_ENVIRONMENT_KEYS if key in saved_environ}
        os.environ.clear()
        os.environ.update({**base, **self.spec.environment})
        sys.path[:0] = [str(self.spec.code_dir), *(str(layer) for layer in self.spec.layer_dirs)]
        if self._modules:
            sys.modules.update(self._modules)
        try:
            if self._adopted:  # another stack's environment: forget what came from its AWS and variables
                self._adopted = False
                reset_layer_caches(self._modules or {})
            yield
        finally:
            self._modules = _project_modules()
            for name in self._modules:
                sys.modules.pop(name, None)
            sys.modules.update(host_modules)
            sys.path[:] = saved_path
            os.environ.clear()
            os.environ.update(saved_environ)

    def retire(self) -> dict[str, ModuleType] | None:
        """Give up the imported modules (to a pool); this environment cannot be entered again."""
        with _INVOCATION_LOCK:
            modules, self._modules, self._handler = self._modules, None, None
            self._retired = True
            return modules

    def _load_handler(self) -> Any:
        module_name, _, attribute = self.spec.handler.rpartition(".")
        module = importlib.import_module(module_name)
        return getattr(module, attribute)

    def module(self, name: str, *, to_patch: bool = True) -> ModuleType:
        """This environment's own copy of one of our modules (tests patch it to inject faults, so by default the
        environment is then never handed to another stack)."""
        self.patched = self.patched or to_patch
        with _INVOCATION_LOCK, self._entered():
            if self._handler is None:
                self._handler = self._load_handler()
            return importlib.import_module(name)

    def load(self) -> Any:
        """Import the handler (the cold start) without invoking it."""
        with _INVOCATION_LOCK, self._entered():
            if self._handler is None:
                self._handler = self._load_handler()
            return self._handler

    def invoke(self, event: Any) -> Any:
        with _INVOCATION_LOCK, self._entered():
            try:
                if self._handler is None:
                    self._handler = self._load_handler()
                context = LambdaContext(self.spec, clock_stands_still=self.clock_stands_still)
                started = time.monotonic()
                result = self._handler(event, context)
                elapsed = time.monotonic() - started
                self.invocations += 1
            except Exception as error:
                raise FunctionError(
                    {
                        "errorMessage": str(error),
                        "errorType": type(error).__name__,
                        "stackTrace": traceback.format_exception(error),
                    }
                ) from error
        if elapsed > self.spec.timeout_seconds and not self.clock_stands_still:
            raise FunctionError(
                {
                    "errorMessage": f"Task timed out after {self.spec.timeout_seconds:.2f} seconds",
                    "errorType": "Sandbox.Timedout",
                }
            )
        return result


_shared_sdk_data: dict[tuple[Any, ...], Any] = {}
# The loader's methods that only read botocore's data directories; each loader (one per session, so one per
# client an environment makes) would otherwise list hundreds of service folders again.
_SHARED_LOADER_METHODS = ("load_data_with_path", "list_available_services", "determine_latest_version")


def share_sdk_data_files() -> None:
    """Let every function's botocore read its JSON service models, and list its data folders, once per process.

    Each warm environment builds its own botocore sessions, and each session
    parses the same multi-megabyte JSON files and lists the same folders again.
    Sharing what was read between functions is what a machine's file cache does
    for containers; it changes no behaviour, only the time the local stack and
    tests spend. Answers are keyed by the loader's search paths at call time.
    """
    from botocore import loaders

    for method_name in _SHARED_LOADER_METHODS:
        original = getattr(loaders.Loader, method_name)
        if getattr(original, "_shared", False):
            continue

        def shared(self: Any, *args: Any, _original: Any = original, _name: str = method_name, **kwargs: Any) -> Any:
            key = (_name, tuple(self.search_paths), *args, *sorted(kwargs.items()))
            if key not in _shared_sdk_data:
                _shared_sdk_data[key] = _original(self, *args, **kwargs)
            return _shared_sdk_data[key]

        shared._shared = True  # type: ignore[attr-defined]
        setattr(loaders.Loader, method_name, shared)


class EnvironmentPool:
    """Warm environments handed from one stack to the next, as Lambda hands a warm environment to the next
    invocation: the component tests make a stack per test, and importing each function afresh for every test
    was a fifth of their time.

    An environment is handed on only to a function of the same key (its caller's: the same code and the same
    variables, up to the test's KMS key ids), after `release()` (its stack's AWS is gone), and never when a
    test reached into its modules; the next stack's first entry forgets the layer's caches
    (LAYER_CACHE_RESETS)."""

    def __init__(self) -> None:
        self._idle: dict[Any, list[dict[str, ModuleType]]] = {}
        self._lent: list[tuple[Any, WarmEnvironment]] = []
        self._lock = threading.Lock()
        self.handed_on = 0

    def environment(self, spec: FunctionSpec, key: Any, *, clock_stands_still: bool) -> WarmEnvironment:
        with self._lock:
            idle = self._idle.get(key)
            modules = idle.pop() if idle else None
            self.handed_on += modules is not None
            environment = WarmEnvironment(spec, clock_stands_still=clock_stands_still, modules=modules)
            self._lent.append((key, environment))
            return environment

    def release(self) -> None:
        """Every environment lent so far is idle again (the AWS its stack used is gone); none of them may be
        invoked again by the stack that had it."""
        with self._lock:
            lent, self._lent = self._lent, []
            for key, environment in lent:
                modules = environment.retire()
                if modules is not None and not environment.patched:
                    self._idle.setdefault(key, []).append(modules)


class InProcessRuntime:
    """Every function of a stack, each in its own warm environment, created on first use (or handed on by
    `pool`)."""

    def __init__(
        self,
        specs: dict[str, FunctionSpec],
        *,
        clock_stands_still: bool = False,
        pool: EnvironmentPool | None = None,
        pool_keys: dict[str, Any] | None = None,
    ) -> None:
        """`pool_keys`: per function, what another stack's environment must have been made for to be handed
        on to this one (functions without a key get new environments)."""
        share_sdk_data_files()
        self.specs = specs
        self.clock_stands_still = clock_stands_still
        self.pool = pool
        self.pool_keys = pool_keys or {}
        self._environments: dict[str, WarmEnvironment] = {}
        self._create_lock = threading.Lock()

    def environment(self, logical_id: str) -> WarmEnvironment:
        with self._create_lock:
            if logical_id not in self._environments:
                spec, still = self.specs[logical_id], self.clock_stands_still
                key = self.pool_keys.get(logical_id)
                self._environments[logical_id] = (
                    self.pool.environment(spec, key, clock_stands_still=still)
                    if self.pool and key is not None
                    else WarmEnvironment(spec, clock_stands_still=still)
                )
            return self._environments[logical_id]

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Run a function with an event; its result, or FunctionError as Lambda would report it."""
        return self.environment(logical_id).invoke(event)


class SamLambdaRunner:
    """Duck-types samcli's LocalLambdaRunner over an InProcessRuntime, for LocalApigwService."""

    def __init__(self, runtime: Any, log: Any = None, after: Any = None) -> None:
        self.runtime = runtime  # InProcessRuntime or local.workers' pool
        self.log = log
        self.after = after  # called after every invocation (make run: its writes may have made stream records)

    def is_debugging(self) -> bool:
        return False

    def invoke(
        self,
        function_identifier: str,
        event: str,
        tenant_id: Any = None,
        stdout: Any = None,
        stderr: Any = None,
        **_: Any,
    ) -> None:
        if function_identifier not in self.runtime.specs:
            from samcli.local.lambdafn.exceptions import FunctionNotFound

            raise FunctionNotFound(f"Unable to find a Function with name '{function_identifier}'")
        try:
            result = self.runtime.invoke(function_identifier, json.loads(event))
            output = json.dumps(result)
        except FunctionError as error:
            if self.log:
                trace = "".join(error.payload.get("stackTrace", []))
                self.log(f"{function_identifier} failed: {error.payload.get('errorType')}\n{trace}")
            output = json.dumps(error.payload)
        finally:
            if self.after:
                self.after()
        stdout.write_str(output)
