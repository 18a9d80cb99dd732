"""The API on ECS Fargate: cluster, task definition, service and its auto scaling."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from shipdeck import runtime_contract as contract
from shipdeck_infra._common import acknowledge, removal_policy, retention

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = "backend/Dockerfile"
IMAGE_TARGET = "runtime"

# Time for a new task to migrate (first task of a deploy), start and pass two readiness checks
# before the load balancer's verdict counts against it.
HEALTH_CHECK_GRACE_SECONDS = 90
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300
SCRATCH_DIR = "/tmp"  # noqa: S108 - a per-task scratch volume; the root filesystem is read-only
DATA_DIR = f"{SCRATCH_DIR}/shipdeck"

# The liveness probe, run inside the container (the slim image has no curl).
LIVENESS_PROBE = (
    "import sys, urllib.request; "
    f"sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:{contract.CONTAINER_PORT}"
    f"{contract.LIVENESS_PATH}', timeout=3).status == 200 else 1)"
)


@dataclass(frozen=True, kw_only=True)
class ApiEndpoints:
    """Where the API is reached and who may call it from a browser."""

    public_url: str
    allowed_origins: list[str]
    https: bool


@dataclass(frozen=True, kw_only=True)
class ApiSecrets:
    database: secretsmanager.ISecret  # the RDS generated secret (host, port, username, password)
    deepseek_api_key: secretsmanager.ISecret
    sleakops_api_key: secretsmanager.ISecret


@dataclass(frozen=True, kw_only=True)
class Capacity:
    cpu: int
    memory_mib: int
    min_tasks: int
    max_tasks: int
    cpu_target_percent: int
    requests_per_target_per_minute: int


class ApiService(Construct):
    """Tasks run in the private subnets of both AZs behind the load balancer's target group.

    Deployments are rolling with minimum healthy 100 % and maximum 200 %, so capacity never
    drops, and the deployment circuit breaker rolls back a revision whose tasks do not become
    healthy. Each task starts a non-essential `migrate` container (`shipdeck db upgrade`) and
    the API container only after it exits successfully; the app serializes migrations with a
    MySQL lock, so the first task of a deploy migrates and the others find the schema current.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        target_group: elbv2.ApplicationTargetGroup,
        table: dynamodb.ITable,
        database_name: str,
        secrets: ApiSecrets,
        endpoints: ApiEndpoints,
        trusted_proxies: list[str],
        deepseek_base_url: str,
        sleakops_base_url: str,
        capacity: Capacity,
        log_retention_days: int,
        protect_logs: bool,
    ) -> None:
        super().__init__(scope, construct_id)

        self.cluster = ecs.Cluster(
            self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED
        )

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=retention(log_retention_days),
            removal_policy=removal_policy(protect=protect_logs),
        )

        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "Task",
            cpu=capacity.cpu,
            memory_limit_mib=capacity.memory_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
            volumes=[ecs.Volume(name="scratch")],
        )
        self.task_role = self.task_definition.task_role

        self.image = ecs.ContainerImage.from_asset(
            str(REPOSITORY_ROOT),
            file=DOCKERFILE,
            target=IMAGE_TARGET,
            platform=ecr_assets.Platform.LINUX_AMD64,
            ignore_mode=cdk.IgnoreMode.DOCKER,
        )

        environment = {
            "SHIPDECK_ENVIRONMENT": stage,
            "SHIPDECK_LOG_FORMAT": "json",
            "SHIPDECK_DATA_DIR": DATA_DIR,
            "SHIPDECK_HTTP_HOST": "0.0.0.0",  # noqa: S104 - inside the task's own network namespace
            "SHIPDECK_HTTP_PORT": str(contract.CONTAINER_PORT),
            "SHIPDECK_HTTP_PUBLIC_URL": endpoints.public_url,
            "SHIPDECK_HTTP_ALLOWED_ORIGINS": cdk.Stack.of(self).to_json_string(
                endpoints.allowed_origins
            ),
            "SHIPDECK_HTTP_TRUSTED_PROXIES": cdk.Stack.of(self).to_json_string(trusted_proxies),
            "SHIPDECK_AUTH_COOKIE_SECURE": "true" if endpoints.https else "false",
            "SHIPDECK_DATABASE_NAME": database_name,
            # The `migrate` container runs the migrations before the API starts.
            "SHIPDECK_DATABASE_MIGRATE_ON_START": "false",
            "SHIPDECK_DYNAMODB_TABLE_NAME": table.table_name,
            "SHIPDECK_DYNAMODB_REGION": cdk.Stack.of(self).region,
            "SHIPDECK_DEEPSEEK_BASE_URL": deepseek_base_url,
            "SHIPDECK_SLEAKOPS_BASE_URL": sleakops_base_url,
        }
        container_secrets = {
            "SHIPDECK_DATABASE_HOST": ecs.Secret.from_secrets_manager(secrets.database, "host"),
            "SHIPDECK_DATABASE_PORT": ecs.Secret.from_secrets_manager(secrets.database, "port"),
            "SHIPDECK_DATABASE_USER": ecs.Secret.from_secrets_manager(secrets.database, "username"),
            "SHIPDECK_DATABASE_PASSWORD": ecs.Secret.from_secrets_manager(
                secrets.database, "password"
            ),
            "SHIPDECK_DEEPSEEK_API_KEY": ecs.Secret.from_secrets_manager(secrets.deepseek_api_key),
            "SHIPDECK_SLEAKOPS_API_KEY": ecs.Secret.from_secrets_manager(secrets.sleakops_api_key),
        }
        self.environment = environment
        self.secret_names = sorted(container_secrets)

        def log_driver(prefix: str) -> ecs.LogDriver:
            return ecs.LogDrivers.aws_logs(
                stream_prefix=prefix,
                log_group=self.log_group,
                mode=ecs.AwsLogDriverMode.NON_BLOCKING,
                max_buffer_size=cdk.Size.mebibytes(25),
            )

        self.migrate_container = self.task_definition.add_container(
            "migrate",
            image=self.image,
            command=["db", "upgrade"],
            essential=False,
            environment=environment,
            secrets=container_secrets,
            logging=log_driver("migrate"),
            readonly_root_filesystem=True,
            linux_parameters=ecs.LinuxParameters(self, "MigrateLinux", init_process_enabled=True),
        )
        self.container = self.task_definition.add_container(
            "api",
            image=self.image,
            command=["serve"],
            essential=True,
            environment=environment,
            secrets=container_secrets,
            logging=log_driver("api"),
            port_mappings=[ecs.PortMapping(container_port=contract.CONTAINER_PORT, name="http")],
            health_check=ecs.HealthCheck(
                command=["CMD", "python", "-c", LIVENESS_PROBE],
                interval=cdk.Duration.seconds(15),
                timeout=cdk.Duration.seconds(5),
                retries=3,
                start_period=cdk.Duration.seconds(30),
            ),
            # SIGTERM, then this long to fail readiness, finish requests and close SSE streams
            # before SIGKILL.
            stop_timeout=cdk.Duration.seconds(contract.TASK_STOP_TIMEOUT_SECONDS),
            readonly_root_filesystem=True,
            # A tiny init as PID 1 forwards SIGTERM to the app and reaps its children.
            linux_parameters=ecs.LinuxParameters(self, "ApiLinux", init_process_enabled=True),
        )
        for container in (self.migrate_container, self.container):
            container.add_mount_points(
                ecs.MountPoint(container_path=SCRATCH_DIR, source_volume="scratch", read_only=False)
            )
        self.container.add_container_dependencies(
            ecs.ContainerDependency(
                container=self.migrate_container,
                condition=ecs.ContainerDependencyCondition.SUCCESS,
            )
        )

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="Shipdeck API tasks: from the load balancer; out to HTTPS and MySQL",
            allow_all_outbound=False,
        )
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(),
            ec2.Port.tcp(443),
            "HTTPS: DeepSeek and SleakOps through the NAT, AWS APIs, DynamoDB via its endpoint",
        )

        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=self.cluster,
            task_definition=self.task_definition,
            vpc_subnets=subnets,
            security_groups=[self.security_group],
            assign_public_ip=False,
            desired_count=capacity.min_tasks,
            min_healthy_percent=100,
            max_healthy_percent=200,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            health_check_grace_period=cdk.Duration.seconds(HEALTH_CHECK_GRACE_SECONDS),
            availability_zone_rebalancing=ecs.AvailabilityZoneRebalancing.ENABLED,
            platform_version=ecs.FargatePlatformVersion.LATEST,
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
        )
        self.service.attach_to_application_target_group(target_group)

        self.scaling = self.service.auto_scale_task_count(
            min_capacity=capacity.min_tasks, max_capacity=capacity.max_tasks
        )
        self.scaling.scale_on_cpu_utilization(
            "Cpu",
            target_utilization_percent=capacity.cpu_target_percent,
            scale_out_cooldown=cdk.Duration.seconds(SCALE_OUT_COOLDOWN_SECONDS),
            scale_in_cooldown=cdk.Duration.seconds(SCALE_IN_COOLDOWN_SECONDS),
        )
        self.scaling.scale_on_request_count(
            "Requests",
            requests_per_target=capacity.requests_per_target_per_minute,
            target_group=target_group,
            scale_out_cooldown=cdk.Duration.seconds(SCALE_OUT_COOLDOWN_SECONDS),
            scale_in_cooldown=cdk.Duration.seconds(SCALE_IN_COOLDOWN_SECONDS),
        )

        execution_role = self.task_definition.execution_role
        assert execution_role is not None  # Fargate task definitions always have one
        acknowledge(
            execution_role,
            "AwsSolutions-IAM5[Resource::*]",
            "ecr:GetAuthorizationToken has no resource-level permissions: AWS only accepts '*' "
            "for it. Pulling layers is limited to the CDK assets repository, logs to this "
            "service's log group, secrets to the three the task reads.",
        )
        acknowledge(
            self.task_definition,
            "AwsSolutions-ECS2",
            "The environment holds only non-secret configuration (stage, URLs, table name, "
            "flags); every credential is injected from Secrets Manager through `secrets`.",
        )
