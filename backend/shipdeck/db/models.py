"""Every SQL model, imported in one place so migrations see the whole schema."""

from shipdeck.auth.models import User
from shipdeck.db.base import Base
from shipdeck.projects.models import Environment, Project
from shipdeck.teams.models import Membership, Team

__all__ = ["Base", "Environment", "Membership", "Project", "Team", "User"]
