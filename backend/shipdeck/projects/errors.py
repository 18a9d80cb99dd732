from __future__ import annotations

from shipdeck.errors import Conflict, NotFound


class ProjectNotFound(NotFound):
    code = "project_not_found"
    message = "Project not found."


class EnvironmentNotFound(NotFound):
    code = "environment_not_found"
    message = "Environment not found."


class SlugTaken(Conflict):
    code = "slug_taken"
    message = "The team already has a project with this slug; choose another name or slug."


class EnvironmentNameTaken(Conflict):
    code = "environment_name_taken"
    message = "The project already has an environment with this name."
