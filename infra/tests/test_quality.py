"""cfn-lint and cdk-nag over the synthesized templates, with negative controls."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from cfnlint.api import lint_all, lint_file

from shipdeck_infra.app import build_app
from shipdeck_infra.config import REFERENCE_CONTEXT

from .conftest import REPOSITORY_ROOT, Stage, Synthesis

NAG_PREFIX = "Annotation::AwsSolutions-"


def test_cfn_lint_reports_no_errors(stage: Stage) -> None:
    matches = lint_file(stage.template_path)
    errors = [f"{m.rule.id} {m.path}: {m.message}" for m in matches if m.rule.id.startswith("E")]
    assert not errors, "\n".join(errors)


def test_cfn_lint_would_catch_a_broken_template(prod: Stage) -> None:
    broken = json.loads(json.dumps(prod.json))
    db_id, _ = prod.one("AWS::RDS::DBInstance")
    broken["Resources"][db_id]["Properties"]["MultiAZ"] = "sometimes"
    broken["Resources"][db_id]["Properties"]["Engine"] = "mysqlx"
    matches = lint_all(json.dumps(broken))
    assert any(m.rule.id.startswith("E") for m in matches)


def test_cdk_nag_aws_solutions_reports_no_unsuppressed_findings(synthesis: Synthesis) -> None:
    findings = [
        f"{violation['ruleName']} at {construct['constructPath']}"
        for plugin in synthesis.validation_report.get("pluginReports", [])
        for violation in plugin.get("violations", [])
        for construct in violation.get("violatingConstructs", [])
    ]
    assert not findings, "\n".join(findings)


def test_cdk_nag_is_active_and_fails_synthesis_on_a_violation(tmp_path: object) -> None:
    app, stacks = build_app(outdir=str(tmp_path), context=REFERENCE_CONTEXT, stages=["dev"])
    s3.Bucket(stacks["dev"], "CarelessBucket")  # no SSL enforcement, no access logs
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())  # type: ignore[operator]
    rules = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"]}
    assert {"AwsSolutions-S1", "AwsSolutions-S10"} <= rules


def _nag_acknowledgments(synthesis: Synthesis) -> dict[str, set[str]]:
    key = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found: dict[str, set[str]] = {}
    for stage in synthesis.stages.values():
        for construct in stage.stack.node.find_all():
            for entry in construct.node.metadata:
                if entry.type != key:
                    continue
                for rule, reason in entry.data.items():
                    if rule.startswith(NAG_PREFIX):
                        found.setdefault(rule.removeprefix("Annotation::"), set()).add(reason)
    return found


def test_every_suppression_carries_a_reason_and_is_documented(synthesis: Synthesis) -> None:
    acknowledgments = _nag_acknowledgments(synthesis)
    assert acknowledgments, "the stacks acknowledge some findings; none were found"
    documentation = (REPOSITORY_ROOT / "docs" / "infrastructure.md").read_text()
    for rule, reasons in acknowledgments.items():
        for reason in reasons:
            assert len(reason) >= 80, f"{rule}: reason too thin: {reason!r}"
        base = re.sub(r"\[.*\]$", "", rule)
        assert base in documentation, f"{base} is not explained in docs/infrastructure.md"
