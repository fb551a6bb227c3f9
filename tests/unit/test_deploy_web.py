"""`make deploy` uploads the web app to the stack's bucket with the API's URL beside it, under moto."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws

from tools import deploy_web


def test_the_upload_puts_the_app_and_its_config_caches_assets_and_removes_what_the_build_no_longer_has(
    tmp_path, monkeypatch
):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html>")
    (dist / "assets" / "index-abc.js").write_text("console.log(1)")
    monkeypatch.setattr(deploy_web, "DIST", dist)
    outputs = {"WebBucketName": "web", "ApiUrl": "https://api.example.com", "WebDistributionId": "E123"}
    monkeypatch.setattr(deploy_web, "outputs_of", lambda stack, region: outputs)
    invalidations = []

    class CloudFront:
        def create_invalidation(self, **request):
            invalidations.append(request["InvalidationBatch"]["Paths"]["Items"])

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="web")
        s3.put_object(Bucket="web", Key="assets/index-old.js", Body=b"old")
        uploaded = deploy_web.upload("boxoffice-test", "us-east-1", s3=s3, cloudfront=CloudFront())
        keys = {item["Key"] for item in s3.list_objects_v2(Bucket="web")["Contents"]}
        config = s3.get_object(Bucket="web", Key="config.json")
        asset = s3.head_object(Bucket="web", Key="assets/index-abc.js")
        page = s3.head_object(Bucket="web", Key="index.html")
    assert uploaded == ["assets/index-abc.js", "config.json", "index.html"]
    assert keys == set(uploaded), "the old build's asset is removed"
    assert json.loads(config["Body"].read()) == {"apiUrl": "https://api.example.com"}
    assert asset["CacheControl"].endswith("immutable") and asset["ContentType"] == "text/javascript"
    assert page["CacheControl"].startswith("no-cache") and page["ContentType"] == "text/html"
    assert invalidations == [["/index.html", "/config.json"]]


def test_the_stack_name_comes_from_samconfig():
    assert deploy_web.stack_name_of("dev") == "boxoffice-dev"
    assert deploy_web.stack_name_of("default") == "boxoffice"
