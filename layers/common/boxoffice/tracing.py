"""Powertools Tracer for the API handlers and the sweeper.

Kept apart from Logger and Metrics because importing the X-Ray SDK costs
~130 ms of cold start: the authorizer, in front of every request, does without
it (Lambda's active tracing still records its invocations).
"""

from __future__ import annotations

from aws_lambda_powertools import Tracer

tracer = Tracer()
