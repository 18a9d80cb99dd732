"""Release notes in Markdown, drawn from the releases listed in the prompt."""

from __future__ import annotations

import random

from shipdeck_local.simulators.deepseek.writer.context import PromptContext, ReleaseFacts
from shipdeck_local.simulators.deepseek.writer.phrasing import code, describe_branch, pick

_FINISHED = {"created", "success", "succeeded", "done", "ready"}


def _build_line(item: ReleaseFacts) -> str:
    parts = [f"Built {code(item.branch) or 'an unnamed branch'}"]
    if item.commit:
        parts.append(f"at {code(item.commit[:12])}")
    if item.tag:
        parts.append(f"(tag {code(item.tag)})")
    line = " ".join(parts)
    if item.branch and describe_branch(item.branch) != item.branch:
        line += f" — {describe_branch(item.branch)}"
    return f"- {line}."


def _deploy_line(item: ReleaseFacts) -> str:
    where = code(item.environment) or "an environment"
    what = code(item.image or item.tag) or "a new build"
    return f"- {where} now runs {what}."


def _problem_line(item: ReleaseFacts) -> str:
    if item.kind == "deploy":
        image = code(item.image) or "a build"
        what = f"Deployment of {image} to {code(item.environment) or 'an environment'}"
    else:
        what = f"Build of {code(item.branch) or 'a branch'}"
    state = item.state or "error"
    reason = f": {item.errors}" if item.errors else ""
    return f"- {what} ended in `{state}`{reason}."


def _pending_line(item: ReleaseFacts) -> str:
    target = code(item.branch) if item.kind == "build" else code(item.environment)
    what = "Build of" if item.kind == "build" else "Deployment to"
    return f"- {what} {target or 'a target'} is still `{item.state or 'running'}`."


def release_notes(ctx: PromptContext, rng: random.Random) -> tuple[str, str]:
    project = ctx.project or "the project"
    items = ctx.releases
    if not items and (ctx.release.branch or ctx.release.image):
        items = [ctx.release]
    built = [i for i in items if i.kind != "deploy" and (i.state or "created").lower() in _FINISHED]
    deployed = [
        i for i in items if i.kind == "deploy" and (i.state or "created").lower() in _FINISHED
    ]
    failed = [i for i in items if i.failed]
    pending = [i for i in items if i not in built and i not in deployed and i not in failed]

    lines = [f"# Release notes — {project}", ""]
    if not items:
        lines += [
            "No releases were listed for this range, so there is nothing to summarise yet.",
            "",
            "Start a build or a deployment from Shipdeck, then ask again and the notes will "
            "list each branch, commit and environment it touched.",
        ]
    else:
        summary = pick(
            rng,
            (
                f"This range covers {len(items)} release(s): {len(built)} successful build(s), "
                f"{len(deployed)} deployment(s) and {len(failed)} that need attention.",
                f"{len(items)} release(s) in this range — {len(built)} build(s) and "
                f"{len(deployed)} deployment(s) went through; {len(failed)} did not.",
            ),
        )
        lines += [summary, ""]
        if deployed:
            lines += ["## Deployed", *(_deploy_line(i) for i in deployed), ""]
        if built:
            lines += ["## Built", *(_build_line(i) for i in built), ""]
        if failed:
            lines += ["## Needs attention", *(_problem_line(i) for i in failed), ""]
        if pending:
            lines += ["## In progress", *(_pending_line(i) for i in pending), ""]
        lines.append(
            pick(
                rng,
                (
                    "Failed releases are listed for completeness; they changed nothing in their "
                    "environment.",
                    "Only releases that reached `created` changed what runs in an environment.",
                ),
            )
        )
    reasoning = (
        f"I need release notes for {project}. The prompt lists {len(items)} release(s). I will "
        "group them into deployments, builds and failures, keep branch names, commits and tags "
        "exactly as given, and write short Markdown bullets."
    )
    return reasoning, "\n".join(lines).rstrip()
