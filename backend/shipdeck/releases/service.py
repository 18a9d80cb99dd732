"""Starting builds and deployments on SleakOps, exactly once per Idempotency-Key.

A start ends the request's transaction twice, around the SleakOps call, so no transaction is
held open across it (the one use case that sets its own transaction boundaries):
1. reserve — the release row (unique per project and key) and its `release.requested` event
   are committed; a repeated or concurrent request with the same key finds this row instead;
2. SleakOps is called once (a start is never retried: a timeout may have started a build);
3. record — the SleakOps id and `release.submitted`, or `submit_failed` with the reason.
A process that dies between 1 and 3 leaves a reservation the reconciler ends as `submit_failed`
once its grace period passes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.auth.models import User
from shipdeck.db.base import utcnow
from shipdeck.errors import ShipdeckError
from shipdeck.ids import is_valid_id
from shipdeck.integrations.sleakops.client import SleakOpsClient, Submitted
from shipdeck.integrations.sleakops.errors import SleakOpsRejected, SleakOpsUnavailable
from shipdeck.projects import service as projects
from shipdeck.projects.errors import ProjectNotFound
from shipdeck.projects.models import Environment, Project
from shipdeck.releases import repository
from shipdeck.releases.errors import BuildNotUsable, IdempotencyKeyReused, ReleaseNotFound
from shipdeck.releases.models import Release, ReleaseKind, ReleaseState
from shipdeck.releases.schemas import BuildRequest, DeploymentRequest, ReleaseOut, Requester
from shipdeck.settings import ReleaseSettings
from shipdeck.teams.models import Role
from shipdeck.timeline import service as timeline
from shipdeck.timeline.relay import OutboxRelay
from shipdeck.timeline.service import Actor


def release_out(release: Release, requester_name: str) -> ReleaseOut:
    return ReleaseOut(
        id=release.id,
        project_id=release.project_id,
        environment_id=release.environment_id,
        kind=ReleaseKind(release.kind),
        state=ReleaseState(release.state),
        branch=release.branch,
        commit=release.commit,
        tag=release.tag,
        image=release.image,
        build_id=release.build_id,
        sleakops_id=release.sleakops_id,
        errors=release.errors,
        requested_by=Requester(id=release.requested_by, name=requester_name),
        created_at=release.created_at,
        updated_at=release.updated_at,
        finished_at=release.finished_at,
    )


def describe(release: Release, environment_name: str | None = None) -> str:
    """How a release is named in timeline sentences."""
    if release.kind == ReleaseKind.build.value:
        what = f"build of {release.branch}"
        if release.commit:
            what += f" @ {release.commit[:10]}"
        return what
    source = f"image {release.image}" if release.image else "a build"
    target = environment_name or release.sleakops_env or "an environment"
    return f"deployment of {source} to {target}"


@dataclass(frozen=True, slots=True)
class Starter:
    """What starting a release needs; built per request from the app's resources."""

    session: AsyncSession
    sleakops: SleakOpsClient
    relay: OutboxRelay
    settings: ReleaseSettings


async def start_build(
    starter: Starter, *, user: User, project: Project, body: BuildRequest, key: str
) -> ReleaseOut:
    fields: dict[str, Any] = {"branch": body.branch, "commit": body.commit, "tag": body.tag}
    return await _start(
        starter,
        user=user,
        project=project,
        environment=None,
        kind=ReleaseKind.build,
        fields=fields,
        key=key,
    )


async def start_deployment(
    starter: Starter,
    *,
    user: User,
    project: Project,
    environment: Environment,
    body: DeploymentRequest,
    key: str,
) -> ReleaseOut:
    fields: dict[str, Any] = {
        "build_id": body.build_id,
        "image": None if body.build_id else (body.image or "latest"),
    }
    return await _start(
        starter,
        user=user,
        project=project,
        environment=environment,
        kind=ReleaseKind.deploy,
        fields=fields,
        key=key,
    )


