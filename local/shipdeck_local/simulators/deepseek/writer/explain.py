"""Explain a release: name the failure, quote the error verbatim, likely causes, next steps."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from shipdeck_local.simulators.deepseek.writer.context import PromptContext
from shipdeck_local.simulators.deepseek.writer.phrasing import code, kind_word, pick


@dataclass(frozen=True)
class Diagnosis:
    pattern: str
    meaning: str
    causes: tuple[str, ...]
    steps: tuple[str, ...]


DIAGNOSES = (
    Diagnosis(
        r"imagepullbackoff|errimagepull|manifest unknown|pull access denied|image .*not found",
        "the cluster could not pull the container image, so no pod ever started",
        (
            "the image tag was never pushed — the build that should produce it failed or is "
            "still running",
            "a typo in the image tag or repository name of the deployment",
            "the nodes lack permission to pull from the registry (ECR policy or pull secret)",
        ),
        (
            "check that a build of this project finished in state `created` and note the tag "
            "it pushed",
            "redeploy with a tag you know exists, for example the one from the last "
            "successful release",
            "if the tag is right, verify the cluster's pull permissions for the registry",
        ),
    ),
    Diagnosis(
        r"crashloopbackoff|exited with code|exit code [1-9]|back-off restarting",
        "the container starts and then exits, so Kubernetes keeps restarting it",
        (
            "a missing or wrong environment variable or secret in this environment",
            "a database migration or startup check that fails against this environment",
            "an entrypoint or command that differs from what the image expects",
        ),
        (
            "read the logs of the previous container run (`kubectl logs --previous`) for the "
            "first error",
            "compare this environment's variables and secrets with an environment that works",
            "roll back to the previous image while you fix it",
        ),
    ),
    Diagnosis(
        r"oomkilled|out of memory|memory limit|cannot allocate memory",
        "the process ran out of memory and was killed",
        (
            "the memory limit is lower than what the service needs at startup or under load",
            "a memory leak or an unusually large batch in this version",
            "more workers or threads per container than the limit allows",
        ),
        (
            "look at the memory graph of the previous version to see the normal footprint",
            "raise the memory limit of the workload, or lower the worker count",
            "profile the new version if its usage grew without an obvious reason",
        ),
    ),
    Diagnosis(
        r"readiness|liveness|probe|health ?check|unhealthy",
        "the new pods never passed their health checks, so traffic was never moved to them",
        (
            "the health endpoint fails because a dependency (database, cache) is unreachable",
            "the probe path or port does not match what the service listens on",
            "startup takes longer than the probe's initial delay",
        ),
        (
            "call the health endpoint from inside a pod and read what it returns",
            "check the probe path, port and timings against the service's configuration",
            "raise the initial delay if the service is simply slow to start",
        ),
    ),
    Diagnosis(
        r"timed out|timeout|deadline exceeded|did not finish",
        "the operation did not finish in the time SleakOps allows",
        (
            "the new version never became ready, so the rollout waited until its deadline",
            "a slow step (dependency download, migration) took longer than usual",
            "the cluster had no spare capacity to schedule the new pods",
        ),
        (
            "look at the pod events for the rollout to see which step was waiting",
            "retry once: a transient slowdown often clears by itself",
            "if it fails again at the same step, raise that step's timeout or make it faster",
        ),
    ),
    Diagnosis(
        r"dockerfile|copy failed|npm err|pip|poetry|yarn|compil|non-zero code|build failed|"
        r"no such file|module not found|cannot find module",
        "a step of the Docker build failed, so no image was produced",
        (
            "a dependency that no longer resolves, or a lock file out of date",
            "a file the Dockerfile copies is missing from the build context",
            "a test or lint step inside the build failing on this branch",
        ),
        (
            "run the same build locally with `docker build .` on this branch to reproduce it",
            "compare the branch's dependency and lock files with the last branch that built",
            "fix the failing step and start a new build of the branch",
        ),
    ),
    Diagnosis(
        r"permission denied|accessdenied|access denied|forbidden|unauthori[sz]ed|\b40[13]\b",
        "SleakOps or the cluster refused the operation for lack of permission",
        (
            "an expired or revoked credential (API key, registry or cloud role)",
            "a role missing a permission the new version needs",
            "a protected environment that requires approval",
        ),
        (
            "check which credential the failing step used and whether it is still valid",
            "compare the role's permissions with what the new version accesses",
            "retry once the credential or permission is fixed",
        ),
    ),
    Diagnosis(
        r"insufficient|quota|capacity|no nodes available|unschedulable|too many pods",
        "the cluster had no room to schedule the new pods",
        (
            "the node group is at its maximum size",
            "the pods request more CPU or memory than any node has free",
            "an account quota in the cloud provider was reached",
        ),
        (
            "check the node group's size and the pending pods' events",
            "lower the resource requests or scale the node group up",
            "retry the release once capacity is available",
        ),
    ),
    Diagnosis(
        r"connection refused|could not connect|econnrefused|unreachable|name resolution|dns",
        "the service could not reach something it depends on",
        (
            "a database, cache or internal API that is down or moved",
            "a network policy or security group that blocks the new pods",
            "a wrong host name or port in this environment's configuration",
        ),
        (
            "test the connection from inside a pod of this environment",
            "compare the dependency's address with the environment's configuration",
            "check recent network or security-group changes",
        ),
    ),
)

GENERIC = Diagnosis(
    "",
    "SleakOps stopped the release at this step",
    (
        "a change on this branch that behaves differently in this environment",
        "a configuration value or secret that differs between environments",
        "a transient problem in the platform while the release ran",
    ),
    (
        "read the full log of the failing step in SleakOps around the error above",
        "compare this release with the last one that succeeded in the same environment",
        "retry once; if it fails the same way, fix the cause before retrying again",
    ),
)


def diagnose(errors: list[str]) -> Diagnosis:
    text = "\n".join(errors)
    for diagnosis in DIAGNOSES:
        if re.search(diagnosis.pattern, text, re.IGNORECASE):
            return diagnosis
    return GENERIC


def _subject(ctx: PromptContext) -> str:
    release = ctx.release
    project = f"**{ctx.project}**" if ctx.project else "this project"
    what = kind_word(release.kind)
    if release.kind == "deploy":
        where = f" to {code(release.environment)}" if release.environment else ""
        image = f" (image {code(release.image)})" if release.image else ""
        return f"The {what} of {project}{where}{image}"
    if release.kind == "build":
        branch = f" from branch {code(release.branch)}" if release.branch else ""
        commit = f" at commit {code(release.commit[:12])}" if release.commit else ""
        return f"The {what} of {project}{branch}{commit}"
    return f"The {what} of {project}"


def explain(ctx: PromptContext, rng: random.Random) -> tuple[str, str]:
    """(reasoning, answer)"""
    release = ctx.release
    subject = _subject(ctx)
    if not ctx.errors and not release.failed:
        state = code(release.state) or "a normal state"
        answer = (
            f"{subject} shows no failure — it is in {state} and the details carry no error "
            "text.\n\n"
            "**What to check**\n"
            "- If it is still `initial` or `creating`, SleakOps is working on it; builds usually "
            "finish within a few minutes.\n"
            "- If it looks stuck, compare its start time with similar releases on the timeline.\n"
            "- If something is wrong in the running service, the cause is more likely in its "
            "configuration or logs than in the release itself.\n\n"
            "Ask me again once it ends in `error` and I will go through the error text."
        )
        reasoning = (
            f"The user asks about a release of {ctx.project or 'the project'}. I see no error "
            "text and no failed state, so I should say that plainly and suggest what to check "
            "instead of inventing a failure."
        )
        return reasoning, answer

    diagnosis = diagnose(ctx.errors)
    error_quote = "\n".join(f"> {line}" for line in ctx.errors) or "> (no error text was recorded)"
    first_error = ctx.errors[0] if ctx.errors else f"state {release.state}"
    opening = pick(
        rng,
        (
            f"{subject} failed — SleakOps reported:",
            f"{subject} ended in `{release.state or 'error'}` — the error SleakOps reported is:",
            f"{subject} did not go through — here is the error SleakOps returned:",
        ),
    )
    meaning = pick(
        rng,
        (
            f"In short, {diagnosis.meaning}.",
            f"This means {diagnosis.meaning}.",
            f"Put simply, {diagnosis.meaning}.",
        ),
    )
    causes = "\n".join(f"- {cause[0].upper()}{cause[1:]}." for cause in diagnosis.causes)
    steps = "\n".join(
        f"{number}. {step[0].upper()}{step[1:]}." for number, step in enumerate(diagnosis.steps, 1)
    )
    closing = pick(
        rng,
        (
            "Once the cause is fixed, start the release again from Shipdeck and watch the "
            "timeline.",
            "When you retry, the timeline will show whether it gets past this step.",
            "If the error changes after your fix, ask again with the new text.",
        ),
    )
    answer = (
        f"{opening}\n\n{error_quote}\n\n{meaning}\n\n**Likely causes**\n{causes}\n\n"
        f"**Next steps**\n{steps}\n\n{closing}"
    )
    reasoning = (
        f"The user wants to know why a {kind_word(release.kind)} of "
        f'{ctx.project or "their project"} failed. The key line is "{first_error}". '
        f"That usually means {diagnosis.meaning}. I should quote the error exactly, list the "
        "most likely causes in order, and give concrete next steps."
    )
    return reasoning, answer
