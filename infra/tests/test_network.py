"""Network: two AZs, three tiers, NAT per stage, DynamoDB gateway endpoint, flow logs."""

from __future__ import annotations

from aws_cdk.assertions import Match

from .conftest import Stage, az_index, refs, subnets_of_type


def test_every_tier_spans_two_availability_zones(stage: Stage) -> None:
    subnets = stage.resources("AWS::EC2::Subnet")
    for tier in ("Public", "Private", "Isolated"):
        ids = subnets_of_type(stage, tier)
        assert sorted(az_index(subnets[i]) for i in ids) == [0, 1], tier


def test_nat_gateways_per_stage(dev: Stage, prod: Stage) -> None:
    dev.template.resource_count_is("AWS::EC2::NatGateway", 1)
    prod.template.resource_count_is("AWS::EC2::NatGateway", 2)
    assert dev.config.nat_gateways == 1
    assert prod.config.nat_gateways == 2


def test_nat_gateways_live_in_public_subnets_and_prod_has_one_per_zone(stage: Stage) -> None:
    public = subnets_of_type(stage, "Public")
    subnets = stage.resources("AWS::EC2::Subnet")
    nat_zones = []
    for nat in stage.resources("AWS::EC2::NatGateway").values():
        (subnet_id,) = refs(nat["Properties"]["SubnetId"])
        assert subnet_id in public
        nat_zones.append(az_index(subnets[subnet_id]))
    expected = [0, 1] if stage.config.name == "prod" else [0]
    assert sorted(nat_zones) == expected


def _default_routes(stage: Stage) -> dict[str, dict[str, object]]:
    """Route table id -> its 0.0.0.0/0 route's properties."""
    return {
        next(iter(refs(route["Properties"]["RouteTableId"]))): route["Properties"]
        for route in stage.resources("AWS::EC2::Route").values()
        if route["Properties"].get("DestinationCidrBlock") == "0.0.0.0/0"
    }


def _route_table_of(stage: Stage) -> dict[str, str]:
    return {
        next(iter(refs(a["Properties"]["SubnetId"]))): next(
            iter(refs(a["Properties"]["RouteTableId"]))
        )
        for a in stage.resources("AWS::EC2::SubnetRouteTableAssociation").values()
    }


def test_private_subnets_reach_out_through_nat_and_isolated_ones_not_at_all(stage: Stage) -> None:
    routes, table_of = _default_routes(stage), _route_table_of(stage)
    subnets = stage.resources("AWS::EC2::Subnet")
    nats = stage.resources("AWS::EC2::NatGateway")
    for subnet_id in subnets_of_type(stage, "Private"):
        route = routes[table_of[subnet_id]]
        (nat_id,) = refs(route["NatGatewayId"])
        if stage.config.name == "prod":  # its own zone's NAT: losing a zone loses no egress
            (nat_subnet,) = refs(nats[nat_id]["Properties"]["SubnetId"])
            assert az_index(subnets[nat_subnet]) == az_index(subnets[subnet_id])
    for subnet_id in subnets_of_type(stage, "Isolated"):
        assert table_of[subnet_id] not in routes
    for subnet_id in subnets_of_type(stage, "Public"):
        assert "GatewayId" in routes[table_of[subnet_id]]


def test_dynamodb_traffic_uses_a_gateway_endpoint_on_the_private_route_tables(stage: Stage) -> None:
    _, endpoint = stage.one("AWS::EC2::VPCEndpoint")
    props = endpoint["Properties"]
    assert props["VpcEndpointType"] == "Gateway"
    assert "dynamodb" in str(props["ServiceName"])
    table_of = _route_table_of(stage)
    private_tables = {table_of[s] for s in subnets_of_type(stage, "Private")}
    assert refs(props["RouteTableIds"]) == private_tables


def test_flow_logs_capture_all_traffic_into_a_log_group_with_retention(stage: Stage) -> None:
    _, flow_log = stage.one("AWS::EC2::FlowLog")
    assert flow_log["Properties"]["TrafficType"] == "ALL"
    assert flow_log["Properties"]["ResourceType"] == "VPC"
    (group_id,) = refs(flow_log["Properties"]["LogGroupName"])
    group = stage.json["Resources"][group_id]
    assert group["Properties"]["RetentionInDays"] == stage.config.log_retention_days


def test_vpc_cidr_comes_from_the_stage_config(stage: Stage) -> None:
    stage.template.has_resource_properties(
        "AWS::EC2::VPC", Match.object_like({"CidrBlock": stage.config.vpc_cidr})
    )
