"""Who is calling: the session behind a Bearer token or the session cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from shipdeck.auth import repository as users
from shipdeck.auth.errors import SessionExpired
from shipdeck.auth.models import User
from shipdeck.auth.sessions import SessionRecord, SessionStore
from shipdeck.deps import ResourcesDep, SessionDep
from shipdeck.errors import CsrfRejected, NotAuthenticated
from shipdeck.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    token: str
    session: SessionRecord
    via_cookie: bool


def read_token(request: Request, settings: Settings) -> tuple[str | None, bool]:
    """The token and whether it came from the cookie. A Bearer header wins over the cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(settings.auth.cookie_name)
    return (cookie, True) if cookie else (None, False)


def check_origin(request: Request, settings: Settings) -> None:
    """CSRF defence for cookie-authenticated writes: the request must come from the app's own
    origin or an allow-listed one, proven by Origin (or Referer when Origin is absent).
    Browsers always send Origin on cross-site writes, and scripts cannot forge it."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        raise CsrfRejected
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}"
    allowed = {o.rstrip("/") for o in settings.http.allowed_origins}
    public = urlsplit(settings.http.public_url)
    allowed.add(f"{public.scheme}://{public.netloc}")
    if origin in allowed or parts.netloc == request.headers.get("host"):
        return
    raise CsrfRejected


async def get_principal(request: Request, resources: ResourcesDep, db: SessionDep) -> Principal:
    settings = resources.settings
    token, via_cookie = read_token(request, settings)
    if token is None:
        raise NotAuthenticated
    if via_cookie and request.method not in SAFE_METHODS:
        check_origin(request, settings)
    record = await SessionStore(resources.table, settings.auth).resolve(token)
    if record is None:
        raise SessionExpired
    user = await users.get_by_id(db, record.user_id)
    if user is None:
        raise SessionExpired
    request.state.user_id = user.id
    return Principal(user=user, token=token, session=record, via_cookie=via_cookie)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_current_user(principal: CurrentPrincipal) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(get_current_user)]
