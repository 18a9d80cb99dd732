"""The generated answers read like answers about the project in the prompt."""

from __future__ import annotations

import json

from shipdeck_local.simulators.deepseek.writer import write_reply

EXPLAIN = [
    {"role": "system", "content": "You explain failed releases for Shipdeck users."},
    {
        "role": "user",
        "content": (
            "Project: billing-api\nRelease: build of branch feature/invoices at commit 9f8e7d6c5b\n"
            "State: error\nError text:\n"
            "  npm ERR! code ERESOLVE\n  npm ERR! could not resolve dependency peer react@18\n"
        ),
    },
]
NOTES = [
    {"role": "system", "content": "Write release notes in Markdown for the listed releases."},
    {
        "role": "user",
        "content": (
            "Project: shipdeck-demo\nReleases:\n"
            "- build branch feature/login-page commit a1b2c3d tag v1.4.0 state created\n"
            "- deploy to prod image shipdeck-demo:v1.4.0 state created\n"
            "- build branch fix/avatar-crash commit 77aa88b state error errors: COPY failed: "
            "file not found in build context\n"
        ),
    },
]
CHAT = [
    {
        "role": "system",
        "content": (
            "You are the Shipdeck co-pilot.\nProject: shipdeck-demo\nEnvironments: dev, prod"
        ),
    },
    {"role": "user", "content": "How do I roll back prod?"},
]


def words(text: str) -> int:
    return len(text.split())


def test_explain_quotes_the_error_and_suggests_next_steps() -> None:
    reply = write_reply(EXPLAIN, seed=1)
    assert reply.context.task == "explain"
    assert "> npm ERR! code ERESOLVE" in reply.content
    assert "> npm ERR! could not resolve dependency peer react@18" in reply.content
    assert "**billing-api**" in reply.content
    assert "`feature/invoices`" in reply.content
    assert "**Likely causes**" in reply.content
    assert "**Next steps**" in reply.content
    assert "Docker build failed" in reply.content
    assert 60 <= words(reply.content) <= 220
    assert "npm ERR! code ERESOLVE" in reply.reasoning


def test_release_notes_are_markdown_drawn_from_the_list() -> None:
    reply = write_reply(NOTES, seed=1)
    assert reply.context.task == "release_notes"
    content = reply.content
    assert content.startswith("# Release notes — shipdeck-demo")
    assert "## Deployed\n- `prod` now runs `shipdeck-demo:v1.4.0`." in content
    assert "Built `feature/login-page` at `a1b2c3d` (tag `v1.4.0`) — New: login page." in content
    assert "## Needs attention" in content
    assert "COPY failed: file not found in build context" in content


def test_chat_uses_the_project_context() -> None:
    reply = write_reply(CHAT, seed=1)
    assert reply.context.task == "chat"
    assert "`shipdeck-demo`" in reply.content
    assert "`dev` and `prod`" in reply.content
    assert "roll back" in reply.content.lower()
    assert 40 <= words(reply.content) <= 220


def test_answers_are_deterministic_and_depend_on_the_input() -> None:
    assert write_reply(EXPLAIN, seed=1).content == write_reply(EXPLAIN, seed=1).content
    other = [
        EXPLAIN[0],
        {**EXPLAIN[1], "content": EXPLAIN[1]["content"].replace("billing", "orders")},
    ]
    assert write_reply(other, seed=1).content != write_reply(EXPLAIN, seed=1).content


def test_explain_without_error_does_not_invent_one() -> None:
    messages = [
        {"role": "system", "content": "Explain this release."},
        {"role": "user", "content": "Project: shipdeck-demo\nKind: build\nState: created"},
    ]
    reply = write_reply(messages, seed=1)
    assert "shows no failure" in reply.content


def test_json_context_is_read_like_labelled_lines() -> None:
    context = {
        "project": {"name": "shipdeck-demo"},
        "release": {
            "kind": "deploy",
            "state": "error",
            "environment": "prod",
            "image": "shipdeck-demo:broken",
            "errors": "ImagePullBackOff: image shipdeck-demo:broken not found",
        },
    }
    messages = [
        {"role": "system", "content": "Explain why this release failed."},
        {"role": "user", "content": json.dumps(context, indent=2)},
    ]
    reply = write_reply(messages, seed=1)
    assert reply.context.project == "shipdeck-demo"
    assert "> ImagePullBackOff: image shipdeck-demo:broken not found" in reply.content
    assert "to `prod` (image `shipdeck-demo:broken`)" in reply.content

    notes = {
        "releases": [
            {"kind": "build", "branch": "feature/x", "commit": "abc1234", "state": "created"},
            {
                "kind": "deploy",
                "environment": "prod",
                "state": "error",
                "errors": "CrashLoopBackOff",
            },
        ]
    }
    fenced = f"Project: shipdeck-demo\n```json\n{json.dumps(notes)}\n```"
    reply = write_reply(
        [
            {"role": "system", "content": "Write release notes."},
            {"role": "user", "content": fenced},
        ],
        seed=1,
    )
    assert "Built `feature/x` at `abc1234`" in reply.content
    assert "ended in `error`: CrashLoopBackOff." in reply.content
