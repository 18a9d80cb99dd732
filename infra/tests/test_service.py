"""The API service on ECS Fargate."""

from __future__ import annotations

import json
from typing import Any

from shipdeck import runtime_contract as contract
from shipdeck_infra.service import DOCKERFILE, HEALTH_CHECK_GRACE_SECONDS, IMAGE_TARGET

from .conftest import Stage, refs, subnets_of_type
from .settings_names import settings_field


def _containers(stage: Stage) -> dict[str, dict[str, Any]]:
    _, task = stage.one("AWS::ECS::TaskDefinition")
    return {c["Name"]: c for c in task["Properties"]["ContainerDefinitions"]}


def test_cluster_has_container_insights(stage: Stage) -> None:
    _, cluster = stage.one("AWS::ECS::Cluster")
    assert {"Name": "containerInsights", "Value": "enabled"} in cluster["Properties"][
        "ClusterSettings"
    ]


def test_service_runs_at_least_two_fargate_tasks_in_private_subnets_of_both_zones(
    stage: Stage,
) -> None:
    _, service = stage.one("AWS::ECS::Service")
    props = service["Properties"]
    assert props["LaunchType"] == "FARGATE"
    assert props["DesiredCount"] >= 2
    network = props["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert refs(network["Subnets"]) == subnets_of_type(stage, "Private")
    assert props["AvailabilityZoneRebalancing"] == "ENABLED"


def test_deployments_keep_full_capacity_and_roll_back_on_failure(stage: Stage) -> None:
    _, service = stage.one("AWS::ECS::Service")
    deployment = service["Properties"]["DeploymentConfiguration"]
    assert deployment["MinimumHealthyPercent"] == 100
    assert deployment["MaximumPercent"] == 200
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert service["Properties"]["HealthCheckGracePeriodSeconds"] == HEALTH_CHECK_GRACE_SECONDS


def test_service_is_registered_in_the_load_balancer_target_group(stage: Stage) -> None:
    group_id, _ = stage.one("AWS::ElasticLoadBalancingV2::TargetGroup")
    _, service = stage.one("AWS::ECS::Service")
    (registration,) = service["Properties"]["LoadBalancers"]
    assert registration["ContainerName"] == "api"
    assert registration["ContainerPort"] == contract.CONTAINER_PORT
    assert refs(registration["TargetGroupArn"]) == {group_id}


def test_auto_scaling_tracks_cpu_and_requests_per_target(stage: Stage) -> None:
    _, target = stage.one("AWS::ApplicationAutoScaling::ScalableTarget")
    assert target["Properties"]["MinCapacity"] == 2
    assert target["Properties"]["MaxCapacity"] == stage.config.max_tasks
    assert target["Properties"]["ScalableDimension"] == "ecs:service:DesiredCount"
    policies = {
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"][
            "PredefinedMetricSpecification"
        ]["PredefinedMetricType"]: p["Properties"]["TargetTrackingScalingPolicyConfiguration"]
        for p in stage.resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()
    }
    assert set(policies) == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    assert policies["ECSServiceAverageCPUUtilization"]["TargetValue"] == (
        stage.config.cpu_target_percent
    )
    requests = policies["ALBRequestCountPerTarget"]
    assert requests["TargetValue"] == stage.config.requests_per_target_per_minute
    group_id, _ = stage.one("AWS::ElasticLoadBalancingV2::TargetGroup")
    label = requests["PredefinedMetricSpecification"]["ResourceLabel"]
    assert group_id in refs(label)


def test_max_tasks_differ_per_stage(dev: Stage, prod: Stage) -> None:
    assert dev.config.max_tasks < prod.config.max_tasks


def test_api_container_drains_within_its_stop_timeout(stage: Stage) -> None:
    api = _containers(stage)["api"]
    assert api["StopTimeout"] == contract.TASK_STOP_TIMEOUT_SECONDS
    assert api["StopTimeout"] > contract.DRAIN_SECONDS + contract.GRACEFUL_SHUTDOWN_SECONDS
    assert api["PortMappings"][0]["ContainerPort"] == contract.CONTAINER_PORT
    assert api["Essential"] is True
    assert api["Command"] == ["serve"]
    assert api["LinuxParameters"]["InitProcessEnabled"] is True
    assert api["ReadonlyRootFilesystem"] is True
    probe = " ".join(api["HealthCheck"]["Command"])
    assert f":{contract.CONTAINER_PORT}{contract.LIVENESS_PATH}" in probe


