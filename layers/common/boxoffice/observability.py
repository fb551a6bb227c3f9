"""Powertools Logger, Tracer and Metrics shared by every function.

They take their service name and namespace from the POWERTOOLS_* variables the
template sets; Tracer is inert outside Lambda (AWS_SAM_LOCAL, tests).
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

# An endpoint that records no metric on a given call is normal, not worth a warning per call.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
tracer = Tracer()
metrics = Metrics()

__all__ = ["MetricUnit", "logger", "metrics", "tracer"]
