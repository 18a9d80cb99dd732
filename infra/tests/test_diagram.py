"""The committed architecture diagram is the one the current code generates."""

from __future__ import annotations

from shipdeck_infra import diagram

from .conftest import Stage


def test_committed_diagram_source_matches_the_synthesized_template(prod: Stage) -> None:
    generated = diagram.architecture_dot(prod.json, region=prod.config.region)
    committed = diagram.DOT_FILE.read_text()
    assert generated == committed, (
        "docs/architecture.dot is stale: run `make diagram` and commit docs/architecture.*"
    )


def test_committed_svg_and_png_were_rendered_from_that_source() -> None:
    expected = diagram.digest(diagram.DOT_FILE.read_text())
    assert diagram.svg_digest(diagram.SVG_FILE.read_text()) == expected
    assert diagram.png_text(diagram.PNG_FILE.read_bytes())[diagram.DIGEST_KEY] == expected


def test_the_picture_follows_the_template(dev: Stage, prod: Stage) -> None:
    """Drawn from data: one NAT in dev, one per zone in prod; HTTPS only with a domain."""
    dev_dot = diagram.architecture_dot(dev.json, region=dev.config.region)
    prod_dot = diagram.architecture_dot(prod.json, region=prod.config.region)
    assert dev_dot.count('label="NAT gateway"') == 1
    assert prod_dot.count('label="NAT gateway"') == 2
    assert "tasks_1 -> nat_0" in dev_dot  # zone b egresses through zone a's NAT
    assert "tasks_1 -> nat_1" in prod_dot
    assert "route53" not in dev_dot
    assert "api.shipdeck.example.com" in prod_dot
    assert "WAF web ACL" in prod_dot
    assert "WAF web ACL" not in dev_dot
    assert 'alb -> tasks_0 [label="TCP 8000"]' in prod_dot
    assert 'tasks_0 -> rds_0 [label="MySQL"]' in prod_dot
    assert 'tasks_0 -> dynamodb [label="IAM: read/write"]' in prod_dot
