"""The architecture diagram, generated from the synthesized CloudFormation template.

Everything drawn is read from the template: subnets and their availability zones, where the NAT
gateways are and which private subnet routes through which, the load balancer's listeners, the
security-group rules that let one part reach another, the IAM grants, the database's Multi-AZ
flag, the alarms. A change in the CDK code that changes any of them changes the picture; the
test `infra/tests/test_diagram.py` fails until `make diagram` is run again.

    uv run python -m shipdeck_infra.diagram            # writes docs/architecture.{dot,svg,png}
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
DOT_FILE = DOCS_DIR / "architecture.dot"
SVG_FILE = DOCS_DIR / "architecture.svg"
PNG_FILE = DOCS_DIR / "architecture.png"
DIGEST_KEY = "shipdeck-diagram-sha256"
DIAGRAM_STAGE = "prod"

Resource = dict[str, Any]
Template = dict[str, Any]


# --- Reading the template ---------------------------------------------------------------------


def _refs(value: Any) -> Iterator[str]:
    """Logical ids referenced anywhere inside `value` (Ref and Fn::GetAtt)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                yield inner
            elif key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                yield str(inner[0])
            else:
                yield from _refs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _refs(inner)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def _tag(resource: Resource, key: str) -> str | None:
    for tag in resource.get("Properties", {}).get("Tags", []):
        if tag.get("Key") == key:
            return str(tag.get("Value"))
    return None


@dataclass
class Subnet:
    logical_id: str
    tier: str  # Public | Private | Isolated
    az: int  # 0-based index into the region's zones
    cidr: str


@dataclass
class Model:
    """What the diagram shows, extracted from one template."""

    stage: str
    vpc_cidr: str
    subnets: dict[str, Subnet]
    nat_az: dict[str, int]  # NAT gateway -> AZ of its subnet
    egress_nat: dict[int, int]  # AZ of a private subnet -> AZ of the NAT it routes through
    dynamodb_endpoint: bool
    flow_logs: bool
    listeners: list[tuple[int, str]]  # (port, "forward" | "redirect")
    waf_rules: list[str]
    api_host: str | None
    app_host: str | None
    service_azs: list[int]
    desired: int
    min_tasks: int
    max_tasks: int
    task_cpu: str
    task_memory: str
    scaling_metrics: list[str]
    container_port: int
    health_path: str
    db_class: str
    db_engine: str
    db_multi_az: bool
    db_azs: list[int]
    table_keys: str
    table_billing: str
    secrets: int
    alarms: int
    dashboard: bool
    edges: set[tuple[str, str, str]] = field(default_factory=set)


def _of_type(template: Template, kind: str) -> dict[str, Resource]:
    return {
        logical_id: resource
        for logical_id, resource in sorted(template["Resources"].items())
        if resource["Type"] == kind
    }


def _one(template: Template, kind: str) -> tuple[str, Resource]:
    found = _of_type(template, kind)
    if len(found) != 1:
        raise ValueError(f"expected one {kind}, found {len(found)}")
    return next(iter(found.items()))


