"""template.yaml, read the way the SAM CLI reads it, for everything that runs locally.

The local stack, the component tests and the benchmarks all take their
functions, routes, environment variables, tables and keys from here, so there
is never a second hand-written copy of any of them:

- tables are created from the `AWS::DynamoDB::Table` resources (keys, indexes,
  TTL) and keys from the `AWS::KMS::Key` resources;
- functions, their handlers, layers and environment come from the SAM CLI's
  own providers, with `!Ref` to a table or key resolved to the local copy
  (the same logical-id translation `sam local --parameter-overrides` uses).
"""

from __future__ import annotations

import copy
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.runtime import LAYER_DIR_OVERRIDE, PROJECT_ROOT, FunctionSpec

TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"
LOCAL_REGION = "us-east-1"
# The stand-in credentials of everything local, the functions and the stack's own clients (as SAM's runner names
# them); moto accepts any.
LOCAL_CREDENTIALS = {"region": LOCAL_REGION, "key": "local", "secret": "local"}
# Table properties a local DynamoDB needs; the rest (PITR, deletion protection,
# SSE, policies) only mean something in AWS.
_CREATE_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


@functools.cache
def raw_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as CloudFormation sees it once AWS::LanguageExtensions has run: every
    `Fn::ForEach` expanded, every other intrinsic left as written. Parsed by the SAM CLI's YAML loader."""
    from samcli.yamlhelper import yaml_parse

    return expand_for_each(yaml_parse(path.read_text()))


_FOR_EACH = "Fn::ForEach::"


def expand_for_each(node: Any, bindings: dict[str, str] | None = None) -> Any:
    """Expand `Fn::ForEach` loops over literal lists, as CloudFormation's language extensions do.

    The SAM CLI's own expander also resolves conditions and drops `Fn::Sub` from
    strings it cannot resolve, which would change what the local stack and the
    template tests see; this one substitutes `${Id}`/`&{Id}` and `Ref: Id`, and
    folds `Ref: !Sub "literal"` to a plain `Ref`, nothing else.
    """
    bindings = bindings or {}
    if isinstance(node, list):
        return [expand_for_each(item, bindings) for item in node]
    if isinstance(node, str):
        for name, value in bindings.items():
            node = node.replace(f"${{{name}}}", value).replace(f"&{{{name}}}", "".join(filter(str.isalnum, value)))
        return node
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"}:
        target = node["Ref"]
        if isinstance(target, str) and target in bindings:
            return bindings[target]
        if isinstance(target, dict) and set(target) == {"Fn::Sub"} and isinstance(target["Fn::Sub"], str):
            return {"Ref": expand_for_each(target["Fn::Sub"], bindings)}
    expanded: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith(_FOR_EACH):
            identifier, collection, body = value
            if not isinstance(collection, list) or not all(isinstance(item, str) for item in collection):
                raise ValueError(f"{key}: only a literal list of strings is expanded locally")
            for item in collection:
                for out_key, out_value in expand_for_each(body, {**bindings, identifier: item}).items():
                    if out_key in expanded or out_key in node:
                        raise ValueError(f"{key}: {out_key} is declared twice")
                    expanded[out_key] = out_value
        else:
            expanded[expand_for_each(key, bindings)] = expand_for_each(value, bindings)
    return expanded


