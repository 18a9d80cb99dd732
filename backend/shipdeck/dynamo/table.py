"""The single DynamoDB table, reached through a small port.

`Table` is what features use; `DynamoTable` speaks the DynamoDB API through aiobotocore, so the
same code runs against AWS, the local DynamoDB-API server and the test server. Every transport
failure becomes `DynamoUnavailable` (503) quickly: timeouts are short and retries few.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import AsyncExitStack
from decimal import Decimal
from typing import Any, Protocol

import aioboto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shipdeck.errors import DynamoUnavailable
from shipdeck.runtime_contract import TABLE, TableSchema
from shipdeck.settings import DynamoDBSettings

Item = dict[str, Any]
Key = dict[str, Any]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Errors DynamoDB answers that mean "not now" rather than "you are wrong".
_UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "ResourceNotFoundException",
}


class ConditionFailed(Exception):
    """A conditional write did not apply (the item exists, the counter is over its limit…)."""


class Table(Protocol):
    async def get(self, pk: str, sk: str, *, consistent: bool = False) -> Item | None: ...

    async def put(
        self,
        item: Item,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None: ...

    async def update(
        self,
        pk: str,
        sk: str,
        *,
        expression: str,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        condition: str | None = None,
    ) -> Item: ...

    async def delete(self, pk: str, sk: str) -> None: ...

    async def query(
        self,
        *,
        key_condition: str,
        values: Mapping[str, Any],
        names: Mapping[str, str] | None = None,
        index: str | None = None,
        limit: int | None = None,
        forward: bool = True,
        start_key: Key | None = None,
        consistent: bool = False,
    ) -> tuple[list[Item], Key | None]: ...

    async def ping(self) -> None: ...


def to_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def from_dynamo(item: Mapping[str, Any]) -> Item:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, set):
        return {_plain(v) for v in value}
    return value


def _values(values: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in (values or {}).items()}


def _expressions(
    condition: str | None, names: Mapping[str, str] | None, values: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The optional expression arguments of a write, only those given (DynamoDB rejects empty
    ones)."""
    kwargs: dict[str, Any] = {}
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if values:
        kwargs["ExpressionAttributeValues"] = _values(values)
    return kwargs


class DynamoTable:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self.name = table_name

    async def get(self, pk: str, sk: str, *, consistent: bool = False) -> Item | None:
        async with _translate():
            response = await self._client.get_item(
                TableName=self.name, Key=to_dynamo({"pk": pk, "sk": sk}), ConsistentRead=consistent
            )
        raw = response.get("Item")
        return from_dynamo(raw) if raw else None

    async def put(
        self,
        item: Item,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        kwargs = _expressions(condition, names, values)
        async with _translate():
            await self._client.put_item(TableName=self.name, Item=to_dynamo(item), **kwargs)

    async def update(
        self,
        pk: str,
        sk: str,
        *,
        expression: str,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        condition: str | None = None,
    ) -> Item:
        async with _translate():
            response = await self._client.update_item(
                TableName=self.name,
                Key=to_dynamo({"pk": pk, "sk": sk}),
                UpdateExpression=expression,
                ReturnValues="ALL_NEW",
                **_expressions(condition, names, values),
            )
        return from_dynamo(response.get("Attributes", {}))

    async def delete(self, pk: str, sk: str) -> None:
        async with _translate():
            await self._client.delete_item(TableName=self.name, Key=to_dynamo({"pk": pk, "sk": sk}))

    async def query(
        self,
        *,
        key_condition: str,
        values: Mapping[str, Any],
        names: Mapping[str, str] | None = None,
        index: str | None = None,
        limit: int | None = None,
        forward: bool = True,
        start_key: Key | None = None,
        consistent: bool = False,
    ) -> tuple[list[Item], Key | None]:
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": _values(values),
            "ScanIndexForward": forward,
        }
        if names:
            kwargs["ExpressionAttributeNames"] = dict(names)
        if index:
            kwargs["IndexName"] = index
        elif consistent:
            kwargs["ConsistentRead"] = True
        if limit:
            kwargs["Limit"] = limit
        if start_key:
            kwargs["ExclusiveStartKey"] = to_dynamo(start_key)
        async with _translate():
            response = await self._client.query(**kwargs)
        items = [from_dynamo(i) for i in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return items, (from_dynamo(last) if last else None)

    async def ping(self) -> None:
        # A read of a key that never exists: cheap, and proves both the endpoint and the table.
        await self.get("PING", "PING")


class _translate:
    """Maps transport and server-side failures to DynamoUnavailable, and failed conditions to
    ConditionFailed; lets client mistakes (validation errors) surface as bugs."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None:
            return False
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise ConditionFailed(code) from exc
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in _UNAVAILABLE_CODES or status >= 500:
                raise DynamoUnavailable(details={"reason": code or str(status)}) from exc
            return False
        if isinstance(exc, BotoCoreError | OSError | asyncio.TimeoutError):
            raise DynamoUnavailable(details={"reason": type(exc).__name__}) from exc
        return False


async def open_client(settings: DynamoDBSettings, stack: AsyncExitStack) -> Any:
    """An aiobotocore DynamoDB client whose lifetime is the given exit stack's."""
    session = aioboto3.Session()
    config = Config(
        connect_timeout=settings.connect_timeout_seconds,
        read_timeout=settings.read_timeout_seconds,
        # botocore's `max_attempts` counts retries after the first try; `total_max_attempts`
        # counts every try, which is what the setting means.
        retries={"total_max_attempts": settings.max_attempts, "mode": "standard"},
        max_pool_connections=50,
    )
    kwargs: dict[str, Any] = {"region_name": settings.region, "config": config}
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    if settings.access_key_id:
        kwargs["aws_access_key_id"] = settings.access_key_id
        kwargs["aws_secret_access_key"] = settings.secret_access_key.get_secret_value()
    return await stack.enter_async_context(session.client("dynamodb", **kwargs))


async def create_table(
    client: Any, table_name: str, schema: TableSchema = TABLE, *, wait_seconds: float = 30
) -> bool:
    """Creates the table if it does not exist (local run and tests; AWS gets it from the CDK
    app, from the same schema). Returns True if it was created."""
    attrs = {schema.partition_key, schema.sort_key}
    for index in schema.global_indexes:
        attrs |= {index.partition_key, index.sort_key}
    try:
        await client.create_table(
            TableName=table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": a.name, "AttributeType": a.type}
                for a in sorted(attrs, key=lambda a: a.name)
            ],
            KeySchema=[
                {"AttributeName": schema.partition_key.name, "KeyType": "HASH"},
                {"AttributeName": schema.sort_key.name, "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key.name, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key.name, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in schema.global_indexes
            ],
        )
        created = True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
            raise
        created = False
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        description = await client.describe_table(TableName=table_name)
        table = description["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        if table["TableStatus"] == "ACTIVE" and all(
            i.get("IndexStatus", "ACTIVE") == "ACTIVE" for i in indexes
        ):
            break
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"table {table_name} not active after {wait_seconds}s")
        await asyncio.sleep(0.1)
    if created:
        await _enable_ttl(client, table_name, schema.ttl_attribute)
    return created


async def _enable_ttl(client: Any, table_name: str, attribute: str) -> None:
    try:
        await client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
        )
    except ClientError as exc:
        # Some local servers do not implement TTL; expiry is also enforced on read, so the app
        # is correct without it (TTL only reclaims space).
        if exc.response.get("Error", {}).get("Code") not in {
            "UnknownOperationException",
            "ValidationException",
        }:
            raise
