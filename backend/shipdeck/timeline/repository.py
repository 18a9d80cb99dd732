"""Timeline events in DynamoDB: one partition per project, sorted by sequence number."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from shipdeck.dynamo.table import ConditionFailed, Table


def partition(project_id: str) -> str:
    return f"PROJECT#{project_id}#EVENTS"


def sort_key(seq: int) -> str:
    return f"EVENT#{seq:012d}"


def item_from_payload(payload: str) -> dict[str, Any]:
    # DynamoDB numbers must be Decimals, never floats.
    event = json.loads(payload, parse_float=Decimal)
    seq = int(event["id"])
    return {"pk": partition(event["project_id"]), "sk": sort_key(seq), **event}


def event_from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("pk", "sk")}


async def put_once(table: Table, payload: str) -> bool:
    """Writes an event unless it is already there; False if it was (a repeated delivery)."""
    try:
        await table.put(item_from_payload(payload), condition="attribute_not_exists(pk)")
    except ConditionFailed:
        return False
    return True


async def page(
    table: Table, project_id: str, *, before: int | None, limit: int
) -> list[dict[str, Any]]:
    """Newest first, strictly before sequence `before` when given."""
    values: dict[str, Any] = {":pk": partition(project_id)}
    condition = "pk = :pk"
    if before is not None:
        condition += " AND sk < :before"
        values[":before"] = sort_key(before)
    items, _ = await table.query(
        key_condition=condition, values=values, forward=False, limit=limit, consistent=True
    )
    return [event_from_item(i) for i in items]


async def after(
    table: Table, project_id: str, *, seq: int, limit: int = 100
) -> list[dict[str, Any]]:
    """Oldest first, strictly after sequence `seq`."""
    items, _ = await table.query(
        key_condition="pk = :pk AND sk > :after",
        values={":pk": partition(project_id), ":after": sort_key(seq)},
        forward=True,
        limit=limit,
        consistent=True,
    )
    return [event_from_item(i) for i in items]


async def latest_seq(table: Table, project_id: str) -> int:
    newest = await page(table, project_id, before=None, limit=1)
    return int(newest[0]["id"]) if newest else 0
