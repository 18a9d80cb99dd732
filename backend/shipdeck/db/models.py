"""Every SQL model, imported in one place so migrations see the whole schema."""

from shipdeck.auth.models import User
from shipdeck.db.base import Base
from shipdeck.projects.models import Environment, Project
from shipdeck.releases.models import Release
from shipdeck.teams.models import Membership, Team
from shipdeck.timeline.models import OutboxEvent

__all__ = ["Base", "Environment", "Membership", "OutboxEvent", "Project", "Release", "Team", "User"]
