"""The SleakOps simulator: the endpoints the `sleakops` CLI uses, under the API prefix
(default /api/) and the console prefix (default /console/api/), plus its control API."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from starlette.requests import cookie_parser

from shipdeck_local.simulators.common.exchange import Exchange
from shipdeck_local.simulators.common.faults import Fault
from shipdeck_local.simulators.common.routing import Matched, Route, Router
from shipdeck_local.simulators.common.simulator import ControlError, Simulator
from shipdeck_local.simulators.sleakops.config import (
    ProjectFixture,
    SleakOpsConfig,
    UserFixture,
)
from shipdeck_local.simulators.sleakops.directory import Account, Directory
from shipdeck_local.simulators.sleakops.presets import PRESETS
from shipdeck_local.simulators.sleakops.releases import Kind, Release
from shipdeck_local.simulators.sleakops.scripts import ReleaseScript, ScriptQueue
from shipdeck_local.simulators.sleakops.sessions import InvalidToken, TokenIssuer, iso_utc
from shipdeck_local.simulators.sleakops.validation import (
    BodyInvalid,
    check_build,
    check_deploy,
    parse_json_object,
)

NOT_FOUND = {"detail": "Not found."}
NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}
NO_PERMISSION = {"detail": "You do not have permission to perform this action."}
AMBIGUOUS = "Multiple projects found with the same name and branch"

HTML_ERROR_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 408: "Request Timeout", 412: "Precondition Failed",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip
FAULT_DETAILS = {
    400: "Bad request.",
    401: "Incorrect authentication credentials.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    429: "Request was throttled.",
    500: "A server error occurred.",
}
_PROJECTS = TypeAdapter(ProjectFixture)


@dataclass(frozen=True)
class Caller:
    """Who is calling a session route: a user (Bearer) or an account's API key."""

    user: UserFixture | None
    accounts: list[Account]


