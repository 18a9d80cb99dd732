"""Dashboard, alarms, notifications and log retention."""

from __future__ import annotations

import json
from typing import Any

from shipdeck import runtime_contract as contract

from .conftest import Stage, refs


def _dashboard_body(stage: Stage) -> str:
    _, dashboard = stage.one("AWS::CloudWatch::Dashboard")
    return json.dumps(dashboard["Properties"]["DashboardBody"])


def test_dashboard_covers_every_tier_and_the_app_metrics(stage: Stage) -> None:
    body = _dashboard_body(stage)
    for metric in (
        # load balancer
        "RequestCount",
        "TargetResponseTime",
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        # tasks
        "CPUUtilization",
        "MemoryUtilization",
        "RunningTaskCount",
        # RDS
        "DatabaseConnections",
        "FreeStorageSpace",
        # DynamoDB
        "ConsumedReadCapacityUnits",
        "ConsumedWriteCapacityUnits",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        # the app's EMF metrics
        contract.METRIC_EXTERNAL_CALL_LATENCY,
        contract.METRIC_EXTERNAL_CALL_FAILURES,
        contract.METRIC_BREAKER_OPEN,
        contract.METRIC_AI_TOKENS,
        contract.METRIC_AI_TIME_TO_FIRST_TOKEN,
        contract.METRIC_OUTBOX_BACKLOG,
    ):
        assert metric in body, metric
    assert f'\\"{contract.METRICS_NAMESPACE}\\"' in body or contract.METRICS_NAMESPACE in body
    assert "AWS/RDS" in body
    assert "failover" in body


def _alarms(stage: Stage) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in stage.resources("AWS::CloudWatch::Alarm").items()}


def _metric_names(alarm: dict[str, Any]) -> set[str]:
    if "MetricName" in alarm:
        return {alarm["MetricName"]}
    return {
        query["MetricStat"]["Metric"]["MetricName"]
        for query in alarm.get("Metrics", [])
        if "MetricStat" in query
    }


def test_alarms_cover_the_failure_modes(stage: Stage) -> None:
    alarms = _alarms(stage)
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for alarm in alarms.values():
        for name in _metric_names(alarm):
            by_metric.setdefault(name, []).append(alarm)
    assert {"HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "RequestCount"} <= set(by_metric)
    (latency,) = by_metric["TargetResponseTime"]
    assert latency["ExtendedStatistic"] == "p99"
    assert "UnHealthyHostCount" in by_metric
    assert "CPUUtilization" in by_metric
    assert by_metric["CPUUtilization"][0]["Namespace"] == "AWS/RDS"
    (storage,) = by_metric["FreeStorageSpace"]
    assert storage["ComparisonOperator"] == "LessThanThreshold"
    assert {"ReadThrottleEvents", "WriteThrottleEvents"} <= set(by_metric)
    breakers = by_metric[contract.METRIC_BREAKER_OPEN]
    assert {b["Namespace"] for b in breakers} == {contract.METRICS_NAMESPACE}
    assert sorted(b["Dimensions"][0]["Value"] for b in breakers) == ["deepseek", "sleakops"]
    assert contract.METRIC_OUTBOX_BACKLOG in by_metric


def test_every_alarm_notifies_the_encrypted_topic(stage: Stage) -> None:
    topic_id, topic = stage.one("AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    for name, alarm in _alarms(stage).items():
        assert refs(alarm["AlarmActions"]) == {topic_id}, name
        assert refs(alarm["OKActions"]) == {topic_id}, name
        assert alarm["TreatMissingData"] == "notBreaching"


def test_an_email_parameter_subscribes_to_the_topic(stage: Stage) -> None:
    assert stage.json["Parameters"]["AlarmEmail"]["Default"] == ""
    topic_id, _ = stage.one("AWS::SNS::Topic")
    _, subscription = stage.one("AWS::SNS::Subscription")
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert refs(subscription["Properties"]["TopicArn"]) == {topic_id}
    condition = stage.json["Conditions"][subscription["Condition"]]
    assert "AlarmEmail" in json.dumps(condition)


def test_database_failover_events_reach_the_topic(stage: Stage) -> None:
    topic_id, _ = stage.one("AWS::SNS::Topic")
    db_id, _ = stage.one("AWS::RDS::DBInstance")
    _, events = stage.one("AWS::RDS::EventSubscription")
    assert "failover" in events["Properties"]["EventCategories"]
    assert refs(events["Properties"]["SnsTopicArn"]) == {topic_id}
    assert refs(events["Properties"]["SourceIds"]) == {db_id}


def test_every_log_group_has_a_retention(stage: Stage) -> None:
    groups = stage.resources("AWS::Logs::LogGroup")
    assert len(groups) >= 2
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == stage.config.log_retention_days
