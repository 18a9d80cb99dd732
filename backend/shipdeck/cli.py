"""`shipdeck`: serve the API, migrate the database, create the table, seed demo data."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from shipdeck.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shipdeck", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP API (settings from SHIPDECK_* variables)")
    db = commands.add_parser("db", help="relational database").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply migrations (safe to run from several replicas)")
    db.add_parser("current", help="print the applied migration revision")
    dynamo = commands.add_parser("dynamodb", help="DynamoDB table").add_subparsers(
        dest="dynamo_command", required=True
    )
    dynamo.add_parser("create-table", help="create the table if missing (local servers)")
    commands.add_parser("seed-demo", help="create the demo user, team, project and environments")
    commands.add_parser("openapi", help="print the OpenAPI document as JSON")
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "serve":
        from shipdeck.server import serve

        serve(settings)
    elif args.command == "db":
        from shipdeck.db import migrate
        from shipdeck.observability.logs import configure_logging

        configure_logging(settings.log)
        if args.db_command == "upgrade":
            asyncio.run(migrate.upgrade(settings))
        else:
            print(asyncio.run(migrate.current_revision(settings)))
    elif args.command == "dynamodb":
        asyncio.run(_create_table(settings))
    elif args.command == "seed-demo":
        from shipdeck.demo import seed

        print(json.dumps(asyncio.run(seed(settings))))
    elif args.command == "openapi":
        from shipdeck.app import openapi_document

        json.dump(openapi_document(settings), sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    return 0


async def _create_table(settings: Settings) -> None:
    from contextlib import AsyncExitStack

    from shipdeck.dynamo.table import create_table, open_client

    async with AsyncExitStack() as stack:
        client = await open_client(settings.dynamodb, stack)
        created = await create_table(client, settings.dynamodb.table_name)
        print(f"table {settings.dynamodb.table_name}: {'created' if created else 'exists'}")


if __name__ == "__main__":
    raise SystemExit(main())
