"""Load balancer, TLS, DNS and WAF."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match

from shipdeck import runtime_contract as contract
from shipdeck_infra.load_balancer import DEREGISTRATION_DELAY_SECONDS

from .conftest import Stage, refs, subnets_of_type


def _attributes(resource: dict[str, Any], key: str) -> dict[str, str]:
    return {a["Key"]: a["Value"] for a in resource["Properties"][key]}


def test_the_load_balancer_is_internet_facing_in_both_public_subnets(stage: Stage) -> None:
    _, alb = stage.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert alb["Properties"]["Scheme"] == "internet-facing"
    assert alb["Properties"]["Type"] == "application"
    assert refs(alb["Properties"]["Subnets"]) == subnets_of_type(stage, "Public")


def test_idle_timeout_sits_between_the_sse_heartbeat_and_the_app_keepalive(stage: Stage) -> None:
    _, alb = stage.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    idle = int(_attributes(alb, "LoadBalancerAttributes")["idle_timeout.timeout_seconds"])
    assert idle == contract.LOAD_BALANCER_IDLE_TIMEOUT_SECONDS
    assert contract.SSE_HEARTBEAT_SECONDS * 2 <= idle < contract.SERVER_KEEPALIVE_TIMEOUT_SECONDS


def test_access_logs_go_to_an_encrypted_ssl_only_bucket(stage: Stage) -> None:
    _, alb = stage.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    attributes = _attributes(alb, "LoadBalancerAttributes")
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    (bucket_id,) = refs(attributes["access_logs.s3.bucket"])
    bucket = stage.json["Resources"][bucket_id]["Properties"]
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    stage.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket_id},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )


def test_target_group_health_checks_readiness_with_tight_intervals(stage: Stage) -> None:
    _, group = stage.one("AWS::ElasticLoadBalancingV2::TargetGroup")
    props = group["Properties"]
    assert props["HealthCheckPath"] == contract.READINESS_PATH
    assert props["HealthCheckIntervalSeconds"] <= 10
    assert props["HealthCheckTimeoutSeconds"] < props["HealthCheckIntervalSeconds"]
    assert props["UnhealthyThresholdCount"] == 2
    assert props["Port"] == contract.CONTAINER_PORT
    assert props["TargetType"] == "ip"


def test_deregistration_delay_fits_in_the_task_stop_timeout(stage: Stage) -> None:
    _, group = stage.one("AWS::ElasticLoadBalancingV2::TargetGroup")
    attributes = _attributes(group, "TargetGroupAttributes")
    delay = int(attributes["deregistration_delay.timeout_seconds"])
    assert delay == DEREGISTRATION_DELAY_SECONDS
    assert delay >= contract.DRAIN_SECONDS + contract.GRACEFUL_SHUTDOWN_SECONDS
    assert delay <= contract.TASK_STOP_TIMEOUT_SECONDS <= 120  # Fargate's maximum


def test_with_a_domain_https_serves_the_api_and_http_redirects(prod: Stage) -> None:
    listeners = {
        int(listener["Properties"]["Port"]): listener["Properties"]
        for listener in prod.resources("AWS::ElasticLoadBalancingV2::Listener").values()
    }
    assert set(listeners) == {80, 443}
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert https["DefaultActions"][0]["Type"] == "forward"
    (certificate_id,) = refs(https["Certificates"])
    redirect = listeners[80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"] == {
        "Port": "443",
        "Protocol": "HTTPS",
        "StatusCode": "HTTP_301",
    }

    domain = prod.config.domain
    assert domain is not None
    certificate = prod.json["Resources"][certificate_id]
    assert certificate["Type"] == "AWS::CertificateManager::Certificate"
    assert certificate["Properties"]["DomainName"] == domain.api_host
    assert certificate["Properties"]["ValidationMethod"] == "DNS"
    assert certificate["Properties"]["DomainValidationOptions"] == [
        {"DomainName": domain.api_host, "HostedZoneId": domain.hosted_zone_id}
    ]


def test_with_a_domain_route53_aliases_api_to_the_load_balancer(prod: Stage) -> None:
    domain = prod.config.domain
    assert domain is not None
    (alb_id, _) = prod.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    _, record = prod.one("AWS::Route53::RecordSet")
    props = record["Properties"]
    assert props["Name"] == f"{domain.api_host}."
    assert props["Type"] == "A"
    assert props["HostedZoneId"] == domain.hosted_zone_id
    assert refs(props["AliasTarget"]) == {alb_id}


def test_without_a_domain_the_api_is_plain_http_and_urls_are_outputs(dev: Stage) -> None:
    assert dev.config.domain is None
    (listener,) = dev.resources("AWS::ElasticLoadBalancingV2::Listener").values()
    assert listener["Properties"]["Port"] == 80
    assert listener["Properties"]["DefaultActions"][0]["Type"] == "forward"
    dev.template.resource_count_is("AWS::CertificateManager::Certificate", 0)
    dev.template.resource_count_is("AWS::Route53::RecordSet", 0)
    alb_id, _ = dev.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    outputs = dev.json["Outputs"]
    assert refs(outputs["LoadBalancerDnsName"]["Value"]) == {alb_id}
    assert refs(outputs["ApiUrl"]["Value"]) == {alb_id}
    app_id, _ = dev.one("AWS::Amplify::App")
    assert refs(outputs["AppUrl"]["Value"]) >= {app_id}


def test_load_balancer_security_group_opens_only_web_ports(stage: Stage) -> None:
    _, alb = stage.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    (group_id,) = refs(alb["Properties"]["SecurityGroups"])
    ingress = stage.json["Resources"][group_id]["Properties"]["SecurityGroupIngress"]
    ports = sorted(rule["FromPort"] for rule in ingress)
    assert ports == ([80, 443] if stage.config.domain else [80])
    assert all(rule["CidrIp"] == "0.0.0.0/0" for rule in ingress)


def test_waf_applies_aws_managed_rules_in_prod_only(dev: Stage, prod: Stage) -> None:
    dev.template.resource_count_is("AWS::WAFv2::WebACL", 0)
    acl_id, acl = prod.one("AWS::WAFv2::WebACL")
    assert acl["Properties"]["Scope"] == "REGIONAL"
    managed = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for rule in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= managed
    alb_id, _ = prod.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    _, association = prod.one("AWS::WAFv2::WebACLAssociation")
    assert refs(association["Properties"]["ResourceArn"]) == {alb_id}
    assert refs(association["Properties"]["WebACLArn"]) == {acl_id}


def test_load_balancer_deletion_protection_follows_the_stage(dev: Stage, prod: Stage) -> None:
    for stage, expected in ((dev, "false"), (prod, "true")):
        _, alb = stage.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
        attributes = _attributes(alb, "LoadBalancerAttributes")
        assert attributes["deletion_protection.enabled"] == expected
