"""The CDK app: one stack per stage, checked by cdk-nag's AWS Solutions rules at synthesis."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from shipdeck_infra.config import STAGE_NAMES, StageName, load_stage
from shipdeck_infra.stack import ShipdeckStack

INFRA_DIR = Path(__file__).resolve().parents[1]
CDK_JSON = INFRA_DIR / "cdk.json"


def cdk_json_context() -> dict[str, Any]:
    """The context committed in cdk.json (feature flags), which the CDK CLI also passes."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return context


def build_app(
    *,
    outdir: str | None = None,
    context: Mapping[str, Any] | None = None,
    stages: Iterable[StageName] = STAGE_NAMES,
    nag: bool = True,
) -> tuple[cdk.App, dict[StageName, ShipdeckStack]]:
    """Create the app with a stack per stage. `context` adds to cdk.json's (tests and the
    diagram pass `config.REFERENCE_CONTEXT`); the CLI's `-c` values arrive through the app."""
    app = cdk.App(outdir=outdir, context={**cdk_json_context(), **(context or {})})
    stacks: dict[StageName, ShipdeckStack] = {}
    for name in stages:
        config = load_stage(name, _app_context(app, name))
        stacks[name] = ShipdeckStack(app, config.stack_name, config=config)
    cdk.Tags.of(app).add("project", "shipdeck")
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stacks


def _app_context(app: cdk.App, stage: StageName) -> dict[str, Any]:
    """The `shipdeck:<stage>` object and any `shipdeck:<stage>:<key>` values from the context."""
    prefix = f"shipdeck:{stage}"
    found: dict[str, Any] = {}
    value = app.node.try_get_context(prefix)
    if value is not None:
        found[prefix] = value
    for key in _STAGE_KEYS:
        flat = app.node.try_get_context(f"{prefix}:{key}")
        if flat is not None:
            found[f"{prefix}:{key}"] = flat
    return found


_STAGE_KEYS = (
    "account",
    "region",
    "domainName",
    "hostedZoneId",
    "frontendRepository",
    "frontendTokenSecretName",
    "frontendBranch",
    "maxTasks",
    "natGateways",
    "waf",
)
