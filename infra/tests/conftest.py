"""Synthesize both stages once per test session, with cdk-nag's AWS Solutions checks on.

The reference context gives prod a domain and a frontend repository (every optional part
present) and leaves dev without them (the no-domain path), so both code paths are asserted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from shipdeck_infra.app import build_app
from shipdeck_infra.config import REFERENCE_CONTEXT, StageConfig
from shipdeck_infra.stack import ShipdeckStack

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stage:
    config: StageConfig
    stack: ShipdeckStack
    template: Template
    json: dict[str, Any]
    template_path: Path
    assets: dict[str, Any]

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.json["Resources"].items() if v["Type"] == kind}

    def one(self, kind: str) -> tuple[str, dict[str, Any]]:
        found = self.resources(kind)
        assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
        return next(iter(found.items()))


@dataclass
class Synthesis:
    outdir: Path
    stages: dict[str, Stage]
    validation_report: dict[str, Any]


@pytest.fixture(scope="session")
def synthesis(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stacks = build_app(outdir=str(outdir), context=REFERENCE_CONTEXT)
    try:
        assembly = app.synth()
    except RuntimeError as error:
        report = outdir / "validation-report.json"
        details = report.read_text() if report.exists() else ""
        pytest.fail(f"synthesis failed: {error}\n{details}", pytrace=False)
    stages: dict[str, Stage] = {}
    for name, stack in stacks.items():
        artifact = assembly.get_stack_artifact(stack.artifact_id)
        path = Path(artifact.template_full_path)
        data = json.loads(path.read_text())
        assets = json.loads((outdir / f"{stack.artifact_id}.assets.json").read_text())
        stages[name] = Stage(
            config=stack.config,
            stack=stack,
            template=Template.from_json(data),
            json=data,
            template_path=path,
            assets=assets,
        )
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return Synthesis(outdir=outdir, stages=stages, validation_report=report)


@pytest.fixture(scope="session")
def dev(synthesis: Synthesis) -> Stage:
    return synthesis.stages["dev"]


@pytest.fixture(scope="session")
def prod(synthesis: Synthesis) -> Stage:
    return synthesis.stages["prod"]


@pytest.fixture(scope="session", params=["dev", "prod"])
def stage(request: pytest.FixtureRequest, synthesis: Synthesis) -> Stage:
    return synthesis.stages[request.param]


def refs(value: Any) -> set[str]:
    """Logical ids referenced (Ref / Fn::GetAtt) anywhere inside a template value."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt" and isinstance(inner, list):
                found.add(str(inner[0]))
            else:
                found |= refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= refs(inner)
    return found


def subnets_of_type(stage: Stage, subnet_type: str) -> set[str]:
    return {
        logical_id
        for logical_id, subnet in stage.resources("AWS::EC2::Subnet").items()
        if {"Key": "aws-cdk:subnet-type", "Value": subnet_type} in subnet["Properties"]["Tags"]
    }


def az_index(subnet: dict[str, Any]) -> int:
    return int(subnet["Properties"]["AvailabilityZone"]["Fn::Select"][0])
