"""Body checks for cli-build/ and cli-deployment/, with DRF-style field errors."""

from __future__ import annotations

import json
from typing import Any

REQUIRED = "This field is required."
NOT_A_STRING = "Not a valid string."


class BodyInvalid(Exception):
    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(str(errors))
        self.errors = errors


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"null")
    except ValueError as exc:
        raise BodyInvalid({"detail": f"JSON parse error - {exc}"}) from exc
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        raise BodyInvalid(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    return data


def _string(data: dict[str, Any], name: str, errors: dict[str, Any], *, required: bool) -> None:
    if name not in data or data[name] is None:
        if required:
            errors[name] = [REQUIRED]
        return
    if not isinstance(data[name], str):
        errors[name] = [NOT_A_STRING]
    elif required and not data[name].strip():
        errors[name] = ["This field may not be blank."]


def _project_env(data: dict[str, Any], errors: dict[str, Any], *, with_environment: bool) -> None:
    project_env = data.get("project_env")
    if project_env is None:
        errors["project_env"] = [REQUIRED]
        return
    if not isinstance(project_env, dict):
        errors["project_env"] = {
            "non_field_errors": ["Invalid data. Expected a dictionary, but got str."]
        }
        return
    nested: dict[str, Any] = {}
    _string(project_env, "project_name", nested, required=True)
    if with_environment:
        _string(project_env, "environment_name", nested, required=True)
    if nested:
        errors["project_env"] = nested


def check_build(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    _project_env(data, errors, with_environment=False)
    _string(data, "branch", errors, required=True)
    for name in ("environment", "commit", "tag", "provider"):
        _string(data, name, errors, required=False)
    docker_args = data.get("docker_args", {})
    if not isinstance(docker_args, dict):
        kind = type(docker_args).__name__
        errors["docker_args"] = [f'Expected a dictionary of items but got type "{kind}".']
    timeout = data.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int)):
        errors["timeout"] = ["A valid integer is required."]
    if errors:
        raise BodyInvalid(errors)
    fields = {
        "branch": data["branch"],
        "environment": data.get("environment"),
        "commit": data.get("commit"),
        "tag": data.get("tag"),
        "provider": data.get("provider"),
        "docker_args": docker_args,
        "timeout": timeout,
    }
    return fields


def check_deploy(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    _project_env(data, errors, with_environment=True)
    for name in ("build", "image", "tag", "provider"):
        _string(data, name, errors, required=False)
    if errors:
        raise BodyInvalid(errors)
    return {
        "build": data.get("build"),
        "image": data.get("image") or "latest",
        "tag": data.get("tag"),
        "provider": data.get("provider"),
    }
