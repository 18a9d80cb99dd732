from __future__ import annotations

from shipdeck.errors import Conflict, NotAuthenticated, TooManyRequests


class EmailTaken(Conflict):
    code = "email_taken"
    message = "An account with this email already exists."


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    message = "Email or password is incorrect."


class SessionExpired(NotAuthenticated):
    code = "session_expired"
    message = "Your session has ended; sign in again."


class TooManySignups(TooManyRequests):
    code = "too_many_signups"
    message = "Too many accounts were created from this address; try again later."


class TooManyFailedLogins(TooManyRequests):
    code = "too_many_failed_logins"
    message = "Too many failed sign-ins; wait before trying again."
