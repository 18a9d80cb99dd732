"""CloudWatch: the operations dashboard, the alarms and the topic they notify."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from constructs import Construct

from shipdeck import runtime_contract as contract

EXTERNAL_SERVICES = ("deepseek", "sleakops")
FIVE_XX_RATE_PERCENT = 5
P99_LATENCY_SECONDS = 2
DB_CPU_PERCENT = 80
DB_FREE_STORAGE_FRACTION = 0.10
OUTBOX_BACKLOG_EVENTS = 100
ONE_MINUTE = cdk.Duration.minutes(1)
FIVE_MINUTES = cdk.Duration.minutes(5)
RDS_EVENT_CATEGORIES = ["availability", "failover", "failure", "low storage"]


class Observability(Construct):
    """One dashboard for the whole request path (load balancer, tasks, both databases, the
    external APIs and the AI co-pilot, from the app's EMF metrics) and the alarms that page:
    5xx rate, p99 latency, unhealthy targets, database CPU and storage, DynamoDB throttles, an
    open circuit breaker towards DeepSeek or SleakOps, and a growing outbox. Alarms, their
    recoveries and RDS failover events go to one encrypted SNS topic; the `AlarmEmail` stack
    parameter subscribes an address to it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        load_balancer: elbv2.ApplicationLoadBalancer,
        target_group: elbv2.ApplicationTargetGroup,
        service: ecs.FargateService,
        cluster: ecs.ICluster,
        database: rds.DatabaseInstance,
        database_storage_gib: int,
        table: dynamodb.ITable,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)

        # --- Notifications -------------------------------------------------------------------
        self.key = kms.Key(
            self,
            "TopicKey",
            description="Encrypts the Shipdeck alarm topic",
            enable_key_rotation=True,
        )
        publishers = [
            iam.ServicePrincipal("cloudwatch.amazonaws.com"),
            iam.ServicePrincipal("events.rds.amazonaws.com"),
        ]
        for principal in publishers:
            self.key.grant(principal, "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(self, "Alarms", master_key=self.key, enforce_ssl=True)
        for principal in publishers:
            self.topic.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[principal],
                    actions=["sns:Publish"],
                    resources=[self.topic.topic_arn],
                    conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
                )
            )

        self.alarm_email = cdk.CfnParameter(
            stack,
            "AlarmEmail",
            type="String",
            default="",
            description="Email address that receives Shipdeck alarms (empty: no subscription)",
            allowed_pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        )
        has_email = cdk.CfnCondition(
            self,
            "HasAlarmEmail",
            expression=cdk.Fn.condition_not(
                cdk.Fn.condition_equals(self.alarm_email.value_as_string, "")
            ),
        )
        subscription = sns.CfnSubscription(
            self,
            "AlarmEmailSubscription",
            topic_arn=self.topic.topic_arn,
            protocol="email",
            endpoint=self.alarm_email.value_as_string,
        )
        subscription.cfn_options.condition = has_email

        self.database_events = rds.CfnEventSubscription(
            self,
            "DatabaseEvents",
            sns_topic_arn=self.topic.topic_arn,
            source_type="db-instance",
            source_ids=[database.instance_identifier],
            event_categories=RDS_EVENT_CATEGORIES,
            enabled=True,
        )

        # --- Metrics -------------------------------------------------------------------------
        alb = load_balancer.metrics
        requests = alb.request_count(period=ONE_MINUTE, statistic="Sum")
        elb_5xx = alb.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=ONE_MINUTE)
        target_5xx = alb.http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=ONE_MINUTE)
        five_xx_rate = cloudwatch.MathExpression(
            expression="IF(requests > 0, 100 * (elb5xx + target5xx) / requests, 0)",
            using_metrics={"requests": requests, "elb5xx": elb_5xx, "target5xx": target_5xx},
            label="5xx rate (%)",
            period=ONE_MINUTE,
        )
        p99 = alb.target_response_time(statistic="p99", period=ONE_MINUTE)
        unhealthy = target_group.metrics.unhealthy_host_count(
            statistic="Maximum", period=ONE_MINUTE
        )
        healthy = target_group.metrics.healthy_host_count(statistic="Minimum", period=ONE_MINUTE)
        running_tasks = cloudwatch.Metric(
            namespace="ECS/ContainerInsights",
            metric_name="RunningTaskCount",
            dimensions_map={
                "ClusterName": cluster.cluster_name,
                "ServiceName": service.service_name,
            },
            statistic="Average",
            period=ONE_MINUTE,
        )
        throttles = cloudwatch.MathExpression(
            expression="readThrottles + writeThrottles",
            using_metrics={
                "readThrottles": table.metric(
                    "ReadThrottleEvents", statistic="Sum", period=FIVE_MINUTES
                ),
                "writeThrottles": table.metric(
                    "WriteThrottleEvents", statistic="Sum", period=FIVE_MINUTES
                ),
            },
            label="Throttled requests",
            period=FIVE_MINUTES,
        )

        def app_metric(name: str, statistic: str, **dimensions: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=contract.METRICS_NAMESPACE,
                metric_name=name,
                dimensions_map=dimensions or None,
                statistic=statistic,
                period=FIVE_MINUTES,
            )

        # --- Alarms --------------------------------------------------------------------------
        action = cw_actions.SnsAction(self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}

        def alarm(
            name: str,
            metric: cloudwatch.IMetric,
            *,
            threshold: float,
            description: str,
            comparison: cloudwatch.ComparisonOperator = (
                cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            ),
            periods: int = 5,
            datapoints: int = 3,
        ) -> None:
            created = cloudwatch.Alarm(
                self,
                name,
                metric=metric,
                threshold=threshold,
                comparison_operator=comparison,
                evaluation_periods=periods,
                datapoints_to_alarm=datapoints,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(action)
            created.add_ok_action(action)
            self.alarms[name] = created

        alarm(
            "Api5xxRate",
            five_xx_rate,
            threshold=FIVE_XX_RATE_PERCENT,
            description=f"More than {FIVE_XX_RATE_PERCENT} % of API requests answer 5xx",
        )
        alarm(
            "ApiLatencyP99",
            p99,
            threshold=P99_LATENCY_SECONDS,
            description=f"p99 time to first response byte above {P99_LATENCY_SECONDS} s",
        )
        alarm(
            "UnhealthyTargets",
            unhealthy,
            threshold=0,
            description="At least one API task fails the readiness check",
            periods=3,
            datapoints=3,
        )
        alarm(
            "DatabaseCpu",
            database.metric_cpu_utilization(period=FIVE_MINUTES),
            threshold=DB_CPU_PERCENT,
            description=f"Database CPU above {DB_CPU_PERCENT} %",
            periods=3,
            datapoints=3,
        )
        alarm(
            "DatabaseFreeStorage",
            database.metric_free_storage_space(period=FIVE_MINUTES, statistic="Minimum"),
            threshold=database_storage_gib * DB_FREE_STORAGE_FRACTION * 1024**3,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            description=(
                f"Database free storage below {int(DB_FREE_STORAGE_FRACTION * 100)} % of the "
                "allocated size"
            ),
            periods=2,
            datapoints=2,
        )
        alarm(
            "TableThrottles",
            throttles,
            threshold=0,
            description="DynamoDB throttled requests",
            periods=3,
            datapoints=2,
        )
        for service_name in EXTERNAL_SERVICES:
            alarm(
                f"BreakerOpen{service_name.capitalize()}",
                app_metric(contract.METRIC_BREAKER_OPEN, "Sum", Service=service_name),
                threshold=0,
                description=(
                    f"The API's circuit breaker towards {service_name} is open (calls refused)"
                ),
                periods=1,
                datapoints=1,
            )
        alarm(
            "OutboxBacklog",
            app_metric(contract.METRIC_OUTBOX_BACKLOG, "Maximum"),
            threshold=OUTBOX_BACKLOG_EVENTS,
            description="Timeline events are waiting in the outbox (DynamoDB writes failing?)",
            periods=3,
            datapoints=3,
        )

        # --- Dashboard -----------------------------------------------------------------------
        def search(metric: str, statistic: str, label_dims: str) -> cloudwatch.MathExpression:
            return cloudwatch.MathExpression(
                expression=(
                    f"SEARCH('{{{contract.METRICS_NAMESPACE},{label_dims}}} "
                    f"MetricName=\"{metric}\"', '{statistic}', 300)"
                ),
                using_metrics={},
                label=metric,
                period=FIVE_MINUTES,
            )

        def graph(title: str, *metrics: cloudwatch.IMetric) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, left=list(metrics), width=8, height=6)

        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            default_interval=cdk.Duration.hours(3),
            widgets=[
                [
                    cloudwatch.AlarmStatusWidget(
                        title="Alarms", alarms=list(self.alarms.values()), width=24, height=3
                    )
                ],
                [
                    graph("Load balancer: requests", requests),
                    graph(
                        "Load balancer: latency (s)",
                        alb.target_response_time(statistic="p50", period=ONE_MINUTE),
                        alb.target_response_time(statistic="p90", period=ONE_MINUTE),
                        p99,
                    ),
                    graph("Load balancer: 5xx", elb_5xx, target_5xx, five_xx_rate),
                ],
                [
                    graph(
                        "API tasks: CPU and memory (%)",
                        service.metric_cpu_utilization(period=ONE_MINUTE),
                        service.metric_memory_utilization(period=ONE_MINUTE),
                    ),
                    graph("API tasks: running", running_tasks),
                    graph("Targets: healthy and unhealthy", healthy, unhealthy),
                ],
                [
                    graph("RDS: CPU (%)", database.metric_cpu_utilization(period=ONE_MINUTE)),
                    graph(
                        "RDS: connections",
                        database.metric_database_connections(period=ONE_MINUTE),
                    ),
                    graph(
                        "RDS: free storage (bytes)",
                        database.metric_free_storage_space(period=FIVE_MINUTES),
                    ),
                ],
                [
                    cloudwatch.TextWidget(
                        markdown=(
                            "**RDS failover**: Multi-AZ failovers (typically 60-120 s) arrive "
                            "on the alarm topic as RDS events (`failover`, `availability`). "
                            "During one, connections drop to zero above and the API answers 503 "
                            "from `/readyz` until the standby takes over."
                        ),
                        width=8,
                        height=6,
                    ),
                    graph(
                        "DynamoDB: consumed capacity",
                        table.metric_consumed_read_capacity_units(period=FIVE_MINUTES),
                        table.metric_consumed_write_capacity_units(period=FIVE_MINUTES),
                    ),
                    graph("DynamoDB: throttles", throttles),
                ],
                [
                    graph(
                        "External calls: p99 latency (ms)",
                        search(contract.METRIC_EXTERNAL_CALL_LATENCY, "p99", "Service,Outcome"),
                    ),
                    graph(
                        "External calls: failures",
                        search(contract.METRIC_EXTERNAL_CALL_FAILURES, "Sum", "Service"),
                    ),
                    graph(
                        "External calls: breaker open",
                        *(
                            app_metric(contract.METRIC_BREAKER_OPEN, "Sum", Service=name)
                            for name in EXTERNAL_SERVICES
                        ),
                    ),
                ],
                [
                    graph(
                        "AI co-pilot: tokens",
                        app_metric(contract.METRIC_AI_TOKENS, "Sum"),
                    ),
                    graph(
                        "AI co-pilot: time to first token (ms)",
                        app_metric(contract.METRIC_AI_TIME_TO_FIRST_TOKEN, "p90"),
                        app_metric(contract.METRIC_AI_TIME_TO_FIRST_TOKEN, "p99"),
                    ),
                    graph("Outbox backlog", app_metric(contract.METRIC_OUTBOX_BACKLOG, "Maximum")),
                ],
            ],
        )
