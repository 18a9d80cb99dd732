"""Checks that an environment variable name is one the backend's Settings actually reads."""

from __future__ import annotations

from pydantic import BaseModel

from shipdeck.settings import Settings

PREFIX = "SHIPDECK_"


def settings_field(variable: str) -> str | None:
    """The dotted Settings field `variable` sets, or None if Settings ignores it.

    Mirrors pydantic-settings with `env_nested_delimiter="_"` and `env_nested_max_split=1`:
    a top-level field matches whole (SHIPDECK_DATA_DIR -> data_dir); otherwise the first `_`
    separates the group from the field (SHIPDECK_HTTP_PUBLIC_URL -> http.public_url).
    """
    if not variable.startswith(PREFIX):
        return None
    rest = variable.removeprefix(PREFIX).lower()
    if rest in Settings.model_fields:
        annotation = Settings.model_fields[rest].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return rest
    group, _, field = rest.partition("_")
    if group not in Settings.model_fields:
        return None
    model = Settings.model_fields[group].annotation
    if isinstance(model, type) and issubclass(model, BaseModel) and field in model.model_fields:
        return f"{group}.{field}"
    return None