def _request_hash(
    kind: ReleaseKind, environment: Environment | None, fields: dict[str, Any]
) -> str:
    canonical = json.dumps(
        {"kind": kind.value, "environment": environment.id if environment else None, **fields},
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _start(
    starter: Starter,
    *,
    user: User,
    project: Project,
    environment: Environment | None,
    kind: ReleaseKind,
    fields: dict[str, Any],
    key: str,
) -> ReleaseOut:
    request_hash = _request_hash(kind, environment, fields)
    reserved = await _reserve(
        starter,
        user=user,
        project=project,
        environment=environment,
        kind=kind,
        fields=fields,
        key=key,
        request_hash=request_hash,
    )
    if isinstance(reserved, ReleaseOut):
        return reserved  # a repeat: the first request's release, untouched
    release, build_sleakops_id = reserved
    starter.relay.wake()
    return await _submit(starter, release, build_sleakops_id, user)


async def _submit(
    starter: Starter, release: Release, build_sleakops_id: str | None, user: User
) -> ReleaseOut:
    try:
        if release.kind == ReleaseKind.build.value:
            submitted = await starter.sleakops.start_build(
                project=release.sleakops_project,
                branch=release.branch or "",
                commit=release.commit,
                tag=release.tag,
            )
        else:
            submitted = await starter.sleakops.start_deployment(
                project=release.sleakops_project,
                environment=release.sleakops_env or "",
                build=build_sleakops_id,
                image=release.image,
            )
    except (SleakOpsUnavailable, SleakOpsRejected) as exc:
        await _record_failure(starter, release.id, user, exc)
        exc.details = {**(exc.details or {}), "release_id": release.id}
        raise
    return await _record_submission(starter, release.id, user, submitted)


async def _reserve(
    starter: Starter,
    *,
    user: User,
    project: Project,
    environment: Environment | None,
    kind: ReleaseKind,
    fields: dict[str, Any],
    key: str,
    request_hash: str,
) -> ReleaseOut | tuple[Release, str | None]:
    session = starter.session
    project_id = project.id
    try:
        # Before the idempotency check: concurrent repeats of one request then queue here and
        # the later ones find the first one's release.
        await timeline.lock_timeline(session, project_id)
        existing = await repository.by_idempotency_key(session, project_id, key)
        if existing is not None:
            return _repeat(existing, request_hash)
        build_sleakops_id = None
        if fields.get("build_id"):
            build_sleakops_id = await _usable_build(session, project, fields["build_id"])
        now = utcnow()
        release = Release(
            project_id=project.id,
            environment_id=environment.id if environment else None,
            kind=kind.value,
            state=ReleaseState.initial.value,
            sleakops_project=project.sleakops_project,
            sleakops_env=environment.sleakops_env if environment else None,
            requested_by=user.id,
            idempotency_key=key,
            request_hash=request_hash,
            # Until SleakOps answers, the reconciler only watches for an interrupted start.
            polling=True,
            next_poll_at=now + timedelta(seconds=starter.settings.submission_grace_seconds),
            deadline_at=now + timedelta(minutes=starter.settings.deadline_minutes),
            created_at=now,
            **fields,
        )
        session.add(release)
        await session.flush()
        env_name = environment.name if environment else None
        await timeline.record(
            session,
            project_id=project.id,
            type="release.requested",
            summary=f"{user.name} requested a {describe(release, env_name)}.",
            actor=Actor(user.id, user.name),
            release_id=release.id,
            data={
                "kind": kind.value,
                "environment": environment.name if environment else None,
                **{k: v for k, v in fields.items() if v is not None},
            },
        )
        await session.commit()
        return release, build_sleakops_id
    except IntegrityError:
        # The same key was reserved concurrently: answer with that release.
        await session.rollback()  # expires every loaded object: use the id kept aside
        existing = await repository.by_idempotency_key(session, project_id, key)
        if existing is None:
            raise
        return _repeat(existing, request_hash)


def _repeat(existing: tuple[Release, str], request_hash: str) -> ReleaseOut:
    release, requester = existing
    if release.request_hash != request_hash:
        raise IdempotencyKeyReused(details={"release_id": release.id})
    if release.state == ReleaseState.submit_failed.value:
        # The same request gets the same answer as the first time.
        error: ShipdeckError = (
            SleakOpsRejected(release.errors)
            if release.error_code == SleakOpsRejected.code
            else SleakOpsUnavailable(release.errors)
        )
        error.details = {"release_id": release.id}
        raise error
    return release_out(release, requester)


async def _usable_build(session: AsyncSession, project: Project, build_id: str) -> str:
    found = await repository.get(session, build_id) if is_valid_id(build_id) else None
    build = found[0] if found else None
    if build is None or build.project_id != project.id or build.kind != ReleaseKind.build.value:
        raise BuildNotUsable("No build with this id in this project.")
    if build.state != ReleaseState.created.value or not build.sleakops_id:
        raise BuildNotUsable(f"This build is {build.state}; only a finished build can be deployed.")
    return build.sleakops_id


async def _record_submission(
    starter: Starter, release_id: str, user: User, submitted: Submitted
) -> ReleaseOut:
    session = starter.session
    release, requester = await repository.get_locked(session, release_id)
    release.sleakops_id = submitted.id
    if submitted.state in (ReleaseState.creating.value, ReleaseState.created.value):
        release.state = submitted.state
    release.next_poll_at = utcnow()
    await timeline.record(
        session,
        project_id=release.project_id,
        type="release.submitted",
        summary=f"SleakOps accepted the {describe(release)} (id {submitted.id}).",
        actor=Actor(user.id, user.name),
        release_id=release.id,
        data={"sleakops_id": submitted.id, "state": release.state},
    )
    await session.commit()
    starter.relay.wake()
    return release_out(release, requester)


async def _record_failure(
    starter: Starter, release_id: str, user: User, exc: SleakOpsUnavailable | SleakOpsRejected
) -> None:
    session = starter.session
    release, _ = await repository.get_locked(session, release_id)
    release.state = ReleaseState.submit_failed.value
    release.errors = exc.detail_message
    release.error_code = exc.code
    release.polling = False
    release.finished_at = utcnow()
    await timeline.record(
        session,
        project_id=release.project_id,
        type="release.submit_failed",
        summary=f"The {describe(release)} could not start: {exc.detail_message}",
        actor=Actor(user.id, user.name),
        release_id=release.id,
        data={"code": exc.code, "reason": exc.detail_message},
    )
    await session.commit()
    starter.relay.wake()


@dataclass(frozen=True, slots=True)
class ReleaseAccess:
    release: Release
    requester_name: str
    project: Project
    role: Role


async def release_access(
    session: AsyncSession, user: User, release_id: str, minimum: Role
) -> ReleaseAccess:
    found = await repository.get(session, release_id) if is_valid_id(release_id) else None
    if found is None:
        raise ReleaseNotFound
    try:
        access = await projects.project_access(session, user, found[0].project_id, minimum)
    except ProjectNotFound as exc:
        raise ReleaseNotFound from exc
    return ReleaseAccess(found[0], found[1], access.project, access.role)
