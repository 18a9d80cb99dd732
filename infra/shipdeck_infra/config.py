"""One typed configuration for every stage.

`dev` and `prod` differ only in the values below. Anything that depends on a particular AWS
account (the domain and its hosted zone, the frontend repository, the account id) comes from CDK
context, so the committed code synthesizes without an account:

    cdk synth -c shipdeck:prod:domainName=example.org -c shipdeck:prod:hostedZoneId=Z0123...

or the same keys as a JSON object in `infra/cdk.context.json`:

    {"shipdeck:prod": {"domainName": "example.org", "hostedZoneId": "Z0123..."}}
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

StageName = Literal["dev", "prod"]
STAGE_NAMES: tuple[StageName, ...] = ("dev", "prod")


@dataclass(frozen=True, kw_only=True)
class DomainConfig:
    """A public Route 53 hosted zone the stage may create records in."""

    name: str  # the zone apex, e.g. "example.org"; the API is api.<name>, the web app app.<name>
    hosted_zone_id: str

    @property
    def api_host(self) -> str:
        return f"api.{self.name}"

    @property
    def app_host(self) -> str:
        return f"app.{self.name}"


@dataclass(frozen=True, kw_only=True)
class FrontendRepository:
    """The Git repository Amplify builds the web app from."""

    url: str  # e.g. "https://github.com/acme/shipdeck"
    # A Secrets Manager secret (created by the operator, see docs/deploy.md) holding a token that
    # lets Amplify read the repository and install its webhook.
    token_secret_name: str = "shipdeck/amplify-repository-token"  # noqa: S105 - a name
    branch: str = "main"


@dataclass(frozen=True, kw_only=True)
class StageConfig:
    name: StageName
    region: str = "us-east-1"
    account: str | None = None  # None: any account (the CLI's credentials decide)

    # Network
    vpc_cidr: str
    nat_gateways: int  # one per AZ survives the loss of a zone; one in total is cheaper

    # Edge
    domain: DomainConfig | None = None
    waf: bool

    # Service
    task_cpu: int  # Fargate CPU units (1024 = 1 vCPU)
    task_memory_mib: int
    min_tasks: int = 2
    max_tasks: int
    cpu_target_percent: int = 60
    requests_per_target_per_minute: int = 600
    deepseek_base_url: str = "https://api.deepseek.com"
    sleakops_base_url: str = "https://api.sleakops.com/api/"

    # Data
    db_instance_type: str  # without the "db." prefix
    db_allocated_storage_gib: int = 20
    db_max_allocated_storage_gib: int
    db_backup_days: int
    # Deletion protection on the database, the table and the load balancer; snapshot the database
    # and keep the table when the stack is deleted.
    protect_data: bool

    # Observability
    log_retention_days: int

    # Frontend
    frontend_repository: FrontendRepository | None = None

    @property
    def stack_name(self) -> str:
        return f"Shipdeck-{self.name}"


_DEFAULTS: dict[StageName, StageConfig] = {
    "dev": StageConfig(
        name="dev",
        vpc_cidr="10.10.0.0/16",
        nat_gateways=1,
        waf=False,
        task_cpu=512,
        task_memory_mib=1024,
        max_tasks=4,
        db_instance_type="t4g.micro",
        db_max_allocated_storage_gib=50,
        db_backup_days=7,
        protect_data=False,
        log_retention_days=14,
    ),
    "prod": StageConfig(
        name="prod",
        vpc_cidr="10.20.0.0/16",
        nat_gateways=2,
        waf=True,
        task_cpu=1024,
        task_memory_mib=2048,
        max_tasks=10,
        db_instance_type="t4g.medium",
        db_max_allocated_storage_gib=200,
        db_backup_days=14,
        protect_data=True,
        log_retention_days=90,
    ),
}

# The context the tests, the cost estimate and the architecture diagram use: prod with a domain
# and a repository (every optional part present), dev with neither (the no-domain path).
REFERENCE_CONTEXT: dict[str, Any] = {
    "shipdeck:prod": {
        "domainName": "shipdeck.example.com",
        "hostedZoneId": "Z0123456789EXAMPLE",
        "frontendRepository": "https://github.com/example/shipdeck",
    },
}

_CONTEXT_KEYS = {
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
}


class ConfigError(ValueError):
    pass


def load_stage(name: StageName, context: Mapping[str, Any] | None = None) -> StageConfig:
    """The stage's defaults, overridden by the `shipdeck:<stage>` context object if any."""
    raw = (context or {}).get(f"shipdeck:{name}") or {}
    if isinstance(raw, str):  # `-c key=<json>` arrives as a string
        raw = json.loads(raw)
    flat = {
        k.removeprefix(f"shipdeck:{name}:"): v
        for k, v in (context or {}).items()
        if k.startswith(f"shipdeck:{name}:")
    }
    overrides: dict[str, Any] = {**raw, **flat}
    unknown = set(overrides) - _CONTEXT_KEYS
    if unknown:
        raise ConfigError(f"unknown keys for stage {name}: {sorted(unknown)}")

    config = _DEFAULTS[name]
    changes: dict[str, Any] = {}
    if "account" in overrides:
        changes["account"] = str(overrides["account"])
    if "region" in overrides:
        changes["region"] = str(overrides["region"])
    if "maxTasks" in overrides:
        changes["max_tasks"] = int(overrides["maxTasks"])
    if "natGateways" in overrides:
        changes["nat_gateways"] = int(overrides["natGateways"])
    if "waf" in overrides:
        changes["waf"] = _as_bool(overrides["waf"])

    domain_name, zone_id = overrides.get("domainName"), overrides.get("hostedZoneId")
    if bool(domain_name) != bool(zone_id):
        raise ConfigError("domainName and hostedZoneId go together")
    if domain_name and zone_id:
        changes["domain"] = DomainConfig(name=str(domain_name), hosted_zone_id=str(zone_id))

    if overrides.get("frontendRepository"):
        repo = FrontendRepository(url=str(overrides["frontendRepository"]))
        if overrides.get("frontendTokenSecretName"):
            repo = dataclasses.replace(
                repo, token_secret_name=str(overrides["frontendTokenSecretName"])
            )
        if overrides.get("frontendBranch"):
            repo = dataclasses.replace(repo, branch=str(overrides["frontendBranch"]))
        changes["frontend_repository"] = repo

    config = dataclasses.replace(config, **changes)
    _validate(config)
    return config


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _validate(config: StageConfig) -> None:
    if not 1 <= config.nat_gateways <= 2:
        raise ConfigError("nat_gateways must be 1 or 2 (the VPC spans two AZs)")
    if config.min_tasks < 2:
        raise ConfigError("min_tasks must be at least 2: one task per availability zone")
    if config.max_tasks < config.min_tasks:
        raise ConfigError("max_tasks must be at least min_tasks")
