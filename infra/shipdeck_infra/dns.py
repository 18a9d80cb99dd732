"""Route 53: the hosted zone, the API's certificate and its alias record."""

from __future__ import annotations

from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from constructs import Construct

from shipdeck_infra.config import DomainConfig


class Dns(Construct):
    """Uses an existing public hosted zone (by id, so synthesis needs no lookup). Creates the ACM
    certificate for `api.<domain>`, validated by DNS in that zone, and, once the load balancer
    exists, the `api.<domain>` alias to it. `app.<domain>` belongs to Amplify (see Frontend)."""

    def __init__(self, scope: Construct, construct_id: str, *, domain: DomainConfig) -> None:
        super().__init__(scope, construct_id)
        self.domain = domain
        self.zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=domain.hosted_zone_id, zone_name=domain.name
        )
        self.api_certificate = acm.Certificate(
            self,
            "ApiCertificate",
            domain_name=domain.api_host,
            validation=acm.CertificateValidation.from_dns(self.zone),
        )
        self.api_record: route53.ARecord | None = None

    def point_api_at(self, load_balancer: elbv2.IApplicationLoadBalancer) -> route53.ARecord:
        self.api_record = route53.ARecord(
            self,
            "ApiAlias",
            zone=self.zone,
            record_name=self.domain.api_host,
            target=route53.RecordTarget.from_alias(targets.LoadBalancerTarget(load_balancer)),
        )
        return self.api_record
