"""The VPC: two availability zones, three tiers of subnets, NAT for egress, flow logs."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from shipdeck_infra._common import removal_policy, retention

AVAILABILITY_ZONES = 2


class Network(Construct):
    """Public subnets hold the load balancer and the NAT gateways, private subnets (egress through
    NAT) hold the API tasks, isolated subnets (no route out) hold the database. DynamoDB traffic
    leaves through a gateway endpoint instead of the NAT."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cidr: str,
        nat_gateways: int,
        log_retention_days: int,
        protect_logs: bool,
    ) -> None:
        super().__init__(scope, construct_id)

        self.flow_log_group = logs.LogGroup(
            self,
            "FlowLogs",
            retention=retention(log_retention_days),
            removal_policy=removal_policy(protect=protect_logs),
        )

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=AVAILABILITY_ZONES,
            nat_gateways=nat_gateways,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24
                ),
                ec2.SubnetConfiguration(
                    name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=20
                ),
                ec2.SubnetConfiguration(
                    name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            gateway_endpoints={
                "DynamoDB": ec2.GatewayVpcEndpointOptions(
                    service=ec2.GatewayVpcEndpointAwsService.DYNAMODB,
                    subnets=[ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)],
                )
            },
            flow_logs={
                "FlowLog": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(self.flow_log_group),
                    traffic_type=ec2.FlowLogTrafficType.ALL,
                )
            },
            # Locking down the default security group needs a Lambda-backed custom resource;
            # nothing here is ever placed in the default group, every resource has its own.
            restrict_default_security_group=False,
        )
        self.public_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
        self.private_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.isolated_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
