"""The DynamoDB table, with the key schema the backend defines (imported, never restated)."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from shipdeck import runtime_contract
from shipdeck.runtime_contract import KeyAttribute, TableSchema
from shipdeck_infra._common import removal_policy

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}


def _attribute(key: KeyAttribute) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=key.name, type=_TYPES[key.type])


class Table(Construct):
    """Sessions, counters, timeline events and conversations: one on-demand table with PITR and
    TTL. Its keys, index and TTL attribute come from `shipdeck.runtime_contract.TABLE`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        protect: bool,
        schema: TableSchema = runtime_contract.TABLE,
    ) -> None:
        super().__init__(scope, construct_id)
        self.schema = schema
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_attribute(schema.partition_key),
            sort_key=_attribute(schema.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=schema.ttl_attribute,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=protect,
            removal_policy=removal_policy(protect=protect),
        )
        for index in schema.global_indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_attribute(index.partition_key),
                sort_key=_attribute(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        cfn_table = self.table.node.default_child
        assert isinstance(cfn_table, dynamodb.CfnTable)
        self.cfn_table = cfn_table
