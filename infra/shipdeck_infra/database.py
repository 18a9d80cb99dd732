"""RDS MySQL 8.4, Multi-AZ, in the isolated subnets."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from shipdeck_infra._common import acknowledge

DATABASE_NAME = "shipdeck"
DATABASE_USER = "shipdeck"
ENGINE_VERSION = rds.MysqlEngineVersion.VER_8_4_10


class Database(Construct):
    """A synchronous standby in the second AZ (Multi-AZ), storage encryption, credentials
    generated into Secrets Manager. Reachable only from security groups granted with
    `allow_from`; it has no route to the internet."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        instance_type: str,
        allocated_storage_gib: int,
        max_allocated_storage_gib: int,
        backup_days: int,
        protect: bool,
    ) -> None:
        super().__init__(scope, construct_id)

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="Shipdeck database: MySQL from the API tasks only",
            allow_all_outbound=False,
        )
        # The 8.4 LTS line; RDS applies later 8.4 minor releases in the maintenance window
        # (auto_minor_version_upgrade), and CloudFormation leaves an unchanged version alone.
        engine = rds.DatabaseInstanceEngine.mysql(version=ENGINE_VERSION)
        self.instance = rds.DatabaseInstance(
            self,
            "Instance",
            engine=engine,
            instance_type=ec2.InstanceType(instance_type),
            vpc=vpc,
            vpc_subnets=subnets,
            security_groups=[self.security_group],
            multi_az=True,
            storage_encrypted=True,
            storage_type=rds.StorageType.GP3,
            allocated_storage=allocated_storage_gib,
            max_allocated_storage=max_allocated_storage_gib,
            credentials=rds.Credentials.from_generated_secret(DATABASE_USER),
            database_name=DATABASE_NAME,
            backup_retention=cdk.Duration.days(backup_days),
            preferred_backup_window="03:00-04:00",
            preferred_maintenance_window="sun:04:30-sun:05:30",
            auto_minor_version_upgrade=True,
            copy_tags_to_snapshot=True,
            publicly_accessible=False,
            deletion_protection=protect,
            removal_policy=cdk.RemovalPolicy.SNAPSHOT if protect else cdk.RemovalPolicy.DESTROY,
        )
        secret = self.instance.secret
        assert secret is not None  # from_generated_secret always creates one
        self.secret: secretsmanager.ISecret = secret
        self.connections = self.instance.connections

        acknowledge(
            self.instance,
            "AwsSolutions-RDS11",
            "The default MySQL port is kept: the instance sits in isolated subnets with no route "
            "to the internet and its security group admits only the API tasks, so a different "
            "port would add no protection.",
        )
        acknowledge(
            self.instance,
            "AwsSolutions-RDS6",
            "The application authenticates with the generated password from Secrets Manager. IAM "
            "database tokens expire every 15 minutes and cap new connections per second, which "
            "the pooled, failover-recovering driver is not built around.",
        )
        if not protect:
            acknowledge(
                self.instance,
                "AwsSolutions-RDS10",
                "Deletion protection is on in prod; dev is a disposable stage that must be "
                "deletable with its stack.",
            )
        acknowledge(
            self.instance,
            "AwsSolutions-SMG4",
            "ECS injects the password into tasks when they start, so an automatic rotation "
            "would break new connections of running tasks until they are replaced. Rotate by "
            "changing the password and forcing a new deployment (docs/deploy.md).",
        )

    def allow_from(self, peer: ec2.IConnectable, description: str) -> None:
        """Admit `peer` to the MySQL port (the only way in)."""
        self.connections.allow_default_port_from(peer, description)
