"""Upload the web app (web/dist) to a deployed stack's bucket, tell it where the API is, and refresh CloudFront.

    make deploy ENV=dev          # sam deploy, then this
    python -m tools.deploy_web --stack-name boxoffice-dev

config.json (the API's URL, from the stack's outputs) is written beside the app; index.html and config.json
are served uncached, the hashed assets for a year. Files the build no longer has are removed.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import boto3

from local.runtime import PROJECT_ROOT

DIST = PROJECT_ROOT / "web" / "dist"
UNCACHED = "no-cache, max-age=0"
IMMUTABLE = "public, max-age=31536000, immutable"


def stack_name_of(environment: str) -> str:
    config = tomllib.loads((PROJECT_ROOT / "samconfig.toml").read_text())
    section = config.get(environment, {})
    for command in ("deploy", "global"):
        name = section.get(command, {}).get("parameters", {}).get("stack_name")
        if name:
            return str(name)
    return str(config["default"]["global"]["parameters"]["stack_name"])


def outputs_of(stack_name: str, region: str | None) -> dict[str, str]:
    stack = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def files_to_upload(dist: Path, api_url: str) -> dict[str, tuple[bytes, str, str]]:
    """key -> (body, content type, cache control)."""
    files: dict[str, tuple[bytes, str, str]] = {}
    for path in sorted(dist.rglob("*")):
        if path.is_file():
            key = path.relative_to(dist).as_posix()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            files[key] = (path.read_bytes(), kind, IMMUTABLE if key.startswith("assets/") else UNCACHED)
    files["config.json"] = (json.dumps({"apiUrl": api_url}).encode(), "application/json", UNCACHED)
    return files


def upload(stack_name: str, region: str | None, s3: Any = None, cloudfront: Any = None) -> list[str]:
    outputs = outputs_of(stack_name, region)
    if not (DIST / "index.html").exists():
        raise SystemExit("web/dist is not built: run `make web` first")
    s3 = s3 or boto3.client("s3", region_name=region)
    cloudfront = cloudfront or boto3.client("cloudfront")
    bucket = outputs["WebBucketName"]
    files = files_to_upload(DIST, outputs["ApiUrl"])
    # Assets first, the page that names them last: a visitor never gets a page whose scripts are not there yet.
    for key in sorted(files, key=lambda name: name in ("index.html", "config.json")):
        body, kind, cache = files[key]
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=kind, CacheControl=cache)
    stale = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if item["Key"] not in files
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in stale[start : start + 1000]]})
    cloudfront.create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": ["/index.html", "/config.json"]},
            "CallerReference": f"deploy-{time.time_ns()}",
        },
    )
    return sorted(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name")
    parser.add_argument("--env", default="default", help="an environment of samconfig.toml, for its stack name")
    parser.add_argument("--region")
    arguments = parser.parse_args(argv)
    stack = arguments.stack_name or stack_name_of(arguments.env)
    uploaded = upload(stack, arguments.region)
    print(f"uploaded {len(uploaded)} files of the web app to {stack}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