def resources_of_type(resource_type: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    template = template or raw_template()
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


class ParameterError(ValueError):
    """A stack parameter the template would refuse; the message is one line, worded as CloudFormation's."""


def check_parameters(parameters: dict[str, str], template: dict[str, Any] | None = None) -> None:
    """Refuse what `sam deploy --parameter-overrides` would: unknown names, non-numbers, values out of range
    or not among AllowedValues (and, since every function reads them as such, numbers that are not whole)."""
    declared = (template or raw_template())["Parameters"]
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    for name, value in parameters.items():
        spec = declared[name]
        if spec.get("Type") == "Number":
            try:
                number = float(value)
            except ValueError:
                raise ParameterError(f"Parameter '{name}' must be a number, not '{value}'") from None
            if not number.is_integer():
                raise ParameterError(f"Parameter '{name}' must be a whole number, not '{value}'")
            if "MinValue" in spec and number < float(spec["MinValue"]):
                raise ParameterError(f"Parameter '{name}' must be a number not less than {spec['MinValue']}")
            if "MaxValue" in spec and number > float(spec["MaxValue"]):
                raise ParameterError(f"Parameter '{name}' must be a number not greater than {spec['MaxValue']}")
        allowed = [str(choice) for choice in spec.get("AllowedValues", [])]
        if allowed and value not in allowed:
            raise ParameterError(f"Parameter '{name}' must be one of AllowedValues: {', '.join(allowed)}")


def table_ids() -> list[str]:
    return sorted(resources_of_type("AWS::DynamoDB::Table"))


def key_ids() -> list[str]:
    return sorted(resources_of_type("AWS::KMS::Key"))


def create_tables(dynamodb: Any, names: dict[str, str], existing: set[str] | frozenset[str] = frozenset()) -> None:
    """Create every table of the template (same keys, indexes and TTL) under its local name,
    but those in `existing` (restored from local data)."""
    for logical_id, resource in resources_of_type("AWS::DynamoDB::Table").items():
        if names[logical_id] in existing:
            _add_missing_indexes(dynamodb, names[logical_id], resource["Properties"])
            _add_missing_stream(dynamodb, names[logical_id], resource["Properties"])
            continue
        properties = resource["Properties"]
        arguments = {key: properties[key] for key in _CREATE_TABLE_KEYS if key in properties}
        for index in arguments.get("GlobalSecondaryIndexes", []):
            index.pop("ContributorInsightsSpecification", None)
        if "StreamSpecification" in arguments:  # CloudFormation enables a stream by its view type alone
            arguments["StreamSpecification"] = {"StreamEnabled": True, **arguments["StreamSpecification"]}
        dynamodb.create_table(TableName=names[logical_id], **arguments)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=names[logical_id],
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )


def _add_missing_stream(dynamodb: Any, table_name: str, properties: dict[str, Any]) -> None:
    """A table kept from an earlier run gets the stream the template has added since."""
    wanted = properties.get("StreamSpecification")
    if wanted and not dynamodb.describe_table(TableName=table_name)["Table"].get("StreamSpecification"):
        dynamodb.update_table(TableName=table_name, StreamSpecification={"StreamEnabled": True, **wanted})


