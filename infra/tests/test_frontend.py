"""Amplify Hosting for the Astro web app."""

from __future__ import annotations

import yaml

from .conftest import Stage, refs


def test_amplify_builds_frontend_with_npm_and_publishes_dist(stage: Stage) -> None:
    _, app = stage.one("AWS::Amplify::App")
    props = app["Properties"]
    assert props["Platform"] == "WEB"
    spec = yaml.safe_load(props["BuildSpec"])
    (application,) = spec["applications"]
    assert application["appRoot"] == "frontend"
    phases = application["frontend"]["phases"]
    assert "npm ci" in phases["preBuild"]["commands"]
    assert phases["build"]["commands"] == ["npm run build"]
    assert application["frontend"]["artifacts"]["baseDirectory"] == "dist"
    env = {v["Name"]: v["Value"] for v in props["EnvironmentVariables"]}
    assert env["AMPLIFY_MONOREPO_APP_ROOT"] == "frontend"


def test_the_build_sees_the_api_url(dev: Stage, prod: Stage) -> None:
    def public_api_url(stage: Stage) -> object:
        _, app = stage.one("AWS::Amplify::App")
        env = {v["Name"]: v["Value"] for v in app["Properties"]["EnvironmentVariables"]}
        return env["PUBLIC_API_URL"]

    assert prod.config.domain is not None
    assert public_api_url(prod) == f"https://{prod.config.domain.api_host}"
    alb_id, _ = dev.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert refs(public_api_url(dev)) == {alb_id}
    assert "http://" in str(public_api_url(dev))


def test_branch_main_is_built(stage: Stage) -> None:
    app_id, _ = stage.one("AWS::Amplify::App")
    _, branch = stage.one("AWS::Amplify::Branch")
    assert branch["Properties"]["BranchName"] == "main"
    assert refs(branch["Properties"]["AppId"]) == {app_id}
    assert branch["Properties"]["Framework"] == "Astro"


def test_with_a_domain_the_app_is_served_at_app_subdomain(dev: Stage, prod: Stage) -> None:
    dev.template.resource_count_is("AWS::Amplify::Domain", 0)
    _, domain = prod.one("AWS::Amplify::Domain")
    assert prod.config.domain is not None
    assert domain["Properties"]["DomainName"] == prod.config.domain.name
    assert domain["Properties"]["SubDomainSettings"] == [{"BranchName": "main", "Prefix": "app"}]


def test_connected_repository_token_is_a_dynamic_reference(prod: Stage) -> None:
    _, app = prod.one("AWS::Amplify::App")
    repository = prod.config.frontend_repository
    assert repository is not None
    assert app["Properties"]["Repository"] == repository.url
    token = app["Properties"]["AccessToken"]
    assert token.startswith("{{resolve:secretsmanager:")
    assert repository.token_secret_name in token