def test_migrations_run_once_before_the_api_starts(stage: Stage) -> None:
    containers = _containers(stage)
    migrate = containers["migrate"]
    assert migrate["Command"] == ["db", "upgrade"]
    assert migrate["Essential"] is False
    assert containers["api"]["DependsOn"] == [{"ContainerName": "migrate", "Condition": "SUCCESS"}]
    env = {e["Name"]: e["Value"] for e in containers["api"]["Environment"]}
    assert env["SHIPDECK_DATABASE_MIGRATE_ON_START"] == "false"


def test_image_is_built_from_the_backend_dockerfile_asset(stage: Stage) -> None:
    (image,) = stage.assets["dockerImages"].values()
    source = image["source"]
    assert source["dockerFile"] == DOCKERFILE
    assert source["dockerBuildTarget"] == IMAGE_TARGET
    assert source["platform"] == "linux/amd64"
    for container in _containers(stage).values():
        assert "container-assets" in json.dumps(container["Image"])


def test_staged_image_context_holds_only_what_the_build_needs(synthesis: Any) -> None:
    (context,) = [p for p in synthesis.outdir.iterdir() if p.name.startswith("asset.")]
    files = {str(p.relative_to(context)) for p in context.rglob("*") if p.is_file()}
    assert {"uv.lock", "pyproject.toml", "backend/Dockerfile", "backend/pyproject.toml"} <= files
    assert not any(
        f.startswith((".venv", "infra/shipdeck_infra", "frontend", "docs", ".git/")) for f in files
    )


def test_secrets_are_injected_from_secrets_manager(stage: Stage) -> None:
    secret_ids = set(stage.resources("AWS::SecretsManager::Secret"))
    attachment_id, _ = stage.one("AWS::SecretsManager::SecretTargetAttachment")
    for container in _containers(stage).values():
        secrets = {s["Name"]: s["ValueFrom"] for s in container["Secrets"]}
        assert set(secrets) == {
            "SHIPDECK_DATABASE_HOST",
            "SHIPDECK_DATABASE_PORT",
            "SHIPDECK_DATABASE_USER",
            "SHIPDECK_DATABASE_PASSWORD",
            "SHIPDECK_DEEPSEEK_API_KEY",
            "SHIPDECK_SLEAKOPS_API_KEY",
        }
        for name, value_from in secrets.items():
            assert refs(value_from) <= secret_ids | {attachment_id}, name
        password = json.dumps(secrets["SHIPDECK_DATABASE_PASSWORD"])
        assert ":password::" in password
        # No credential travels as a plain environment variable.
        names = {e["Name"] for e in container["Environment"]}
        assert not names & set(secrets)
        assert not [n for n in names if n.endswith(("PASSWORD", "API_KEY", "SECRET_ACCESS_KEY"))]


def test_every_variable_given_to_the_container_is_read_by_the_backend_settings(
    stage: Stage,
) -> None:
    for container in _containers(stage).values():
        names = [e["Name"] for e in container["Environment"]] + [
            s["Name"] for s in container["Secrets"]
        ]
        unknown = [n for n in names if settings_field(n) is None]
        assert not unknown, f"Settings ignores {unknown}"


def test_environment_points_the_app_at_its_table_region_and_origins(stage: Stage) -> None:
    env = {e["Name"]: e["Value"] for e in _containers(stage)["api"]["Environment"]}
    table_id, _ = stage.one("AWS::DynamoDB::Table")
    assert refs(env["SHIPDECK_DYNAMODB_TABLE_NAME"]) == {table_id}
    assert env["SHIPDECK_DYNAMODB_REGION"] == stage.config.region
    assert env["SHIPDECK_ENVIRONMENT"] == stage.config.name
    assert env["SHIPDECK_LOG_FORMAT"] == "json"
    assert env["SHIPDECK_HTTP_PORT"] == str(contract.CONTAINER_PORT)
    assert json.loads(env["SHIPDECK_HTTP_TRUSTED_PROXIES"]) == [stage.config.vpc_cidr]
    if stage.config.domain:
        assert env["SHIPDECK_HTTP_PUBLIC_URL"] == f"https://{stage.config.domain.api_host}"
        assert json.loads(env["SHIPDECK_HTTP_ALLOWED_ORIGINS"]) == [
            f"https://{stage.config.domain.app_host}"
        ]
        assert env["SHIPDECK_AUTH_COOKIE_SECURE"] == "true"
    else:
        app_id, _ = stage.one("AWS::Amplify::App")
        assert app_id in refs(env["SHIPDECK_HTTP_ALLOWED_ORIGINS"])


