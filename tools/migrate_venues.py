"""Move a stack older than venues into its default venue, "Main" (run once after deploying venues; resumable).

    make migrate STACK=boxoffice-prod

Uses the operator's AWS credentials; finds the tables in the stack's outputs and the default venue's time zone,
currency and tax rate in its parameters. Safe to run again, and to run while the stack serves: what is migrated
already is left alone, and a run that stops goes on from where it stopped (boxoffice.venues.migration).
"""

from __future__ import annotations

import argparse
import os
import sys

import boto3

TABLES = ("Venues", "Halls", "Screenings", "Orders", "Till", "Reports", "Users")
PARAMETERS = {
    "DefaultTimezone": "DEFAULT_TIMEZONE",
    "DefaultCurrency": "DEFAULT_CURRENCY",
    "DefaultTaxPercent": "DEFAULT_TAX_PERCENT",
}


def configure(stack_name: str, region: str | None) -> None:
    """The environment boxoffice.settings reads, from the deployed stack."""
    stack = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    parameters = {item["ParameterKey"]: item.get("ParameterValue", "") for item in stack.get("Parameters", [])}
    for table in TABLES:
        os.environ[f"{table.upper()}_TABLE"] = outputs[f"{table}TableName"]
    for parameter, variable in PARAMETERS.items():
        if parameters.get(parameter):
            os.environ[variable] = parameters[parameter]
    if region:
        os.environ["AWS_REGION"] = region


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region")
    arguments = parser.parse_args(argv)
    configure(arguments.stack_name, arguments.region)

    from boxoffice.venues import migration

    progress = migration.run(after_each_write=lambda _step: None)
    for step in progress.done:
        print(f"{step}: done ({progress.counts.get(step, 0)} items moved by this run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
