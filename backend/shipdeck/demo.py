"""Demo data for the local run: a user, a team, project `shipdeck-demo` with `dev` and `prod`.
Idempotent: a second run finds everything in place and changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from shipdeck.auth import repository as users
from shipdeck.auth import service as auth
from shipdeck.auth.passwords import make_hasher
from shipdeck.db.engine import create_engine, create_session_factory
from shipdeck.projects import service as projects
from shipdeck.projects.models import Environment, Project
from shipdeck.projects.schemas import EnvironmentCreate, ProjectCreate
from shipdeck.settings import Settings
from shipdeck.teams import service as teams
from shipdeck.teams.models import Membership, Team

DEMO_ENVIRONMENTS = (("dev", "develop"), ("prod", "main"))


async def seed(settings: Settings) -> dict[str, str]:
    demo = settings.demo
    engine = create_engine(settings.database_url, settings.database)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            user = await users.get_by_email(session, auth.normalize_email(demo.email))
            if user is None:
                user = await auth.signup(
                    session,
                    make_hasher(settings.auth),
                    email=demo.email,
                    password=demo.password.get_secret_value(),
                    name=demo.name,
                )
            team = (
                await session.execute(
                    select(Team)
                    .join(Membership, Membership.team_id == Team.id)
                    .where(Membership.user_id == user.id, Team.name == demo.team)
                )
            ).scalar_one_or_none() or await teams.create_team(session, user, demo.team)
            project = (
                await session.execute(
                    select(Project).where(Project.team_id == team.id, Project.slug == demo.project)
                )
            ).scalar_one_or_none() or await projects.create_project(
                session,
                team.id,
                ProjectCreate(
                    name=demo.project,
                    slug=demo.project,
                    sleakops_project=demo.project,
                    repo_url="https://github.com/example/shipdeck-demo",
                ),
            )
            existing = set(
                (
                    await session.execute(
                        select(Environment.name).where(Environment.project_id == project.id)
                    )
                ).scalars()
            )
            for name, branch in DEMO_ENVIRONMENTS:
                if name not in existing:
                    await projects.create_environment(
                        session,
                        project,
                        EnvironmentCreate(name=name, sleakops_env=name, branch=branch),
                    )
        return {
            "email": demo.email,
            "password": demo.password.get_secret_value(),
            "team_id": team.id,
            "project_id": project.id,
        }
    finally:
        await engine.dispose()