def _policies_of(stage: Stage, role_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in stage.resources("AWS::IAM::Policy").values()
        if role_id in refs(policy["Properties"]["Roles"])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_task_role_reaches_only_its_own_table(stage: Stage) -> None:
    _, task = stage.one("AWS::ECS::TaskDefinition")
    (role_id,) = refs(task["Properties"]["TaskRoleArn"])
    table_id, _ = stage.one("AWS::DynamoDB::Table")
    statements = _policies_of(stage, role_id)
    assert statements
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert all(a.startswith("dynamodb:") for a in statement["Action"])
        assert "dynamodb:CreateTable" not in statement["Action"]
        assert "dynamodb:*" not in statement["Action"]
        resources = statement["Resource"]
        assert "*" not in resources
        assert refs(resources) == {table_id}
    role = stage.json["Resources"][role_id]["Properties"]
    assert "ManagedPolicyArns" not in role


def test_execution_role_reads_exactly_the_task_secrets(stage: Stage) -> None:
    _, task = stage.one("AWS::ECS::TaskDefinition")
    (role_id,) = refs(task["Properties"]["ExecutionRoleArn"])
    for statement in _policies_of(stage, role_id):
        if statement["Resource"] == "*":
            assert statement["Action"] == "ecr:GetAuthorizationToken"
    secret_statements = [
        s for s in _policies_of(stage, role_id) if "secretsmanager:GetSecretValue" in s["Action"]
    ]
    (statement,) = secret_statements
    attachment_id, attachment = stage.one("AWS::SecretsManager::SecretTargetAttachment")
    database_secret = refs(attachment["Properties"]["SecretId"])
    api_keys = set(stage.resources("AWS::SecretsManager::Secret")) - database_secret
    assert len(api_keys) == 2
    # The database secret is read through its attachment (the ARN with host and port).
    assert refs(statement["Resource"]) == api_keys | {attachment_id}


def test_logs_go_to_a_group_with_the_stage_retention(stage: Stage) -> None:
    for container in _containers(stage).values():
        log = container["LogConfiguration"]
        assert log["LogDriver"] == "awslogs"
        (group_id,) = refs(log["Options"]["awslogs-group"])
        group = stage.json["Resources"][group_id]["Properties"]
        assert group["RetentionInDays"] == stage.config.log_retention_days


def test_task_security_group_admits_only_the_load_balancer(stage: Stage) -> None:
    _, service = stage.one("AWS::ECS::Service")
    (task_group,) = refs(
        service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]
    )
    _, alb = stage.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    (alb_group,) = refs(alb["Properties"]["SecurityGroups"])
    ingress = [
        r["Properties"]
        for r in stage.resources("AWS::EC2::SecurityGroupIngress").values()
        if task_group in refs(r["Properties"]["GroupId"])
    ]
    assert len(ingress) == 1
    assert refs(ingress[0]["SourceSecurityGroupId"]) == {alb_group}
    assert ingress[0]["FromPort"] == ingress[0]["ToPort"] == contract.CONTAINER_PORT
    own = stage.json["Resources"][task_group]["Properties"]
    assert "SecurityGroupIngress" not in own
    assert [r["FromPort"] for r in own["SecurityGroupEgress"]] == [443]


def test_task_sizes_follow_the_stage(stage: Stage) -> None:
    _, task = stage.one("AWS::ECS::TaskDefinition")
    assert task["Properties"]["Cpu"] == str(stage.config.task_cpu)
    assert task["Properties"]["Memory"] == str(stage.config.task_memory_mib)
    assert task["Properties"]["RequiresCompatibilities"] == ["FARGATE"]
