"""Project chat: answer the question with the project context found in the conversation."""

from __future__ import annotations

import random
import re

from shipdeck_local.simulators.deepseek.writer.context import PromptContext
from shipdeck_local.simulators.deepseek.writer.phrasing import code, kind_word, names, pick


def _context_bullets(ctx: PromptContext) -> list[str]:
    bullets = []
    if ctx.environments:
        bullets.append(f"It has the environments {names(ctx.environments)}.")
    releases = ctx.releases
    if releases:
        failed = [r for r in releases if r.failed]
        latest = releases[0]
        target = code(latest.environment if latest.kind == "deploy" else latest.branch)
        link = " to " if latest.kind == "deploy" else " of "
        bullets.append(
            f"I can see {len(releases)} recent release(s); the first listed is a "
            f"{kind_word(latest.kind)}{link + target if target else ''} in state "
            f"{code(latest.state) or 'unknown'}."
        )
        if failed:
            bullets.append(f"{len(failed)} of them failed.")
    elif ctx.release.state:
        bullets.append(
            f"The release in view is a {kind_word(ctx.release.kind)} in state "
            f"{code(ctx.release.state)}."
        )
    if ctx.errors:
        bullets.append(f'The most recent error reads: "{ctx.errors[0]}".')
    return bullets


def _answer_body(ctx: PromptContext, rng: random.Random) -> str:
    q = ctx.question.lower()
    project = code(ctx.project) or "the project"
    env = ctx.environments[-1] if ctx.environments else (ctx.release.environment or "prod")
    if re.search(r"\b(why|fail|error|broken|wrong|crash)", q):
        if ctx.errors:
            return (
                f"The failure comes down to that error line. Start with the step that printed it: "
                f"the error names what SleakOps could not do, and the release before it in "
                f"{code(env)} tells you what changed. The release page's **Explain** button gives "
                "a full breakdown with causes and next steps."
            )
        return (
            f"I don't see an error message for {project} in what I was given. Open the failed "
            "release and use **Explain**, or paste its error text here and I'll go through it."
        )
    if re.search(r"\b(deploy|ship|release|roll ?back|promote)", q):
        return (
            f"To ship {project} to {code(env)}: start a build of the branch you want, wait until "
            f"it is `created`, then start a deployment to {code(env)} with that build (or an "
            "image tag). To roll back, deploy the image of the last release that worked. Every "
            "step shows up on the project timeline as it happens."
        )
    if re.search(r"\b(status|state|running|version|where|latest|current)", q):
        return (
            f"For the current state of {project}, the timeline is the source of truth: each "
            "environment shows the last deployment that reached `created`, and anything still "
            "`initial` or `creating` is in flight."
        )
    if re.search(r"\b(notes|changelog|changed)", q):
        return (
            f"I can draft release notes for {project}: pick a range of releases on the project "
            "page and choose **Release notes**. I'll group them into deployments, builds and "
            "failures."
        )
    return pick(
        rng,
        (
            f"Here is how I would approach it for {project}: look at the most recent releases "
            "first, since most questions about a service come down to what changed last and "
            "where it was deployed.",
            f"For {project}, the release history is the best starting point — it records every "
            "build and deployment with its branch, image and outcome.",
        ),
    )


def chat(ctx: PromptContext, rng: random.Random) -> tuple[str, str]:
    project = code(ctx.project) or "this project"
    opening = pick(
        rng,
        (
            f"Here's what I know about {project} from the current context:",
            f"Looking at {project} — this is what the context tells me:",
            f"Based on the details I have for {project}:",
        ),
    )
    bullets = _context_bullets(ctx) or [
        "I only have the conversation so far — no release details were included."
    ]
    body = _answer_body(ctx, rng)
    closing = pick(
        rng,
        (
            "Ask me about a specific release if you want me to dig deeper.",
            "Tell me which environment you care about and I can be more specific.",
            "If you share the error text of a release, I can explain it step by step.",
        ),
    )
    answer = f"{opening}\n\n" + "\n".join(f"- {b}" for b in bullets) + f"\n\n{body}\n\n{closing}"
    topic = ctx.question[:80] or "their project"
    reasoning = (
        f'The user asks: "{topic}". I have some context about {ctx.project or "the project"}: '
        f"{len(ctx.releases)} listed release(s) and {len(ctx.errors)} error line(s). I should "
        "answer directly and point at the parts of the context that matter."
    )
    return reasoning, answer


def tool_result(ctx: PromptContext, rng: random.Random) -> tuple[str, str]:
    result = (ctx.tool_result or "").strip()
    excerpt = result if len(result) <= 240 else result[:240] + "…"
    tool = code(ctx.tool_name) or "the tool"
    answer = f"{tool} returned:\n\n> {excerpt or '(an empty result)'}\n\n" + pick(
        rng,
        (
            "Based on that, the answer to your question is in the result above; the key "
            "values are quoted exactly as the tool returned them.",
            "That gives us what we needed. I've quoted the relevant part exactly as returned.",
        ),
    )
    reasoning = (
        f"The tool {ctx.tool_name or ''} answered. I should summarise its result for the user."
    )
    return reasoning, answer
