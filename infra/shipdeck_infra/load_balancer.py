"""The internet-facing Application Load Balancer in front of the API tasks."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from shipdeck import runtime_contract as contract
from shipdeck_infra._common import acknowledge, removal_policy

# The load balancer stops sending new requests to a deregistered task and waits this long for
# open ones (SSE streams included) before it cuts them. The app drains in DRAIN_SECONDS +
# GRACEFUL_SHUTDOWN_SECONDS, and the whole sequence fits within the task's stop timeout.
DEREGISTRATION_DELAY_SECONDS = contract.DRAIN_SECONDS + contract.GRACEFUL_SHUTDOWN_SECONDS
HEALTH_CHECK_INTERVAL_SECONDS = 10
HEALTH_CHECK_TIMEOUT_SECONDS = 5
ACCESS_LOG_DAYS = 90

# AWS managed rule groups, in priority order. The common rule set's 8 KB body limit would block
# legitimate chat messages and release notes (the API accepts up to 256 KB), so that one rule
# only counts.
MANAGED_RULE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AWSManagedRulesAmazonIpReputationList", ()),
    ("AWSManagedRulesCommonRuleSet", ("SizeRestrictions_BODY",)),
    ("AWSManagedRulesKnownBadInputsRuleSet", ()),
)
RATE_LIMIT_PER_5_MINUTES = 2000


class LoadBalancer(Construct):
    """With a certificate: HTTPS on 443 (TLS 1.2+), HTTP on 80 redirecting to it. Without one:
    HTTP on 80 only. Health checks hit the readiness path; access logs go to an encrypted bucket;
    an optional WAF web ACL applies AWS managed rules and a per-address rate limit."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        certificate: acm.ICertificate | None,
        waf: bool,
        protect: bool,
    ) -> None:
        super().__init__(scope, construct_id)

        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            # ALB access logs support SSE-S3 (not SSE-KMS) on the destination bucket.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(ACCESS_LOG_DAYS))],
            # Logs outlive the stack; the lifecycle rule empties the bucket within 90 days.
            removal_policy=removal_policy(protect=True),
        )
        acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This bucket only receives the load balancer's access logs; logging the log bucket's "
            "own accesses would need another bucket with the same finding, endlessly.",
        )

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="Shipdeck load balancer: HTTP(S) from the internet",
            allow_all_outbound=False,
        )
        self.alb = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=vpc,
            vpc_subnets=subnets,
            internet_facing=True,
            security_group=self.security_group,
            idle_timeout=cdk.Duration.seconds(contract.LOAD_BALANCER_IDLE_TIMEOUT_SECONDS),
            drop_invalid_header_fields=True,
            deletion_protection=protect,
        )
        self.alb.log_access_logs(self.access_logs, prefix="alb")

        self.target_group = elbv2.ApplicationTargetGroup(
            self,
            "Api",
            vpc=vpc,
            port=contract.CONTAINER_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            # Long-lived SSE streams make round robin uneven; send new requests to the task with
            # the fewest in flight.
            load_balancing_algorithm_type=elbv2.TargetGroupLoadBalancingAlgorithmType.LEAST_OUTSTANDING_REQUESTS,
            deregistration_delay=cdk.Duration.seconds(DEREGISTRATION_DELAY_SECONDS),
            health_check=elbv2.HealthCheck(
                path=contract.READINESS_PATH,
                healthy_http_codes="200",
                interval=cdk.Duration.seconds(HEALTH_CHECK_INTERVAL_SECONDS),
                timeout=cdk.Duration.seconds(HEALTH_CHECK_TIMEOUT_SECONDS),
                healthy_threshold_count=2,
                unhealthy_threshold_count=2,
            ),
        )

        self.https = certificate is not None
        if certificate is not None:
            self.listener = self.alb.add_listener(
                "Https",
                port=443,
                protocol=elbv2.ApplicationProtocol.HTTPS,
                certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)],
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
                default_target_groups=[self.target_group],
                open=True,
            )
            self.alb.add_redirect(source_port=80, target_port=443)
        else:
            self.listener = self.alb.add_listener(
                "Http",
                port=80,
                protocol=elbv2.ApplicationProtocol.HTTP,
                default_target_groups=[self.target_group],
                open=True,
            )
        acknowledge(
            self.security_group,
            "AwsSolutions-EC23",
            "An internet-facing load balancer must accept HTTP and HTTPS from any address; only "
            "ports 80 (redirect or API) and 443 are open, and in prod WAF filters the traffic.",
        )

        self.web_acl: wafv2.CfnWebACL | None = self._web_acl() if waf else None

    @property
    def dns_name(self) -> str:
        return self.alb.load_balancer_dns_name

    def _web_acl(self) -> wafv2.CfnWebACL:
        rules: list[wafv2.CfnWebACL.RuleProperty] = []
        for priority, (name, count_only) in enumerate(MANAGED_RULE_GROUPS):
            rules.append(
                wafv2.CfnWebACL.RuleProperty(
                    name=name,
                    priority=priority,
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS",
                            name=name,
                            rule_action_overrides=[
                                wafv2.CfnWebACL.RuleActionOverrideProperty(
                                    name=rule,
                                    action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={}),
                                )
                                for rule in count_only
                            ]
                            or None,
                        )
                    ),
                    visibility_config=_visibility(name),
                )
            )
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerAddress",
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP", limit=RATE_LIMIT_PER_5_MINUTES
                    )
                ),
                visibility_config=_visibility("RateLimitPerAddress"),
            )
        )
        acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=_visibility("ShipdeckApi"),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.alb.load_balancer_arn,
            web_acl_arn=acl.attr_arn,
        )
        return acl


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric_name,
        sampled_requests_enabled=True,
    )
