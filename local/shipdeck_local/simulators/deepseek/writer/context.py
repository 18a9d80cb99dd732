"""Read what the conversation says about the project, the release and its errors."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Task = Literal["explain", "release_notes", "chat", "tool_result"]

# "Label: value" at the start of a line (after bullets or quotes), on that line only.
_LABEL = (
    r"(?im)^[ \t>*\-•]*(?:the[ \t]+)?{name}[ \t]*[:=][ \t]*"
    r"[`\"']?(?P<value>[^`\"'\n]+?)[`\"']?[ \t]*$"
)
_ERROR_LABEL = re.compile(
    r"(?im)^[ \t>*\-•]*(?:errors?|error\s+(?:text|message|output|details)|failure(?:\s+reason)?|"
    r"reason)\s*[:=][ \t]*(?P<value>.*)$"
)
_ERROR_WORDS = re.compile(
    r"(?i)(\berror\b|\bexception\b|traceback|\bfatal\b|backoff|oomkilled|\bdenied\b|"
    r"not found|exit(?:ed)? (?:with )?code|\bfailed to\b|timed out|deadline exceeded|refused)"
)
_INLINE_ERROR = re.compile(r"(?i)\berrors?\s*[:=]\s*(?P<e>\S.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(?P<item>.+)$")
_NOTES_WORDS = re.compile(r"(?i)release[\s-]notes|changelog|change log|what changed")
_EXPLAIN_WORDS = re.compile(
    r"(?i)\bexplain\b|\bwhy\b.*\b(fail|break|error)|what went wrong|diagnos|root cause|troubleshoot"
)


_JSON_FENCE = re.compile(r"```(?:json)?\s*\n(?P<body>[\[{].*?)\n```", re.DOTALL)


def _json_lines(value: Any, indent: str = "") -> list[str]:
    """JSON as "key: value" lines and bullets, the shape the heuristics below read."""
    lines: list[str] = []
    if isinstance(value, dict):
        scalars = {k: v for k, v in value.items() if not isinstance(v, dict | list)}
        nested = {k: v for k, v in value.items() if isinstance(v, dict | list)}
        lines += [f"{indent}{k}: {v}" for k, v in scalars.items() if v not in (None, "")]
        for key, child in nested.items():
            # {"project": {"name": "x"}} also reads as "project: x".
            named = child.get("name") if isinstance(child, dict) else None
            lines.append(f"{indent}{key}: {named}" if named else f"{indent}{key}:")
            lines += _json_lines(child, indent)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                # One release per bullet; errors last so an inline "errors:" ends the line.
                parts = sorted(
                    (f"{k}: {v}" for k, v in item.items() if not isinstance(v, dict | list)),
                    key=lambda part: part.startswith("errors"),
                )
                lines.append(f"{indent}- " + ", ".join(parts))
            else:
                lines.append(f"{indent}- {item}")
    else:
        lines.append(f"{indent}{value}")
    return lines


def normalise(text: str) -> str:
    """Turn JSON context (a whole message, or fenced JSON blocks) into labelled lines."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return "\n".join(_json_lines(json.loads(stripped)))
        except ValueError:
            return text

    def expand(match: re.Match[str]) -> str:
        try:
            return "\n".join(_json_lines(json.loads(match.group("body"))))
        except ValueError:
            return match.group(0)

    return _JSON_FENCE.sub(expand, text)


def _labelled(text: str, *names: str) -> str | None:
    for name in names:
        found = re.search(_LABEL.format(name=name), text)
        if found:
            value = found.group("value").strip().strip("`\"'").strip()
            if value:
                return value
    return None


def _token(text: str, *names: str) -> str | None:
    """A labelled single value (a name, branch, tag...): its first word."""
    value = _labelled(text, *names)
    if value is None:
        return None
    first = value.split()[0].strip("`\"'").rstrip(".,;:")
    return first or None


def _word_after(text: str, *names: str) -> str | None:
    """A value written inline, e.g. "branch `main`" or "image=shipdeck:1.2"."""
    for name in names:
        found = re.search(rf"(?i)\b{name}\b\s*(?:[:=]\s*|\s+)[`\"']?(?P<v>[\w./:@+-]+)", text)
        if found:
            return found.group("v").rstrip(".,;:")
    return None


@dataclass
class ReleaseFacts:
    kind: str | None = None  # "build" or "deploy"
    state: str | None = None
    branch: str | None = None
    environment: str | None = None
    image: str | None = None
    commit: str | None = None
    tag: str | None = None
    errors: str | None = None
    text: str = ""

    @property
    def failed(self) -> bool:
        return (self.state or "").lower() in {"error", "failed", "timed_out", "submit_failed"}


def _kind_of(text: str) -> str | None:
    labelled = _labelled(text, "kind", "type")
    probe = (labelled or text).lower()
    if re.search(r"\bdeploy", probe):
        return "deploy"
    if re.search(r"\bbuild", probe):
        return "build"
    return None