def _add_missing_indexes(dynamodb: Any, table_name: str, properties: dict[str, Any]) -> None:
    """A table kept from an earlier run (local data) gets the indexes the template has added since."""
    have = {index["IndexName"] for index in dynamodb.describe_table(TableName=table_name)["Table"].get(
        "GlobalSecondaryIndexes", [])}  # fmt: skip
    for index in properties.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] in have:
            continue
        wanted = {key["AttributeName"] for key in index["KeySchema"]}
        definitions = [item for item in properties["AttributeDefinitions"] if item["AttributeName"] in wanted]
        created = {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
        dynamodb.update_table(
            TableName=table_name,
            AttributeDefinitions=definitions,
            GlobalSecondaryIndexUpdates=[{"Create": created}],
        )


def create_keys(kms: Any) -> dict[str, str]:
    """Create every KMS key of the template; their local ids by logical id."""
    created = {}
    for logical_id, resource in resources_of_type("AWS::KMS::Key").items():
        properties = resource["Properties"]
        metadata = kms.create_key(
            KeySpec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
            KeyUsage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
            Description=f"local {logical_id}",
        )["KeyMetadata"]
        created[logical_id] = metadata["KeyId"]
    return created


def local_table_names(prefix: str = "") -> dict[str, str]:
    return {logical_id: f"{prefix}{logical_id}" for logical_id in table_ids()}


@dataclass(frozen=True)
class LocalStack:
    """The template resolved for one local run: its functions and its API."""

    parameters: dict[str, str]
    functions: dict[str, FunctionSpec]
    api: Any  # samcli.lib.providers.provider.Api


def resolve(parameters: dict[str, str], physical_ids: dict[str, str]) -> LocalStack:
    """Resolve the template with stack parameters and the local ids of its tables and keys."""
    os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
    from samcli.commands.local.lib.local_lambda import LocalLambdaRunner
    from samcli.lib.providers.api_provider import ApiProvider
    from samcli.lib.providers.sam_function_provider import SamFunctionProvider
    from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider

    overrides = {**parameters, **physical_ids}
    # The loops are expanded here, faithfully, rather than by the SAM CLI's own expander (see expand_for_each).
    stacks, _ = SamLocalStackProvider.get_stacks(
        template_dictionary=copy.deepcopy(raw_template()), parameter_overrides=overrides
    )
    function_provider = SamFunctionProvider(stacks, use_raw_codeuri=True)
    api = ApiProvider(stacks, cwd=str(PROJECT_ROOT)).api
    # SAM's own runner computes each function's environment exactly as `sam local` does.
    config_runner = LocalLambdaRunner(
        local_runtime=None,  # type: ignore[arg-type]  # only its configuration half is used
        function_provider=function_provider,
        cwd=str(PROJECT_ROOT),
        real_path=str(PROJECT_ROOT),
        aws_region=LOCAL_REGION,
    )
    # Every function gets the same stand-in credentials (moto takes any), never the developer's: SAM's runner
    # copies the shell's or the profile's keys into each function's environment, and a partial set in the shell
    # stopped `make run` with a traceback. Nothing local needs an AWS account.
    config_runner.get_aws_creds = lambda: dict(LOCAL_CREDENTIALS)  # type: ignore[method-assign]
    functions = {}
    for function in function_provider.get_all():
        config = config_runner.get_invoke_config(function)
        # `sam local` lets the shell's variables override the template's; a
        # developer's STAGE or *_TABLE must never leak into a local function.
        config.env_vars.shell_env_values = {}
        environment = config.env_vars.resolve()
        environment.update(AWS_REGION=LOCAL_REGION, AWS_DEFAULT_REGION=LOCAL_REGION)
        functions[function.name] = FunctionSpec(
            logical_id=function.name,
            handler=function.handler,
            code_dir=Path(config.code_abs_path),
            layer_dirs=(LAYER_DIR_OVERRIDE,)
            if LAYER_DIR_OVERRIDE
            else tuple((PROJECT_ROOT / layer.codeuri).resolve() for layer in function.layers),
            environment=environment,
            timeout_seconds=int(function.timeout or 3),
            memory_mb=int(function.memory or 128),
            schedules=tuple(_schedules(function.events or {})),
        )
    return LocalStack(parameters=dict(parameters), functions=functions, api=api)


def _schedules(events: dict[str, Any]) -> list[str]:
    expressions = []
    for event in events.values():
        properties = event.get("Properties", {})
        if event.get("Type") == "Schedule":
            expressions.append(properties["Schedule"])
        elif event.get("Type") == "ScheduleV2":
            expressions.append(properties["ScheduleExpression"])
    return expressions


def rate_seconds(expression: str) -> int:
    """Seconds between runs of an EventBridge `rate(...)` expression."""
    inner = expression.strip()
    if not (inner.startswith("rate(") and inner.endswith(")")):
        raise ValueError(f"Only rate() schedules run locally, not {expression!r}")
    amount, unit = inner[5:-1].split()
    seconds_per = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
    return int(amount) * seconds_per[unit]


def translated_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The plain CloudFormation that deploying the template creates: ForEach expanded, then the
    SAM transform run (offline; code locations stand in as s3://code/<dir>). Roles, policies,
    permissions and the API definition are all in it, so two templates can be compared resource by resource."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    template = copy.deepcopy(raw_template(path))
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = "s3://code/" + properties[key].strip("/")
    # Every policy in the template is inline, so there are no managed policy names to look up in IAM.
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=LOCAL_REGION))
    return translator.translate(template, parameter_values={}, get_managed_policy_map=dict)


if __name__ == "__main__":
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(description="Print template.yaml as CloudFormation will see it")
    parser.add_argument("--translated", action="store_true", help="also run the SAM transform")
    arguments = parser.parse_args()
    json.dump(translated_template() if arguments.translated else raw_template(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


def authorizer_cache_seconds(parameters: dict[str, str]) -> int:
    """The stack's AuthorizerCacheSeconds (its default unless given): what API Gateway caches an answer for."""
    default = raw_template()["Parameters"]["AuthorizerCacheSeconds"]["Default"]
    return int(parameters.get("AuthorizerCacheSeconds", default))
