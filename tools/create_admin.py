"""Create the first administrator of a deployed stack (run once, with the operator's AWS credentials).

    make admin STACK=boxoffice-dev USERNAME=admin EMAIL=ops@example.com

The password comes from BOXOFFICE_ADMIN_PASSWORD or is asked for; it is never
printed or logged. The users table is found in the stack's outputs.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

import boto3


def users_table_of(stack_name: str, region: str | None) -> str:
    stack = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    return outputs["UsersTableName"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region")
    parser.add_argument("--username", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--first-name", default="Administrator")
    parser.add_argument("--last-name", default="Boxoffice")
    arguments = parser.parse_args(argv)

    password = os.environ.get("BOXOFFICE_ADMIN_PASSWORD") or getpass.getpass("Password for the administrator: ")
    os.environ["USERS_TABLE"] = users_table_of(arguments.stack_name, arguments.region)
    if arguments.region:
        os.environ["AWS_REGION"] = arguments.region

    from boxoffice.auth import accounts
    from boxoffice.errors import DomainError

    try:
        created = accounts.create_administrator(
            username=arguments.username,
            first_name=arguments.first_name,
            last_name=arguments.last_name,
            email=arguments.email,
            password=password,
        )
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    print(f"created administrator {created.username} ({created.user_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
