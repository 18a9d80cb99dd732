"""Projects and environments of a team."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shipdeck.auth.models import User
from shipdeck.ids import is_valid_id
from shipdeck.projects import repository
from shipdeck.projects.errors import (
    EnvironmentNameTaken,
    EnvironmentNotFound,
    ProjectNotFound,
    SlugTaken,
)
from shipdeck.projects.models import Environment, Project
from shipdeck.projects.schemas import (
    EnvironmentCreate,
    EnvironmentUpdate,
    ProjectCreate,
    ProjectUpdate,
)
from shipdeck.teams import repository as teams_repository
from shipdeck.teams import service as teams
from shipdeck.teams.models import Role
from shipdeck.timeline import service as timeline
from shipdeck.timeline.service import Actor

MAX_SLUG_SUFFIX = 50


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    project: Project
    role: Role
    user: User


@dataclass(frozen=True, slots=True)
class EnvironmentAccess:
    environment: Environment
    project: Project
    role: Role
    user: User


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:100].strip("-")
    return slug or "project"


async def project_access(
    session: AsyncSession, user: User, project_id: str, minimum: Role
) -> ProjectAccess:
    """Another team's project answers 404, exactly like a project that does not exist."""
    project = await repository.get_project(session, project_id) if is_valid_id(project_id) else None
    found = (
        await teams_repository.get_team_with_role(session, project.team_id, user.id)
        if project
        else None
    )
    if project is None or found is None:
        raise ProjectNotFound
    role = found[1]
    teams.require(role, minimum)
    return ProjectAccess(project=project, role=role, user=user)


async def environment_access(
    session: AsyncSession, user: User, environment_id: str, minimum: Role
) -> EnvironmentAccess:
    environment = (
        await repository.get_environment(session, environment_id)
        if is_valid_id(environment_id)
        else None
    )
    project = await repository.get_project(session, environment.project_id) if environment else None
    found = (
        await teams_repository.get_team_with_role(session, project.team_id, user.id)
        if project
        else None
    )
    if environment is None or project is None or found is None:
        raise EnvironmentNotFound
    role = found[1]
    teams.require(role, minimum)
    return EnvironmentAccess(environment=environment, project=project, role=role, user=user)


async def create_project(
    session: AsyncSession, team_id: str, body: ProjectCreate, *, actor: Actor | None = None
) -> Project:
    slug = body.slug or await _free_slug(session, team_id, slugify(body.name))
    if body.slug and await repository.slug_exists(session, team_id, slug):
        raise SlugTaken
    project = Project(
        team_id=team_id,
        name=body.name,
        slug=slug,
        sleakops_project=body.sleakops_project,
        repo_url=body.repo_url,
    )
    session.add(project)
    await _flush(session, SlugTaken)
    await timeline.record(
        session,
        project_id=project.id,
        type="project.created",
        summary=f"{_who(actor)} created the project {project.name}.",
        actor=actor,
        data={"name": project.name, "slug": project.slug},
    )
    return project


async def _free_slug(session: AsyncSession, team_id: str, base: str) -> str:
    """A derived slug that is not yet used in the team: `api`, then `api-2`, `api-3`…"""
    if not await repository.slug_exists(session, team_id, base):
        return base
    for n in range(2, MAX_SLUG_SUFFIX + 2):
        candidate = f"{base[: 100 - len(str(n)) - 1]}-{n}"
        if not await repository.slug_exists(session, team_id, candidate):
            return candidate
    raise SlugTaken


async def update_project(
    session: AsyncSession, project: Project, body: ProjectUpdate, *, actor: Actor | None = None
) -> Project:
    changes = body.model_dump(exclude_unset=True)
    for field in ("name", "sleakops_project", "slug"):
        if changes.get(field) is None:
            changes.pop(field, None)  # these cannot be cleared, only changed
    slug = changes.get("slug")
    if (
        slug
        and slug != project.slug
        and await repository.slug_exists(session, project.team_id, slug)
    ):
        raise SlugTaken
    for field, value in changes.items():
        setattr(project, field, value)
    await _flush(session, SlugTaken)
    if changes:
        await timeline.record(
            session,
            project_id=project.id,
            type="project.updated",
            summary=f"{_who(actor)} changed the project's {', '.join(sorted(changes))}.",
            actor=actor,
            data={"changed": changes},
        )
    return project


async def delete_project(session: AsyncSession, project: Project) -> None:
    await session.delete(project)
    await session.flush()


async def create_environment(
    session: AsyncSession, project: Project, body: EnvironmentCreate, *, actor: Actor | None = None
) -> Environment:
    await timeline.lock_timeline(session, project.id)
    if await repository.environment_name_exists(session, project.id, body.name):
        raise EnvironmentNameTaken
    environment = Environment(
        project_id=project.id, name=body.name, sleakops_env=body.sleakops_env, branch=body.branch
    )
    session.add(environment)
    await _flush(session, EnvironmentNameTaken)
    await timeline.record(
        session,
        project_id=project.id,
        type="environment.created",
        summary=(
            f"{_who(actor)} added the environment {environment.name} "
            f"(SleakOps {environment.sleakops_env}, branch {environment.branch})."
        ),
        actor=actor,
        data={"environment": environment.name, "branch": environment.branch},
    )
    return environment


async def update_environment(
    session: AsyncSession,
    environment: Environment,
    body: EnvironmentUpdate,
    *,
    actor: Actor | None = None,
) -> Environment:
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    name = changes.get("name")
    if (
        name
        and name != environment.name
        and await repository.environment_name_exists(session, environment.project_id, name)
    ):
        raise EnvironmentNameTaken
    for field, value in changes.items():
        setattr(environment, field, value)
    await _flush(session, EnvironmentNameTaken)
    if changes:
        await timeline.record(
            session,
            project_id=environment.project_id,
            type="environment.updated",
            summary=f"{_who(actor)} changed {environment.name}: {', '.join(sorted(changes))}.",
            actor=actor,
            data={"environment": environment.name, "changed": changes},
        )
    return environment


async def delete_environment(
    session: AsyncSession, environment: Environment, *, actor: Actor | None = None
) -> None:
    await timeline.record(
        session,
        project_id=environment.project_id,
        type="environment.deleted",
        summary=f"{_who(actor)} removed the environment {environment.name}.",
        actor=actor,
        data={"environment": environment.name},
    )
    await session.delete(environment)
    await session.flush()


def _who(actor: Actor | None) -> str:
    return actor.name if actor else "Shipdeck"


async def _flush(session: AsyncSession, conflict: type[Exception]) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # the same name was taken concurrently
        raise conflict from exc