class SleakOpsSimulator(Simulator[SleakOpsConfig]):
    def __init__(self, config: SleakOpsConfig) -> None:
        self.directory = Directory(config)
        self.scripts = ScriptQueue()
        self.releases: dict[str, Release] = {}
        self.issuer = self._new_issuer(config)
        super().__init__(config, PRESETS)

    def _new_issuer(self, config: SleakOpsConfig) -> TokenIssuer:
        return TokenIssuer(
            config.jwt_secret,
            access_lifetime_s=config.access_lifetime_s,
            refresh_lifetime_s=config.refresh_lifetime_s,
            rng=random.Random(config.seed + 1),
        )

    def reset_state(self) -> None:
        self.directory = Directory(self.config)
        self.scripts.clear()
        self.releases.clear()
        self.issuer = self._new_issuer(self.config)
        self.api = Router(self.api_routes())

    def update_settings(self, changes: Mapping[str, Any]) -> SleakOpsConfig:
        config = super().update_settings(changes)
        self.issuer.access_lifetime_s = config.access_lifetime_s
        self.issuer.refresh_lifetime_s = config.refresh_lifetime_s
        self.api = Router(self.api_routes())
        return config

    # -- routing -------------------------------------------------------------------------------

    def api_routes(self) -> list[Route]:
        api, console = self.config.api_prefix, self.config.console_prefix
        return [
            Route("POST", f"{api}cli-build/", self.create_build),
            Route("GET", f"{api}cli-build/{{id}}/", self.poll_build, name="poll:build"),
            Route("POST", f"{api}cli-deployment/", self.create_deploy),
            Route("GET", f"{api}cli-deployment/{{id}}/", self.poll_deploy, name="poll:deploy"),
            Route("POST", f"{api}login/", self.login),
            Route("POST", f"{api}token/refresh/", self.refresh_token),
            Route("GET", f"{api}account/", self.list_accounts),
            Route("GET", f"{api}project-env/", self.list_project_envs),
            Route("GET", f"{api}service/", self.list_services),
            Route("GET", f"{api}cluster/", self.list_clusters),
            Route("GET", f"{console}cluster/{{id}}/kube-config/", self.kube_config),
        ]

    def control_routes(self) -> list[Route]:
        return [
            Route("GET", "/_sim/scripts", self._control_list_scripts),
            Route("POST", "/_sim/scripts", self._control_add_script),
            Route("DELETE", "/_sim/scripts", self._control_clear_scripts),
            Route("GET", "/_sim/projects", self._control_list_projects),
            Route("POST", "/_sim/projects", self._control_add_project),
            Route("GET", "/_sim/releases", self._control_list_releases),
            Route("GET", "/_sim/releases/{release_id}", self._control_get_release),
            Route("POST", "/_sim/tokens", self._control_issue_tokens),
        ]

    async def before_dispatch(self, exchange: Exchange) -> None:
        """Count every poll of a known release, even one a fault will answer."""
        if exchange.method != "GET":
            return
        found = self.api.match("GET", exchange.path)
        if not isinstance(found, Matched) or not found.route.name.startswith("poll:"):
            return
        release = self.releases.get(found.params["id"])
        if release is not None and found.route.name == f"poll:{release.kind}":
            release.polls += 1
            exchange.entry.resource_id = release.id
            exchange.entry.poll_number = release.polls

    # -- error answers -------------------------------------------------------------------------

    async def respond_fault_status(self, exchange: Exchange, fault: Fault) -> None:
        status = fault.status or 500
        reason = REASONS.get(status, "Error")
        if fault.body is not None:
            if fault.body_format == "json":
                await exchange.respond_json(status, fault.body)
            else:
                await exchange.respond_text(status, str(fault.body))
        elif fault.body_format == "json":
            detail = fault.message or FAULT_DETAILS.get(status, reason)
            await exchange.respond_json(status, {"detail": detail})
        elif fault.body_format == "text":
            await exchange.respond_text(status, fault.message or reason)
        elif fault.body_format == "html":
            page = HTML_ERROR_PAGE.format(status=status, reason=reason)
            await exchange.respond_text(status, page, "text/html")
        else:
            await exchange.respond(status, b"", None)

    async def respond_not_found(self, exchange: Exchange) -> None:
        await exchange.respond_json(404, NOT_FOUND)

    async def respond_wrong_method(self, exchange: Exchange, allowed: list[str]) -> None:
        await exchange.respond_json(
            405,
            {"detail": f'Method "{exchange.method}" not allowed.'},
            [("allow", ", ".join(allowed))],
        )

    async def _listing(self, exchange: Exchange, items: list[Any]) -> None:
        if self.config.paginate_listings:
            body: Any = {"count": len(items), "next": None, "previous": None, "results": items}
        else:
            body = items
        await exchange.respond_json(200, body)

    # -- authentication --------------------------------------------------------------------------

    def _authorization(self, exchange: Exchange) -> tuple[str, str]:
        scheme, _, credential = exchange.headers.get("authorization", "").partition(" ")
        return scheme, credential.strip()

    async def _api_key_account(self, exchange: Exchange) -> Account | None:
        scheme, key = self._authorization(exchange)
        if not scheme:
            await exchange.respond_json(401, NO_CREDENTIALS, [("www-authenticate", "Api-Key")])
            return None
        account = (
            self.directory.account_named(self.config.api_keys[key])
            if scheme == "Api-Key" and key in self.config.api_keys
            else None
        )
        if account is None:
            await exchange.respond_json(
                401, {"detail": "Invalid API key."}, [("www-authenticate", "Api-Key")]
            )
        return account

    async def _caller(self, exchange: Exchange, *, needs_account: bool) -> Caller | None:
        """Bearer JWT (or an API key, if allowed) plus the account header; None once answered."""
        scheme, credential = self._authorization(exchange)
        challenge = [("www-authenticate", 'Bearer realm="api"')]
        if not scheme:
            await exchange.respond_json(401, NO_CREDENTIALS, challenge)
            return None
        user: UserFixture | None = None
        if scheme == "Api-Key" and self.config.api_key_on_bearer_routes:
            account = await self._api_key_account(exchange)
            if account is None:
                return None
            allowed = [account]
        elif scheme == "Bearer":
            try:
                claims = self.issuer.verify(credential, "access")
            except InvalidToken as exc:
                body = {
                    "detail": "Given token not valid for any token type",
                    "code": "token_not_valid",
                    "messages": [
                        {"token_class": "AccessToken", "token_type": "access", "message": str(exc)}
                    ],
                }
                await exchange.respond_json(401, body, challenge)
                return None
            user = self.directory.user_by_pk(int(claims.get("user_id", -1)))
            if user is None:
                await exchange.respond_json(
                    401, {"detail": "User not found", "code": "user_not_found"}, challenge
                )
                return None
            allowed = self.directory.accounts_of(user)
        else:
            await exchange.respond_json(
                401, {"detail": "Invalid authentication scheme."}, challenge
            )
            return None
        if not needs_account:
            return Caller(user, allowed)
        header = exchange.headers.get("account")
        if header is None:
            if self.config.require_account_header:
                await exchange.respond_json(400, {"detail": "The account header is required."})
                return None
            return Caller(user, allowed)
        chosen = [a for a in allowed if a.id == header]
        if not chosen:
            await exchange.respond_json(403, NO_PERMISSION)
            return None
        return Caller(user, chosen)

    # -- builds and deployments ----------------------------------------------------------------

    async def create_build(self, exchange: Exchange) -> None:
        await self._create(exchange, "build")

    async def create_deploy(self, exchange: Exchange) -> None:
        await self._create(exchange, "deploy")

    async def _reject(self, exchange: Exchange, detail: str) -> None:
        await exchange.respond_json(self.config.reject_status, {"detail": detail})

    async def _create(self, exchange: Exchange, kind: Kind) -> None:
        account = await self._api_key_account(exchange)
        if account is None:
            return
        try:
            data = parse_json_object(exchange.body)
            fields = check_build(data) if kind == "build" else check_deploy(data)
        except BodyInvalid as invalid:
            await exchange.respond_json(400, invalid.errors)
            return
        project = data["project_env"]["project_name"]
        requested_env = (
            fields["environment"] if kind == "build" else data["project_env"]["environment_name"]
        )
        branch, image = fields.get("branch"), fields.get("image")
        rejection = self.scripts.take(kind, project, requested_env, branch, image, rejections=True)
        if rejection is not None and rejection.reject is not None:
            await exchange.respond_json(rejection.reject.status, rejection.reject.body)
            return

        envs = self.directory.envs_of(project, account.id)
        if not envs:
            await self._reject(exchange, f"Project '{project}' not found.")
            return
        if requested_env is not None:
            project_env = next((pe for pe in envs if pe.environment_name == requested_env), None)
            if project_env is None:
                await self._reject(
                    exchange, f"Environment '{requested_env}' not found for project '{project}'."
                )
                return
        else:
            # A build names no environment: the one whose branch matches, or, when no
            # environment tracks that branch, the project's first environment.
            tracking = [pe for pe in envs if pe.branch == branch]
            if len(tracking) > 1:
                await self._reject(exchange, AMBIGUOUS)
                return
            project_env = tracking[0] if tracking else envs[0]
        if kind == "deploy" and fields["build"] is not None:
            build = self.releases.get(fields["build"])
            if build is None or build.kind != "build" or build.account_id != account.id:
                await exchange.respond_json(
                    400, {"build": [f'Invalid pk "{fields["build"]}" - object does not exist.']}
                )
                return

        script = self.scripts.take(
            kind, project, project_env.environment_name, branch, image, rejections=False
        )
        defaults = self.config.build_steps if kind == "build" else self.config.deploy_steps
        release = Release(
            id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            kind=kind,
            account_id=account.id,
            project_env=project_env,
            request_body=data,
            fields=fields,
            steps=script.build_steps(defaults) if script else list(defaults),
            script_id=script.id if script else None,
        )
        self.releases[release.id] = release
        await exchange.respond_json(self.config.create_status, release.as_json())

    async def poll_build(self, exchange: Exchange) -> None:
        await self._poll(exchange, "build")

    async def poll_deploy(self, exchange: Exchange) -> None:
        await self._poll(exchange, "deploy")

    async def _poll(self, exchange: Exchange, kind: Kind) -> None:
        account = await self._api_key_account(exchange)
        if account is None:
            return
        release = self.releases.get(exchange.params["id"])
        if release is None or release.kind != kind or release.account_id != account.id:
            await exchange.respond_json(404, NOT_FOUND)
            return
        await exchange.respond_json(200, release.serve_poll())

    # -- sessions --------------------------------------------------------------------------------

    def _refresh_cookie(self, token: str) -> tuple[str, str]:
        max_age = int(self.config.refresh_lifetime_s)
        return (
            "set-cookie",
            f"{self.config.refresh_cookie_name}={token}; HttpOnly; Max-Age={max_age}; Path=/; "
            "SameSite=Lax",
        )

    async def login(self, exchange: Exchange) -> None:
        try:
            data = parse_json_object(exchange.body)
        except BodyInvalid as invalid:
            await exchange.respond_json(400, invalid.errors)
            return
        missing = {
            name: ["This field is required."]
            for name in ("email", "password")
            if not isinstance(data.get(name), str) or not data[name]
        }
        if missing:
            await exchange.respond_json(400, missing)
            return
        user = self.directory.user_by_email(data["email"])
        if user is None or user.password != data["password"]:
            await exchange.respond_json(
                self.config.login_failure_status,
                {"non_field_errors": ["Unable to log in with provided credentials."]},
            )
            return
        pair = self.issuer.pair(user.pk)
        in_cookie = self.config.refresh_delivery == "cookie"
        body = {
            "access": pair.access,
            "refresh": "" if in_cookie else pair.refresh,
            "user": {
                "pk": user.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "mfa_enabled": False,
            },
        }
        headers = [self._refresh_cookie(pair.refresh)] if in_cookie else []
        await exchange.respond_json(200, body, headers)

    async def refresh_token(self, exchange: Exchange) -> None:
        try:
            data = parse_json_object(exchange.body) if exchange.body.strip() else {}
        except BodyInvalid as invalid:
            await exchange.respond_json(400, invalid.errors)
            return
        cookies = cookie_parser(exchange.headers.get("cookie", ""))
        token = data.get("refresh") or cookies.get("refresh_token") or cookies.get("refresh")
        if not isinstance(token, str) or not token:
            await exchange.respond_json(
                401, {"detail": "No valid refresh token found.", "code": "token_not_valid"}
            )
            return
        try:
            claims = self.issuer.verify(token, "refresh")
        except InvalidToken as exc:
            await exchange.respond_json(401, {"detail": str(exc), "code": "token_not_valid"})
            return
        user_pk = int(claims["user_id"])
        access, expires_at = self.issuer.access_token(user_pk)
        body: dict[str, Any] = {"access": access, "access_expiration": iso_utc(expires_at)}
        headers = []
        if self.config.rotate_refresh_tokens:
            self.issuer.revoke(claims)
            rotated = self.issuer.refresh_token(user_pk)
            if self.config.refresh_delivery == "cookie":
                headers.append(self._refresh_cookie(rotated))
            else:
                body["refresh"] = rotated
        await exchange.respond_json(200, body, headers)

    # -- listings --------------------------------------------------------------------------------

    async def list_accounts(self, exchange: Exchange) -> None:
        caller = await self._caller(exchange, needs_account=False)
        if caller is not None:
            await self._listing(exchange, [{"id": a.id, "name": a.name} for a in caller.accounts])

    async def list_project_envs(self, exchange: Exchange) -> None:
        caller = await self._caller(exchange, needs_account=True)
        if caller is None:
            return
        ids = {a.id for a in caller.accounts}
        items = [pe.as_json() for pe in self.directory.project_envs if pe.account_id in ids]
        await self._listing(exchange, items)

    async def list_services(self, exchange: Exchange) -> None:
        caller = await self._caller(exchange, needs_account=True)
        if caller is None:
            return
        ids = {a.id for a in caller.accounts}
        wanted = exchange.query_params.get("project_env_id")
        items = [
            service
            for pe in self.directory.project_envs
            if pe.account_id in ids and (wanted is None or pe.id == wanted)
            for service in pe.services
        ]
        await self._listing(exchange, items)

    async def list_clusters(self, exchange: Exchange) -> None:
        caller = await self._caller(exchange, needs_account=True)
        if caller is None:
            return
        ids = {a.id for a in caller.accounts}
        items = [c.as_json() for c in self.directory.clusters if c.account_id in ids]
        await self._listing(exchange, items)

    async def kube_config(self, exchange: Exchange) -> None:
        caller = await self._caller(exchange, needs_account=True)
        if caller is None:
            return
        ids = {a.id for a in caller.accounts}
        cluster = next(
            (
                c
                for c in self.directory.clusters
                if c.id == exchange.params["id"] and c.account_id in ids
            ),
            None,
        )
        if cluster is None:
            await exchange.respond_json(404, NOT_FOUND)
            return
        await exchange.respond_json(200, cluster.kubeconfig())

    # -- control API -----------------------------------------------------------------------------

    async def _control_list_scripts(self, exchange: Exchange) -> None:
        await exchange.respond_json(
            200, [s.model_dump(mode="json") for s in self.scripts.pending()]
        )

    async def _control_add_script(self, exchange: Exchange) -> None:
        script = self.scripts.add(ReleaseScript.model_validate(self.control_body(exchange)))
        await exchange.respond_json(201, script.model_dump(mode="json"))

    async def _control_clear_scripts(self, exchange: Exchange) -> None:
        self.scripts.clear()
        await exchange.respond_json(200, {"ok": True})

    async def _control_list_projects(self, exchange: Exchange) -> None:
        await exchange.respond_json(200, [pe.as_json() for pe in self.directory.project_envs])

    async def _control_add_project(self, exchange: Exchange) -> None:
        project = _PROJECTS.validate_python(self.control_body(exchange))
        try:
            added = self.directory.add_project(project)
        except ValueError as exc:
            raise ControlError(str(exc)) from exc
        await exchange.respond_json(201, [pe.as_json() for pe in added])

    async def _control_list_releases(self, exchange: Exchange) -> None:
        await exchange.respond_json(200, [r.view() for r in self.releases.values()])

    async def _control_get_release(self, exchange: Exchange) -> None:
        release = self.releases.get(exchange.params["release_id"])
        if release is None:
            raise ControlError("no such release", status=404)
        await exchange.respond_json(200, release.view())

    async def _control_issue_tokens(self, exchange: Exchange) -> None:
        """Mint tokens without a login, e.g. an already expired access token."""
        body = self.control_body(exchange)
        user = self.directory.user_by_email(str(body.get("email", "")))
        if user is None:
            raise ControlError("no such user")
        lifetime = body.get("access_lifetime_s")
        access, expires_at = self.issuer.access_token(
            user.pk, None if lifetime is None else float(lifetime)
        )
        await exchange.respond_json(
            200,
            {
                "access": access,
                "refresh": self.issuer.refresh_token(user.pk),
                "access_expiration": iso_utc(expires_at),
                "accounts": [
                    {"id": a.id, "name": a.name} for a in self.directory.accounts_of(user)
                ],
            },
        )


def create_app(config: SleakOpsConfig | None = None) -> SleakOpsSimulator:
    """The SleakOps simulator as an ASGI app."""
    return SleakOpsSimulator(config or SleakOpsConfig())
