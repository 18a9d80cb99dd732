"""Small helpers shared by the constructs."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from constructs import IConstruct

_RETENTION: dict[int, logs.RetentionDays] = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


def retention(days: int) -> logs.RetentionDays:
    try:
        return _RETENTION[days]
    except KeyError:
        raise ValueError(
            f"CloudWatch Logs has no {days}-day retention; use one of {sorted(_RETENTION)}"
        ) from None


def removal_policy(*, protect: bool) -> cdk.RemovalPolicy:
    return cdk.RemovalPolicy.RETAIN if protect else cdk.RemovalPolicy.DESTROY


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Record that a cdk-nag finding on `scope` (and its children) is accepted, and why.

    `rule` is the finding's id as cdk-nag reports it, e.g. "AwsSolutions-S1" or
    "AwsSolutions-IAM5[Resource::*]"; the reason is written for a reviewer.
    """
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))
