"""RDS MySQL and the DynamoDB table."""

from __future__ import annotations

import json
from typing import Any

from shipdeck import runtime_contract as contract

from .conftest import Stage, refs, subnets_of_type


def test_database_is_mysql_84_multi_az_encrypted_and_private(stage: Stage) -> None:
    _, db = stage.one("AWS::RDS::DBInstance")
    props = db["Properties"]
    assert props["Engine"] == "mysql"
    assert props["EngineVersion"].startswith("8.4.")
    assert props["MultiAZ"] is True
    assert props["StorageEncrypted"] is True
    assert props["PubliclyAccessible"] is False
    assert props["DBInstanceClass"] == f"db.{stage.config.db_instance_type}"
    assert props["BackupRetentionPeriod"] >= 7
    assert props["BackupRetentionPeriod"] == stage.config.db_backup_days
    (group_id,) = refs(props["DBSubnetGroupName"])
    group = stage.json["Resources"][group_id]["Properties"]
    assert refs(group["SubnetIds"]) == subnets_of_type(stage, "Isolated")


def test_database_credentials_are_generated_into_secrets_manager(stage: Stage) -> None:
    _, db = stage.one("AWS::RDS::DBInstance")
    password = str(db["Properties"]["MasterUserPassword"])
    assert "resolve:secretsmanager" in password
    db_id, _ = stage.one("AWS::RDS::DBInstance")
    _, attachment = stage.one("AWS::SecretsManager::SecretTargetAttachment")
    assert refs(attachment["Properties"]["TargetId"]) == {db_id}
    (secret_id,) = refs(attachment["Properties"]["SecretId"])
    secret = stage.json["Resources"][secret_id]["Properties"]
    generated = secret["GenerateSecretString"]
    assert json.loads(generated["SecretStringTemplate"]) == {"username": "shipdeck"}
    assert generated["GenerateStringKey"] == "password"


def test_database_protection_follows_the_stage(dev: Stage, prod: Stage) -> None:
    _, dev_db = dev.one("AWS::RDS::DBInstance")
    _, prod_db = prod.one("AWS::RDS::DBInstance")
    assert prod_db["Properties"]["DeletionProtection"] is True
    assert prod_db["DeletionPolicy"] == "Snapshot"
    assert prod_db["UpdateReplacePolicy"] == "Snapshot"
    assert dev_db["Properties"]["DeletionProtection"] is False
    assert dev_db["DeletionPolicy"] == "Delete"


def test_database_admits_only_the_api_tasks(stage: Stage) -> None:
    _, db = stage.one("AWS::RDS::DBInstance")
    (db_group,) = refs(db["Properties"]["VPCSecurityGroups"])
    _, service = stage.one("AWS::ECS::Service")
    (task_group,) = refs(
        service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]
    )
    ingress = [
        r["Properties"]
        for r in stage.resources("AWS::EC2::SecurityGroupIngress").values()
        if db_group in refs(r["Properties"]["GroupId"])
    ]
    assert len(ingress) == 1
    assert refs(ingress[0]["SourceSecurityGroupId"]) == {task_group}
    own = stage.json["Resources"][db_group]["Properties"]
    assert "SecurityGroupIngress" not in own
    # The tasks' only other way out besides HTTPS is this database.
    egress = [
        r["Properties"]
        for r in stage.resources("AWS::EC2::SecurityGroupEgress").values()
        if task_group in refs(r["Properties"]["GroupId"])
    ]
    assert [
        refs(e["DestinationSecurityGroupId"]) for e in egress if "DestinationSecurityGroupId" in e
    ] == [{db_group}]


def _key_schema(keys: list[dict[str, str]]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in keys}


def test_table_uses_the_key_schema_the_backend_defines(stage: Stage) -> None:
    _, table = stage.one("AWS::DynamoDB::Table")
    props: dict[str, Any] = table["Properties"]
    schema = contract.TABLE
    assert _key_schema(props["KeySchema"]) == {
        "HASH": schema.partition_key.name,
        "RANGE": schema.sort_key.name,
    }
    declared = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    expected = {schema.partition_key.name: schema.partition_key.type}
    expected[schema.sort_key.name] = schema.sort_key.type
    for index in schema.global_indexes:
        expected[index.partition_key.name] = index.partition_key.type
        expected[index.sort_key.name] = index.sort_key.type
    assert declared == expected
    indexes = {i["IndexName"]: i for i in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {i.name for i in schema.global_indexes}
    for index in schema.global_indexes:
        assert _key_schema(indexes[index.name]["KeySchema"]) == {
            "HASH": index.partition_key.name,
            "RANGE": index.sort_key.name,
        }
        assert indexes[index.name]["Projection"]["ProjectionType"] == "ALL"


def test_table_is_on_demand_with_pitr_and_ttl(stage: Stage) -> None:
    _, table = stage.one("AWS::DynamoDB::Table")
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": contract.TABLE.ttl_attribute,
        "Enabled": True,
    }
    assert "TableName" not in props  # named by CloudFormation


def test_table_protection_follows_the_stage(dev: Stage, prod: Stage) -> None:
    _, dev_table = dev.one("AWS::DynamoDB::Table")
    _, prod_table = prod.one("AWS::DynamoDB::Table")
    assert prod_table["Properties"]["DeletionProtectionEnabled"] is True
    assert prod_table["DeletionPolicy"] == "Retain"
    assert dev_table["Properties"]["DeletionProtectionEnabled"] is False
    assert dev_table["DeletionPolicy"] == "Delete"


def test_a_different_contract_schema_changes_the_table() -> None:
    """The table follows whatever schema it is given: nothing is restated in the infra code."""
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from shipdeck.runtime_contract import GlobalIndex, KeyAttribute, TableSchema
    from shipdeck_infra.table import Table

    schema = TableSchema(
        partition_key=KeyAttribute("id", "S"),
        sort_key=KeyAttribute("n", "N"),
        global_indexes=(GlobalIndex("byx", KeyAttribute("x", "S"), KeyAttribute("y", "B")),),
        ttl_attribute="ttl",
    )
    stack = cdk.Stack(cdk.App())
    Table(stack, "T", protect=False, schema=schema)
    template = Template.from_stack(stack).to_json()
    (table,) = template["Resources"].values()
    assert _key_schema(table["Properties"]["KeySchema"]) == {"HASH": "id", "RANGE": "n"}
    assert table["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "ttl"
    assert table["Properties"]["GlobalSecondaryIndexes"][0]["IndexName"] == "byx"