def read_model(template: Template) -> Model:
    resources = template["Resources"]
    _, vpc = _one(template, "AWS::EC2::VPC")
    stage = _tag(vpc, "shipdeck:stage") or "?"

    subnets: dict[str, Subnet] = {}
    for logical_id, resource in _of_type(template, "AWS::EC2::Subnet").items():
        props = resource["Properties"]
        az = props["AvailabilityZone"]
        index = int(az["Fn::Select"][0]) if isinstance(az, dict) else 0
        subnets[logical_id] = Subnet(
            logical_id, _tag(resource, "aws-cdk:subnet-type") or "?", index, props["CidrBlock"]
        )

    nat_az = {
        logical_id: subnets[resource["Properties"]["SubnetId"]["Ref"]].az
        for logical_id, resource in _of_type(template, "AWS::EC2::NatGateway").items()
    }

    # Which NAT each private subnet's default route uses.
    table_of_subnet = {
        resource["Properties"]["SubnetId"]["Ref"]: resource["Properties"]["RouteTableId"]["Ref"]
        for resource in _of_type(template, "AWS::EC2::SubnetRouteTableAssociation").values()
    }
    nat_of_table = {
        resource["Properties"]["RouteTableId"]["Ref"]: resource["Properties"]["NatGatewayId"]["Ref"]
        for resource in _of_type(template, "AWS::EC2::Route").values()
        if "NatGatewayId" in resource["Properties"]
    }
    egress_nat = {
        subnet.az: nat_az[nat_of_table[table_of_subnet[subnet.logical_id]]]
        for subnet in subnets.values()
        if subnet.tier == "Private" and table_of_subnet[subnet.logical_id] in nat_of_table
    }

    endpoints = _of_type(template, "AWS::EC2::VPCEndpoint").values()
    dynamodb_endpoint = any(
        "dynamodb" in "".join(_strings(e["Properties"]["ServiceName"]))
        and e["Properties"].get("VpcEndpointType", "Gateway") == "Gateway"
        for e in endpoints
    )

    listeners = sorted(
        (int(r["Properties"]["Port"]), r["Properties"]["DefaultActions"][0]["Type"])
        for r in _of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    )
    waf_rules = [
        rule["Name"]
        for acl in _of_type(template, "AWS::WAFv2::WebACL").values()
        for rule in acl["Properties"]["Rules"]
    ]
    api_host = next(
        (
            r["Properties"]["Name"].rstrip(".")
            for r in _of_type(template, "AWS::Route53::RecordSet").values()
        ),
        None,
    )
    app_host = next(
        (
            f"{setting['Prefix']}.{r['Properties']['DomainName']}"
            for r in _of_type(template, "AWS::Amplify::Domain").values()
            for setting in r["Properties"]["SubDomainSettings"]
        ),
        None,
    )

    service_id, service = _one(template, "AWS::ECS::Service")
    network = service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    service_azs = sorted({subnets[ref].az for ref in _refs(network["Subnets"])})
    _, target = _one(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    scaling_metrics = sorted(
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"][
            "PredefinedMetricSpecification"
        ]["PredefinedMetricType"]
        for p in _of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    )
    task_id, task = _one(template, "AWS::ECS::TaskDefinition")
    _, target_group = _one(template, "AWS::ElasticLoadBalancingV2::TargetGroup")

    db_id, db = _one(template, "AWS::RDS::DBInstance")
    db_props = db["Properties"]
    db_subnet_group = resources[db_props["DBSubnetGroupName"]["Ref"]]
    db_azs = sorted({subnets[ref].az for ref in _refs(db_subnet_group["Properties"]["SubnetIds"])})

    table_id, table = _one(template, "AWS::DynamoDB::Table")
    keys = table["Properties"]["KeySchema"]
    table_keys = " + ".join(k["AttributeName"] for k in keys)
    indexes = table["Properties"].get("GlobalSecondaryIndexes", [])
    if indexes:
        table_keys += f", {len(indexes)} GSI"

    model = Model(
        stage=stage,
        vpc_cidr=vpc["Properties"]["CidrBlock"],
        subnets=subnets,
        nat_az=nat_az,
        egress_nat=egress_nat,
        dynamodb_endpoint=dynamodb_endpoint,
        flow_logs=bool(_of_type(template, "AWS::EC2::FlowLog")),
        listeners=listeners,
        waf_rules=waf_rules,
        api_host=api_host,
        app_host=app_host,
        service_azs=service_azs,
        desired=int(service["Properties"]["DesiredCount"]),
        min_tasks=int(target["Properties"]["MinCapacity"]),
        max_tasks=int(target["Properties"]["MaxCapacity"]),
        task_cpu=str(task["Properties"]["Cpu"]),
        task_memory=str(task["Properties"]["Memory"]),
        scaling_metrics=scaling_metrics,
        container_port=int(target_group["Properties"]["Port"]),
        health_path=str(target_group["Properties"]["HealthCheckPath"]),
        db_class=str(db_props["DBInstanceClass"]),
        db_engine=f"{db_props['Engine']} {db_props['EngineVersion']}",
        db_multi_az=bool(db_props.get("MultiAZ")),
        db_azs=db_azs,
        table_keys=table_keys,
        table_billing=str(table["Properties"].get("BillingMode", "PROVISIONED")),
        secrets=len(_of_type(template, "AWS::SecretsManager::Secret")),
        alarms=len(_of_type(template, "AWS::CloudWatch::Alarm")),
        dashboard=bool(_of_type(template, "AWS::CloudWatch::Dashboard")),
    )
    model.edges = _connections(template, service_id, task_id, db_id, table_id)
    return model


