"""Powertools Logger and Metrics shared by every function (Tracer lives in boxoffice.tracing).

They take their service name and namespace from the POWERTOOLS_* variables the
template sets.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

# An endpoint that records no metric on a given call is normal, not worth a warning per call.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
metrics = Metrics()

__all__ = ["MetricUnit", "logger", "metrics"]
