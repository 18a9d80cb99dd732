"""One stage of Shipdeck: every part of the architecture diagram, wired together."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from shipdeck_infra._common import acknowledge
from shipdeck_infra.config import StageConfig
from shipdeck_infra.database import DATABASE_NAME, Database
from shipdeck_infra.dns import Dns
from shipdeck_infra.frontend import Frontend
from shipdeck_infra.load_balancer import LoadBalancer
from shipdeck_infra.network import Network
from shipdeck_infra.observability import Observability
from shipdeck_infra.secrets import ExternalApiKeys
from shipdeck_infra.service import ApiEndpoints, ApiSecrets, ApiService, Capacity
from shipdeck_infra.table import Table


class ShipdeckStack(cdk.Stack):
    """Network, edge (DNS, load balancer, WAF), the API service, both databases, the web app and
    observability for one stage. Parts meet here: grants and security-group rules are made in
    this class, where both sides are in view."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(
            scope,
            construct_id,
            env=cdk.Environment(account=config.account, region=config.region),
            description=f"Shipdeck release console ({config.name})",
            termination_protection=config.protect_data,
        )
        self.config = config
        cdk.Tags.of(self).add("shipdeck:stage", config.name)

        self.network = Network(
            self,
            "Network",
            cidr=config.vpc_cidr,
            nat_gateways=config.nat_gateways,
            log_retention_days=config.log_retention_days,
            protect_logs=config.protect_data,
        )
        vpc = self.network.vpc

        self.dns = Dns(self, "Dns", domain=config.domain) if config.domain else None

        self.load_balancer = LoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            subnets=self.network.public_subnets,
            certificate=self.dns.api_certificate if self.dns else None,
            waf=config.waf,
            protect=config.protect_data,
        )
        if config.domain:
            api_url = f"https://{config.domain.api_host}"
        else:
            api_url = f"http://{self.load_balancer.dns_name}"

        self.frontend = Frontend(
            self,
            "Frontend",
            api_url=api_url,
            repository=config.frontend_repository,
            domain=config.domain,
            production=config.name == "prod",
        )

        self.table = Table(self, "Table", protect=config.protect_data)
        self.database = Database(
            self,
            "Database",
            vpc=vpc,
            subnets=self.network.isolated_subnets,
            instance_type=config.db_instance_type,
            allocated_storage_gib=config.db_allocated_storage_gib,
            max_allocated_storage_gib=config.db_max_allocated_storage_gib,
            backup_days=config.db_backup_days,
            protect=config.protect_data,
        )
        self.api_keys = ExternalApiKeys(self, "ExternalApiKeys")

        self.api = ApiService(
            self,
            "Api",
            stage=config.name,
            vpc=vpc,
            subnets=self.network.private_subnets,
            target_group=self.load_balancer.target_group,
            table=self.table.table,
            database_name=DATABASE_NAME,
            secrets=ApiSecrets(
                database=self.database.secret,
                deepseek_api_key=self.api_keys.deepseek,
                sleakops_api_key=self.api_keys.sleakops,
            ),
            endpoints=ApiEndpoints(
                public_url=api_url,
                allowed_origins=[self.frontend.url],
                https=self.load_balancer.https,
            ),
            # The load balancer's nodes live in the VPC's public subnets; only their
            # X-Forwarded-For is believed.
            trusted_proxies=[config.vpc_cidr],
            deepseek_base_url=config.deepseek_base_url,
            sleakops_base_url=config.sleakops_base_url,
            capacity=Capacity(
                cpu=config.task_cpu,
                memory_mib=config.task_memory_mib,
                min_tasks=config.min_tasks,
                max_tasks=config.max_tasks,
                cpu_target_percent=config.cpu_target_percent,
                requests_per_target_per_minute=config.requests_per_target_per_minute,
            ),
            log_retention_days=config.log_retention_days,
            protect_logs=config.protect_data,
        )

        # Where the parts meet.
        self.table.table.grant_read_write_data(self.api.task_role)
        table_id = self.resolve(self.table.cfn_table.logical_id)
        acknowledge(
            self.api.task_role,
            f"AwsSolutions-IAM5[Resource::<{table_id}.Arn>/index/*]",
            "The wildcard covers the indexes of Shipdeck's own table only (the timeline and "
            "conversation queries use its GSI); no other table is reachable.",
        )
        self.database.allow_from(self.api.service, "MySQL from the API tasks")
        if self.dns:
            self.dns.point_api_at(self.load_balancer.alb)

        self.observability = Observability(
            self,
            "Observability",
            load_balancer=self.load_balancer.alb,
            target_group=self.load_balancer.target_group,
            service=self.api.service,
            cluster=self.api.cluster,
            database=self.database.instance,
            database_storage_gib=config.db_allocated_storage_gib,
            table=self.table.table,
        )

        cdk.CfnOutput(self, "ApiUrl", value=api_url, description="The API's public URL")
        cdk.CfnOutput(
            self,
            "LoadBalancerDnsName",
            value=self.load_balancer.dns_name,
            description="The load balancer's own DNS name",
        )
        cdk.CfnOutput(self, "AppUrl", value=self.frontend.url, description="The web app's URL")
        cdk.CfnOutput(
            self,
            "AmplifyDefaultUrl",
            value=self.frontend.default_url,
            description="The web app on Amplify's default domain",
        )
        cdk.CfnOutput(self, "AmplifyAppId", value=self.frontend.app.attr_app_id)
        cdk.CfnOutput(
            self,
            "DeepSeekApiKeySecretArn",
            value=self.api_keys.deepseek.secret_arn,
            description="Store the DeepSeek API key here before the first deploy's tasks start",
        )
        cdk.CfnOutput(
            self,
            "SleakOpsApiKeySecretArn",
            value=self.api_keys.sleakops.secret_arn,
            description="Store the SleakOps API key here",
        )
        cdk.CfnOutput(self, "DatabaseSecretArn", value=self.database.secret.secret_arn)
        cdk.CfnOutput(self, "ClusterName", value=self.api.cluster.cluster_name)
        cdk.CfnOutput(self, "ServiceName", value=self.api.service.service_name)
        cdk.CfnOutput(self, "DashboardName", value=self.observability.dashboard.dashboard_name)
        cdk.CfnOutput(self, "AlarmTopicArn", value=self.observability.topic.topic_arn)