_DEPLOY_TARGET = re.compile(r"(?i)\bdeploy\w*\s+(?:of\s+\S+\s+)?to\s+[`\"']?(?P<v>[\w.-]+)")


def _environment_of(text: str) -> str | None:
    named = _token(text, "environment", "env") or _word_after(text, "environment", "env")
    if named:
        return named
    target = _DEPLOY_TARGET.search(text)
    return target.group("v") if target else None


def release_facts(text: str) -> ReleaseFacts:
    kind = _kind_of(text)
    return ReleaseFacts(
        kind=kind,
        state=_token(text, "state", "status") or _word_after(text, "state", "status"),
        branch=_token(text, "branch") or _word_after(text, "branch"),
        environment=_environment_of(text),
        image=_token(text, "image", "image tag") or _word_after(text, "image"),
        commit=_token(text, "commit") or _word_after(text, "commit"),
        tag=_token(text, "tag") or _word_after(text, "tag"),
        text=text,
    )


def error_lines(text: str) -> list[str]:
    """Error text, verbatim: labelled lines first, then lines that read like errors."""
    lines = text.splitlines()
    found: list[str] = []
    for index, line in enumerate(lines):
        labelled = _ERROR_LABEL.match(line)
        if not labelled:
            continue
        value = labelled.group("value").strip().strip("`\"'")
        if value and value.lower() not in {"none", "null", "-", "n/a"}:
            found.append(value)
            continue
        # A heading: take the block under it, up to the next blank line.
        for following in lines[index + 1 :]:
            if not following.strip():
                if found:
                    break
                continue
            found.append(following.strip().lstrip(">").strip().strip("`"))
    if found:
        return _unique(found)[:4]
    for line in lines:
        stripped = line.strip().lstrip(">*-• ").strip("`")
        inline = _INLINE_ERROR.search(stripped)
        if inline:
            found.append(inline.group("e").strip().strip("`\"'"))
            continue
        if (
            _ERROR_WORDS.search(stripped)
            and not stripped.endswith("?")
            and not re.search(r"(?i)\b(explain|you are|your task|answer|describe)\b", stripped)
        ):
            found.append(stripped)
    return _unique(found)[:4]


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def release_items(text: str) -> list[ReleaseFacts]:
    """Bullet or numbered lines that describe releases (branches, commits, tags, states)."""
    items = []
    for line in text.splitlines():
        matched = _LIST_ITEM.match(line)
        if not matched:
            continue
        item = matched.group("item")
        if not re.search(r"(?i)\b(build|deploy\w*|branch|commit|tag|image|state|status)\b", item):
            continue
        facts = release_facts(item)
        inline_error = _INLINE_ERROR.search(item)
        if inline_error:
            facts.errors = inline_error.group("e").strip().strip("`\"'")
        items.append(facts)
    return items


@dataclass
class PromptContext:
    task: Task
    project: str | None
    question: str
    release: ReleaseFacts
    errors: list[str] = field(default_factory=list)
    releases: list[ReleaseFacts] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    tool_result: str | None = None
    tool_name: str | None = None


def _environments(text: str) -> list[str]:
    listed = _labelled(text, "environments", "envs")
    if listed:
        return [name.strip(" `") for name in re.split(r"[,/]| and ", listed) if name.strip(" `")]
    return []


def read_context(
    *, system: str, user_texts: list[str], last_role: str, last_content: str, tool_name: str | None
) -> PromptContext:
    system = normalise(system)
    user_texts = [normalise(text) for text in user_texts]
    question = user_texts[-1] if user_texts else ""
    everything = "\n".join([system, *user_texts])
    project = _token(everything, "project", "project name", "sleakops project") or _word_after(
        everything, "project"
    )
    errors = error_lines(everything)
    releases = release_items(everything)
    if last_role == "tool":
        task: Task = "tool_result"
    elif _NOTES_WORDS.search(system) or _NOTES_WORDS.search(question):
        task = "release_notes"
    elif _EXPLAIN_WORDS.search(system) or (
        # A single message that carries both the request and the failing release's details.
        len(user_texts) == 1 and _EXPLAIN_WORDS.search(question) and error_lines(question)
    ):
        task = "explain"
    else:
        task = "chat"
    # Error text mentions images and branches too ("image x not found"): read the release's
    # own facts from the other lines.
    facts_text = "\n".join(
        line for line in everything.splitlines() if not any(e in line for e in errors)
    )
    return PromptContext(
        task=task,
        project=project,
        question=question.strip(),
        release=release_facts(facts_text),
        errors=errors,
        releases=releases,
        environments=_environments(everything),
        tool_result=last_content if last_role == "tool" else None,
        tool_name=tool_name,
    )
