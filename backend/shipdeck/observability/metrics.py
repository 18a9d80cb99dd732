"""CloudWatch Embedded Metric Format: a metric is a JSON log line CloudWatch turns into a
data point, so the app needs no agent and no API call to publish it."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from typing import Literal, TextIO

from shipdeck.runtime_contract import METRICS_NAMESPACE

Unit = Literal["Milliseconds", "Count", "Seconds", "Bytes", "None"]


class MetricsEmitter:
    def __init__(self, stream: TextIO | None = None, namespace: str = METRICS_NAMESPACE) -> None:
        self._stream = stream
        self._namespace = namespace

    def emit(
        self,
        values: Mapping[str, tuple[float, Unit]],
        *,
        dimensions: Mapping[str, str] | None = None,
        properties: Mapping[str, object] | None = None,
    ) -> None:
        dims = dict(dimensions or {})
        record: dict[str, object] = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self._namespace,
                        "Dimensions": [sorted(dims)] if dims else [[]],
                        "Metrics": [{"Name": n, "Unit": u} for n, (_, u) in values.items()],
                    }
                ],
            },
            **dims,
            **{name: value for name, (value, _) in values.items()},
            **(properties or {}),
        }
        stream = self._stream or sys.stdout
        stream.write(json.dumps(record, separators=(",", ":")) + "\n")
        stream.flush()
