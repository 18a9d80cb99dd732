"""What the application and the infrastructure must agree on, defined once.

The CDK app imports this module to create the DynamoDB table, the target group health check and
the container port; the backend imports it to create the same table locally and to serve the
same paths. Change a value here and both sides follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AttributeType = Literal["S", "N", "B"]


@dataclass(frozen=True, slots=True)
class KeyAttribute:
    name: str
    type: AttributeType


@dataclass(frozen=True, slots=True)
class GlobalIndex:
    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute


@dataclass(frozen=True, slots=True)
class TableSchema:
    partition_key: KeyAttribute
    sort_key: KeyAttribute
    global_indexes: tuple[GlobalIndex, ...]
    ttl_attribute: str


# The single DynamoDB table (see docs/data-model.md for every access pattern).
TABLE = TableSchema(
    partition_key=KeyAttribute("pk", "S"),
    sort_key=KeyAttribute("sk", "S"),
    global_indexes=(GlobalIndex("gsi1", KeyAttribute("gsi1pk", "S"), KeyAttribute("gsi1sk", "S")),),
    ttl_attribute="expires_at",
)

# HTTP: the container port and the paths the load balancer and orchestrator probe.
CONTAINER_PORT = 8000
LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"

# Timeouts that must nest: SSE heartbeat < load balancer idle timeout < server keep-alive.
SSE_HEARTBEAT_SECONDS = 15
LOAD_BALANCER_IDLE_TIMEOUT_SECONDS = 60
SERVER_KEEPALIVE_TIMEOUT_SECONDS = 75

# Shutdown: readiness fails first for DRAIN_SECONDS so the load balancer stops routing, then
# in-flight requests get GRACEFUL_SHUTDOWN_SECONDS to finish. The task stop timeout must cover both.
DRAIN_SECONDS = 10
GRACEFUL_SHUTDOWN_SECONDS = 20
TASK_STOP_TIMEOUT_SECONDS = 45

# CloudWatch Embedded Metric Format: the namespace and the metrics the app emits, which the
# dashboard and alarms read. Dimension "Service" is "deepseek" or "sleakops".
METRICS_NAMESPACE = "Shipdeck"
METRIC_EXTERNAL_CALL_LATENCY = "ExternalCallLatency"  # Milliseconds, dims: Service, Outcome
METRIC_EXTERNAL_CALL_FAILURES = "ExternalCallFailures"  # Count, dims: Service
METRIC_BREAKER_OPEN = "CircuitBreakerOpen"  # Count (1 when a call is refused), dims: Service
METRIC_AI_TOKENS = "AiTokens"  # Count, no dims
METRIC_AI_TIME_TO_FIRST_TOKEN = "AiTimeToFirstToken"  # noqa: S105 - Milliseconds, no dims
METRIC_OUTBOX_BACKLOG = "OutboxBacklog"  # Count of events waiting for DynamoDB
