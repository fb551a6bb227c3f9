"""`make invoke FN=PlaceOrderFunction EVENT=tests/events/PlaceOrderFunction.json`: one function, one event, no Docker.

The function runs as `make run` runs it (its own template environment, the
in-process runtime) against a fresh in-memory DynamoDB and KMS made from the
template, like `sam local invoke` against an empty stack. It prints the
function's answer (or Lambda's error payload) as JSON; the exit status is 1
if the function failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from local.inprocess import InProcessStack, mocked_aws
from local.runtime import FunctionError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make invoke", description=__doc__.splitlines()[0])
    parser.add_argument("function", help="the function's logical id in template.yaml")
    parser.add_argument("event", type=Path, help="a JSON event file (tests/events/ has one per function)")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")  # moto takes any
    event = json.loads(arguments.event.read_text())
    with mocked_aws() as aws:
        stack = InProcessStack(aws)
        if arguments.function not in stack.specs:
            print(
                f"error: no function {arguments.function!r} in template.yaml "
                f"(one of: {', '.join(sorted(stack.specs))})",
                file=sys.stderr,
            )
            return 1
        try:
            answer = stack.invoke(arguments.function, event)
        except FunctionError as failure:
            print(json.dumps(failure.payload, indent=2))
            return 1
    print(json.dumps(answer, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