def _connections(
    template: Template, service_id: str, task_id: str, db_id: str, table_id: str
) -> set[tuple[str, str, str]]:
    """Who may reach whom: security-group ingress rules and IAM grants, as part names."""
    resources = template["Resources"]
    owner: dict[str, str] = {}
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            for ref in _refs(props.get("SecurityGroups", [])):
                owner[ref] = "alb"
        elif logical_id == service_id:
            for ref in _refs(
                props["NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]
            ):
                owner[ref] = "tasks"
        elif logical_id == db_id:
            for ref in _refs(props.get("VPCSecurityGroups", [])):
                owner[ref] = "rds"

    edges: set[tuple[str, str, str]] = set()
    for resource in _of_type(template, "AWS::EC2::SecurityGroupIngress").values():
        props = resource["Properties"]
        source = owner.get(next(_refs(props.get("SourceSecurityGroupId", {})), ""))
        destination = owner.get(next(_refs(props["GroupId"]), ""))
        if source and destination:
            port = props.get("FromPort")
            # The database's port is a token (the endpoint's port attribute).
            label = "MySQL" if destination == "rds" else f"TCP {port}"
            edges.add((source, destination, label))

    task = resources[task_id]["Properties"]
    roles = {
        "task": next(_refs(task["TaskRoleArn"])),
        "execution": next(_refs(task["ExecutionRoleArn"])),
    }
    for policy in _of_type(template, "AWS::IAM::Policy").values():
        attached = set(_refs(policy["Properties"].get("Roles", [])))
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            targets = set(_refs(statement.get("Resource", [])))
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            if roles["task"] in attached and table_id in targets:
                edges.add(("tasks", "dynamodb", "IAM: read/write"))
            if roles["execution"] in attached and any(
                resources.get(t, {}).get("Type", "").startswith("AWS::SecretsManager")
                for t in targets
            ):
                edges.add(("tasks", "secrets", "IAM: read at start"))
            if roles["execution"] in attached and any(a.startswith("logs:") for a in actions):
                edges.add(("tasks", "cloudwatch", "logs + EMF metrics"))
    return edges


# --- Drawing ----------------------------------------------------------------------------------


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attrs(**attrs: str) -> str:
    return "[" + ", ".join(f"{key}={_q(value)}" for key, value in attrs.items()) + "]"


def _az_name(index: int) -> str:
    return f"AZ {'abcdefgh'[index]}"


def _node(name: str, label: str, **attrs: str) -> str:
    return f"{name} {_attrs(label=label, **attrs)};"


STYLE = {
    "edge_aws": dict(shape="box", style="rounded,filled", fillcolor="#FFF4E5", color="#D86613"),
    "network": dict(shape="box", style="rounded,filled", fillcolor="#E8F1FB", color="#3B6FB6"),
    "compute": dict(shape="box", style="rounded,filled", fillcolor="#FDEBD9", color="#D86613"),
    "data": dict(shape="cylinder", style="filled", fillcolor="#E6F4EA", color="#2E7D32"),
    "ops": dict(shape="box", style="rounded,filled", fillcolor="#F3E8FD", color="#7B1FA2"),
    "external": dict(shape="box", style="rounded,dashed", color="#555555"),
}


def _cluster(name: str, label: str, body: Iterable[str], **attrs: str) -> list[str]:
    lines = [f"subgraph cluster_{name} {{", f"  label={_q(label)};"]
    lines += [f"  {key}={_q(value)};" for key, value in attrs.items()]
    lines += [f"  {line}" for line in body]
    lines.append("}")
    return lines


def architecture_dot(template: Template, *, region: str) -> str:
    m = read_model(template)
    azs = sorted({s.az for s in m.subnets.values()})
    https = any(port == 443 for port, _ in m.listeners)
    lines: list[str] = [
        "digraph shipdeck {",
        "  graph "
        + _attrs(
            rankdir="LR",
            fontname="Helvetica",
            fontsize="12",
            nodesep="0.35",
            ranksep="0.7",
            compound="true",
            labelloc="t",
            label=(
                f"Shipdeck on AWS: stage {m.stage}, {region} "
                "(generated from the CDK app's synthesized template)"
            ),
        )
        + ";",
        "  node " + _attrs(fontname="Helvetica", fontsize="10") + ";",
        "  edge " + _attrs(fontname="Helvetica", fontsize="8", color="#444444") + ";",
    ]
    body: list[str] = []
    body.append(_node("users", "Users\n(browser, CLI)", shape="oval"))
    if m.api_host:
        hosts = "\n".join(h for h in (m.api_host, m.app_host) if h)
        body.append(_node("route53", f"Route 53\n{hosts}", **STYLE["edge_aws"]))
    for name, label in (
        ("deepseek", "DeepSeek API\n(external)"),
        ("sleakops", "SleakOps API\n(external)"),
    ):
        body.append(_node(name, label, **STYLE["external"]))

    region_body: list[str] = []
    region_body.append(
        _node(
            "amplify",
            "Amplify Hosting\nAstro static build of frontend/\nbranch main",
            **STYLE["edge_aws"],
        )
    )
    if m.waf_rules:
        region_body.append(
            _node(
                "waf",
                f"WAF web ACL\n{len(m.waf_rules)} rules (AWS managed + rate)",
                **STYLE["edge_aws"],
            )
        )
    billing = m.table_billing.lower().replace("_", "-")
    region_body.append(
        _node(
            "dynamodb",
            f"DynamoDB table\n{m.table_keys}\n{billing}, PITR, TTL",
            **STYLE["data"],
        )
    )
    region_body.append(_node("secrets", f"Secrets Manager\n{m.secrets} secrets", **STYLE["ops"]))
    cw = "CloudWatch\nlogs, EMF metrics"
    if m.dashboard:
        cw += f"\ndashboard, {m.alarms} alarms"
    region_body.append(_node("cloudwatch", cw, **STYLE["ops"]))
    region_body.append(_node("sns", "SNS alarm topic\n(KMS encrypted)", **STYLE["ops"]))

    vpc_body: list[str] = []
    listeners = ", ".join(
        f"{port} {'→ 443' if action == 'redirect' else 'forward'}" for port, action in m.listeners
    )
    vpc_body.append(
        _node(
            "alb",
            f"Application Load Balancer\n{listeners}\nhealth check {m.health_path}",
            **STYLE["network"],
        )
    )
    vpc_body.append(_node("igw", "Internet gateway", **STYLE["network"]))
    if m.dynamodb_endpoint:
        vpc_body.append(_node("ddb_endpoint", "Gateway endpoint\n(DynamoDB)", **STYLE["network"]))
    if m.flow_logs:
        vpc_body.append(_node("flowlogs", "VPC flow logs", **STYLE["ops"]))

    for az in azs:
        az_body: list[str] = []
        for tier, style in (("Public", "network"), ("Private", "compute"), ("Isolated", "data")):
            subnet = next(s for s in m.subnets.values() if s.az == az and s.tier == tier)
            tier_body: list[str] = []
            if tier == "Public":
                if az in m.nat_az.values():
                    tier_body.append(_node(f"nat_{az}", "NAT gateway", **STYLE["network"]))
                else:
                    tier_body.append(_node(f"pub_{az}", "(no NAT in this zone)", shape="plaintext"))
            elif tier == "Private" and az in m.service_azs:
                tier_body.append(
                    _node(
                        f"tasks_{az}",
                        f"Fargate tasks\n{m.task_cpu} CPU units / {m.task_memory} MiB\n"
                        f"port {m.container_port}",
                        **STYLE["compute"],
                    )
                )
            elif tier == "Isolated" and az in m.db_azs:
                if not m.db_multi_az:
                    role = "single instance"
                elif az == m.db_azs[0]:
                    role = "primary"
                else:
                    role = "synchronous standby"
                tier_body.append(
                    _node(
                        f"rds_{az}",
                        f"RDS {m.db_engine}\n{m.db_class}\n{role}",
                        **STYLE["data"],
                    )
                )
            if not tier_body:
                tier_body.append(_node(f"{tier.lower()}_{az}", "(unused)", shape="plaintext"))
            az_body += _cluster(
                f"{tier.lower()}_{az}",
                f"{tier.lower()} subnet {subnet.cidr}",
                tier_body,
                style="dashed",
                color=STYLE[style]["color"],
            )
        vpc_body += _cluster(f"az_{az}", _az_name(az), az_body, style="rounded", color="#999999")

    scaling = " + ".join(m.scaling_metrics)
    vpc_body.append(
        _node(
            "autoscaling",
            f"ECS service + Auto Scaling\n{m.min_tasks}-{m.max_tasks} tasks (desired {m.desired})\n"
            f"target tracking: {scaling}",
            **STYLE["compute"],
        )
    )
    region_body += _cluster("vpc", f"VPC {m.vpc_cidr}", vpc_body, style="rounded", color="#3B6FB6")
    body += _cluster("aws", f"AWS region {region}", region_body, style="rounded", color="#D86613")

    edges: list[tuple[str, str, str]] = []
    if m.api_host:
        edges.append(("users", "route53", "DNS"))
    edges.append(("users", "amplify", f"HTTPS {m.app_host or 'amplifyapp.com'}"))
    api = "HTTPS" if https else "HTTP"
    entry = "waf" if m.waf_rules else "alb"
    edges.append(("users", entry, f"{api} {m.api_host or 'ALB DNS name'}"))
    if m.waf_rules:
        edges.append(("waf", "alb", "filtered"))
    edges.append(("igw", "alb", ""))
    for source, destination, label in sorted(m.edges):
        if (source, destination) == ("alb", "tasks"):
            edges += [("alb", f"tasks_{az}", label) for az in m.service_azs]
        elif (source, destination) == ("tasks", "rds"):
            edges += [(f"tasks_{az}", f"rds_{m.db_azs[0]}", label) for az in m.service_azs]
        elif source == "tasks":
            edges += [(f"tasks_{az}", destination, label) for az in m.service_azs[:1]]
    for az in m.service_azs:
        if az in m.egress_nat:
            edges.append((f"tasks_{az}", f"nat_{m.egress_nat[az]}", "egress"))
        if m.dynamodb_endpoint:
            edges.append((f"tasks_{az}", "ddb_endpoint", ""))
    if m.dynamodb_endpoint:
        edges.append(("ddb_endpoint", "dynamodb", "no NAT"))
    if m.db_multi_az and len(m.db_azs) > 1:
        edges.append((f"rds_{m.db_azs[0]}", f"rds_{m.db_azs[1]}", "synchronous replication"))
    for az in sorted(set(m.nat_az.values())):
        edges.append((f"nat_{az}", "deepseek", "HTTPS"))
        edges.append((f"nat_{az}", "sleakops", "HTTPS"))
    edges.append(("autoscaling", f"tasks_{m.service_azs[0]}", "scales"))
    edges.append(("cloudwatch", "sns", "alarms"))
    if m.flow_logs:
        edges.append(("flowlogs", "cloudwatch", ""))
    if m.api_host:
        edges.append(("route53", "alb", "alias"))
        if m.app_host:
            edges.append(("route53", "amplify", "app"))

    lines += [f"  {line}" for line in body]
    seen: set[tuple[str, str, str]] = set()
    for source, destination, label in edges:
        if (source, destination, label) in seen:
            continue
        seen.add((source, destination, label))
        attrs = _attrs(label=label) if label else ""
        lines.append(f"  {source} -> {destination} {attrs};".replace(" ;", ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def digest(dot: str) -> str:
    return hashlib.sha256(dot.encode()).hexdigest()


# --- Rendering --------------------------------------------------------------------------------


def _png_with_text(png: bytes, key: str, value: str) -> bytes:
    """Insert a tEXt chunk right after IHDR (the PNG signature is 8 bytes, IHDR 25)."""
    data = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
    return png[:33] + chunk + png[33:]


def png_text(png: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        if kind == b"tEXt":
            key, _, value = png[position + 8 : position + 8 + length].partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        position += 12 + length
    return found


def svg_digest(svg: str) -> str | None:
    marker = f"<!-- {DIGEST_KEY}="
    start = svg.find(marker)
    if start < 0:
        return None
    return svg[start + len(marker) : svg.find(" -->", start)]


def render(dot: str, *, dot_file: Path, svg_file: Path, png_file: Path) -> None:
    executable = shutil.which("dot")
    if executable is None:
        raise SystemExit("Graphviz is needed to render the diagram: apt-get install graphviz")
    sha = digest(dot)
    dot_file.write_text(dot)
    svg = subprocess.run(  # noqa: S603 - fixed arguments
        [executable, "-Tsvg"], input=dot.encode(), check=True, capture_output=True
    ).stdout.decode()
    header_end = svg.find("?>") + 2 if svg.startswith("<?xml") else 0
    svg = svg[:header_end] + f"\n<!-- {DIGEST_KEY}={sha} -->" + svg[header_end:]
    svg_file.write_text(svg)
    png = subprocess.run(  # noqa: S603 - fixed arguments
        [executable, "-Tpng", "-Gdpi=110"], input=dot.encode(), check=True, capture_output=True
    ).stdout
    png_file.write_bytes(_png_with_text(png, DIGEST_KEY, sha))


def synthesized_template(stage: str = DIAGRAM_STAGE) -> tuple[Template, str]:
    """Synthesize the reference configuration and return one stage's template and region."""
    from shipdeck_infra.app import build_app
    from shipdeck_infra.config import REFERENCE_CONTEXT

    with tempfile.TemporaryDirectory() as outdir:
        app, stacks = build_app(outdir=outdir, context=REFERENCE_CONTEXT, stages=[stage])  # type: ignore[list-item]
        assembly = app.synth()
        stack = stacks[stage]  # type: ignore[index]
        template = json.loads(
            Path(assembly.get_stack_artifact(stack.artifact_id).template_full_path).read_text()
        )
        return template, stack.region


def main() -> None:
    template, region = synthesized_template()
    dot = architecture_dot(template, region=region)
    render(dot, dot_file=DOT_FILE, svg_file=SVG_FILE, png_file=PNG_FILE)
    print(f"wrote {DOT_FILE}, {SVG_FILE}, {PNG_FILE} (sha256 {digest(dot)[:12]})", file=sys.stderr)


if __name__ == "__main__":
    main()
