from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response, status

from shipdeck.auth import service
from shipdeck.auth.deps import SAFE_METHODS, CurrentUser, check_origin, read_token
from shipdeck.auth.schemas import LoginRequest, LoginResponse, SignupRequest, UserOut
from shipdeck.auth.sessions import SessionStore
from shipdeck.deps import ClientAddress, ResourcesDep, SessionDep
from shipdeck.errors import error_responses

router = APIRouter(tags=["auth"])


def user_out(user: object) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.post(
    "/api/auth/signup",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(403, 409, 422, 429),
)
async def signup(
    body: SignupRequest,
    request: Request,
    db: SessionDep,
    resources: ResourcesDep,
    address: ClientAddress,
) -> UserOut:
    if request.headers.get("origin"):
        check_origin(request, resources.settings)
    limiter = service.SignupLimiter(resources.table, resources.settings.auth)
    await limiter.check(address)
    user = await service.signup(
        db, resources.hasher, email=body.email, password=body.password, name=body.name
    )
    await limiter.record(address)
    return user_out(user)


@router.post("/api/auth/login", responses=error_responses(401, 403, 422, 429))
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    db: SessionDep,
    resources: ResourcesDep,
    address: ClientAddress,
) -> LoginResponse:
    settings = resources.settings
    if request.headers.get("origin"):
        check_origin(request, settings)
    result = await service.login(
        db,
        resources.hasher,
        SessionStore(resources.table, settings.auth),
        service.LoginLimiter(resources.table, settings.auth),
        email=body.email,
        password=body.password,
        address=address,
    )
    response.set_cookie(
        settings.auth.cookie_name,
        result.token,
        max_age=result.session.absolute_expires_at - result.session.created_at,
        httponly=True,
        secure=settings.auth.cookie_secure,
        samesite="lax",
        path="/",
    )
    return LoginResponse(
        token=result.token,
        expires_at=datetime.fromtimestamp(result.session.idle_expires_at, UTC),
        user=user_out(result.user),
    )


@router.post(
    "/api/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403),
)
async def logout(request: Request, resources: ResourcesDep) -> Response:
    """Ends the current session if there is one; always clears the cookie."""
    settings = resources.settings
    token, via_cookie = read_token(request, settings)
    if via_cookie and request.method not in SAFE_METHODS:
        check_origin(request, settings)
    if token:
        await SessionStore(resources.table, settings.auth).revoke(token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        settings.auth.cookie_name,
        path="/",
        httponly=True,
        secure=settings.auth.cookie_secure,
        samesite="lax",
    )
    return response


@router.get("/api/me", responses=error_responses(401))
async def get_me(user: CurrentUser) -> UserOut:
    return user_out(user)
