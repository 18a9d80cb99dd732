from __future__ import annotations

from shipdeck.errors import Conflict, NotFound


class TeamNotFound(NotFound):
    code = "team_not_found"
    message = "Team not found."


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = "This person is not a member of the team."


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "No Shipdeck account uses this email; ask them to sign up first."


class AlreadyMember(Conflict):
    code = "already_member"
    message = "This person is already a member of the team."


class LastOwner(Conflict):
    code = "last_owner"
    message = "A team needs at least one owner; make someone else owner first."
