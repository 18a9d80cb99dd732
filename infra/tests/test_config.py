"""The typed stage configuration and its context overrides."""

from __future__ import annotations

import pytest

from shipdeck_infra.config import ConfigError, DomainConfig, load_stage

from .settings_names import settings_field


def test_defaults_differ_where_the_stages_should() -> None:
    dev, prod = load_stage("dev"), load_stage("prod")
    assert (dev.nat_gateways, prod.nat_gateways) == (1, 2)
    assert (dev.waf, prod.waf) == (False, True)
    assert (dev.protect_data, prod.protect_data) == (False, True)
    assert dev.min_tasks == prod.min_tasks == 2
    assert dev.domain is None
    assert prod.domain is None  # a domain is always the operator's choice
    assert dev.vpc_cidr != prod.vpc_cidr


def test_context_object_and_flat_keys_override_the_defaults() -> None:
    config = load_stage(
        "prod",
        {
            "shipdeck:prod": '{"domainName": "example.org", "hostedZoneId": "Z1"}',
            "shipdeck:prod:maxTasks": "20",
            "shipdeck:prod:natGateways": 1,
            "shipdeck:prod:waf": "false",
            "shipdeck:prod:frontendRepository": "https://github.com/acme/shipdeck",
        },
    )
    assert config.domain == DomainConfig(name="example.org", hosted_zone_id="Z1")
    assert config.domain.api_host == "api.example.org"
    assert config.domain.app_host == "app.example.org"
    assert config.max_tasks == 20
    assert config.nat_gateways == 1
    assert config.waf is False
    assert config.frontend_repository is not None
    assert config.frontend_repository.branch == "main"


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"shipdeck:dev": {"domainName": "example.org"}}, "go together"),
        ({"shipdeck:dev": {"domian": "typo"}}, "unknown keys"),
        ({"shipdeck:dev": {"maxTasks": 1}}, "max_tasks"),
        ({"shipdeck:dev": {"natGateways": 3}}, "nat_gateways"),
    ],
)
def test_invalid_configuration_is_refused(context: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_stage("dev", context)


@pytest.mark.parametrize(
    ("variable", "field"),
    [
        ("SHIPDECK_DATA_DIR", "data_dir"),
        ("SHIPDECK_ENVIRONMENT", "environment"),
        ("SHIPDECK_HTTP_PUBLIC_URL", "http.public_url"),
        ("SHIPDECK_DATABASE_MIGRATE_ON_START", "database.migrate_on_start"),
        ("SHIPDECK_HTTP_PUBLC_URL", None),
        ("SHIPDECK_NOPE", None),
        ("DATABASE_URL", None),
    ],
)
def test_settings_name_check_knows_real_fields_from_typos(variable: str, field: str | None) -> None:
    assert settings_field(variable) == field
