"""Project conversations and their messages, in DynamoDB.

A conversation is one partition: its `META` item and its messages (`MSG#<ulid>`, in time order).
The META item is also indexed by project (`gsi1`), newest first, for the project's list.
"""

from __future__ import annotations

from typing import Any

from ulid import ULID

from shipdeck.db.base import utcnow
from shipdeck.dynamo.table import Table


def _pk(conversation_id: str) -> str:
    return f"CONVERSATION#{conversation_id}"


def _project_index(project_id: str) -> str:
    return f"PROJECT#{project_id}#CONVERSATIONS"


async def create(
    table: Table, *, project_id: str, title: str, user_id: str, user_name: str
) -> dict[str, Any]:
    conversation_id = str(ULID())
    now = utcnow().isoformat()
    item = {
        "pk": _pk(conversation_id),
        "sk": "META",
        "gsi1pk": _project_index(project_id),
        "gsi1sk": conversation_id,
        "id": conversation_id,
        "project_id": project_id,
        "title": title,
        "created_by": {"id": user_id, "name": user_name},
        "created_at": now,
        "updated_at": now,
    }
    await table.put(item, condition="attribute_not_exists(pk)")
    return item


async def get(table: Table, conversation_id: str) -> dict[str, Any] | None:
    return await table.get(_pk(conversation_id), "META", consistent=True)


async def list_for_project(
    table: Table, project_id: str, *, before: str | None, limit: int
) -> list[dict[str, Any]]:
    values: dict[str, Any] = {":p": _project_index(project_id)}
    condition = "gsi1pk = :p"
    if before:
        condition += " AND gsi1sk < :before"
        values[":before"] = before
    items, _ = await table.query(
        index="gsi1", key_condition=condition, values=values, forward=False, limit=limit
    )
    return items


async def messages(table: Table, conversation_id: str, *, last: int) -> list[dict[str, Any]]:
    """The newest `last` messages, oldest first."""
    items, _ = await table.query(
        key_condition="pk = :pk AND begins_with(sk, :msg)",
        values={":pk": _pk(conversation_id), ":msg": "MSG#"},
        forward=False,
        limit=last,
        consistent=True,
    )
    return list(reversed(items))


async def add_message(
    table: Table,
    conversation_id: str,
    *,
    role: str,
    content: str,
    status: str = "complete",
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    message_id = str(ULID())
    now = utcnow().isoformat()
    item: dict[str, Any] = {
        "pk": _pk(conversation_id),
        "sk": f"MSG#{message_id}",
        "id": message_id,
        "role": role,
        "content": content,
        "status": status,
        "created_at": now,
    }
    if usage:
        item["usage"] = usage
    await table.put(item)
    await table.update(
        _pk(conversation_id),
        "META",
        expression="SET updated_at = :now",
        values={":now": now},
        condition="attribute_exists(pk)",
    )
    return item


async def set_title(table: Table, conversation_id: str, title: str) -> None:
    await table.update(
        _pk(conversation_id),
        "META",
        expression="SET title = :title",
        values={":title": title},
        condition="attribute_exists(pk)",
    )
