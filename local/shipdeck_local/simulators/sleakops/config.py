"""Everything about the SleakOps simulator that a test or the local run may want to change."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shipdeck_local.simulators.common.simulator import SimulatorConfig

LOCAL_API_KEY = "shipdeck-local-key"
DEMO_ACCOUNT = "Shipdeck Demo"
DEMO_PROJECT = "shipdeck-demo"


class Step(BaseModel):
    """One state of a build or deployment and how long it lasts.

    A step ends after ``seconds`` of wall-clock time or after it was reported to ``polls``
    polls, whichever comes first. A step with neither holds for ever (the last step of a
    script always holds). Any state string is allowed: the CLI ignores all but initial,
    creating, created and error.
    """

    model_config = ConfigDict(extra="forbid")

    state: str
    seconds: float | None = None
    polls: int | None = None
    # The `errors` text shown in this step; "" when None.
    errors: str | None = None
    # Leave the key out of poll answers (the CLI crashes on this; our own client must not).
    omit_state: bool = False
    omit_errors: bool = False


def default_steps(initial_s: float = 1.0, creating_s: float = 2.0) -> list[Step]:
    return [
        Step(state="initial", seconds=initial_s),
        Step(state="creating", seconds=creating_s),
        Step(state="created"),
    ]


class EnvironmentFixture(BaseModel):
    name: str
    # The branch this environment builds by default; builds are matched to it.
    branch: str = "main"


class ProjectFixture(BaseModel):
    name: str
    environments: list[EnvironmentFixture]
    services: list[str] = Field(default_factory=lambda: ["web", "worker"])
    # The account (by name) the project belongs to; None for the first account.
    account: str | None = None


class AccountFixture(BaseModel):
    name: str
    # A UUID string; derived from the seed and the name when None.
    id: str | None = None


class UserFixture(BaseModel):
    email: str
    password: str
    pk: int = 1
    first_name: str = ""
    last_name: str = ""
    # Account names this user belongs to; None for every account.
    accounts: list[str] | None = None


class ClusterFixture(BaseModel):
    name: str
    account: str | None = None
    region: str = "us-east-1"


def _default_projects() -> list[ProjectFixture]:
    return [
        ProjectFixture(
            name=DEMO_PROJECT,
            environments=[
                EnvironmentFixture(name="dev", branch="develop"),
                EnvironmentFixture(name="prod", branch="main"),
            ],
        )
    ]


class SleakOpsConfig(SimulatorConfig):
    # The CLI concatenates endpoints to SLEAKOPS_API_URL, so both prefixes end with "/".
    api_prefix: str = "/api/"
    console_prefix: str = "/console/api/"
    # Accepted API keys, each mapped to the account (by name) it acts for.
    api_keys: dict[str, str] = Field(default_factory=lambda: {LOCAL_API_KEY: DEMO_ACCOUNT})

    # Sessions: real HS256 JWTs with exp.
    jwt_secret: str = "shipdeck-local-sleakops-jwt-secret"  # noqa: S105 - a local stand-in
    access_lifetime_s: float = 300.0
    refresh_lifetime_s: float = 86400.0
    # "body": login returns the refresh token in JSON. "cookie": JSON carries "" and the token
    # comes in a Set-Cookie (dj-rest-auth's cookie mode).
    refresh_delivery: Literal["body", "cookie"] = "body"
    refresh_cookie_name: Literal["refresh_token", "refresh"] = "refresh_token"
    rotate_refresh_tokens: bool = False
    login_failure_status: Literal[400, 401] = 400
    # Bearer routes: whether the `account` header must be sent, and whether an API key is
    # accepted there too. Unknown on the real service; these defaults are the strict guess.
    require_account_header: bool = True
    api_key_on_bearer_routes: bool = False

    # Listings are bare JSON arrays; True wraps them DRF-style ({"count", "results", ...}).
    paginate_listings: bool = False
    # Status of a created build/deployment, and of a refused one (unknown project, ambiguity).
    create_status: int = 201
    reject_status: Literal[400, 412] = 400
    # How builds and deployments progress when no queued script matches them.
    build_steps: list[Step] = Field(default_factory=default_steps)
    deploy_steps: list[Step] = Field(default_factory=default_steps)

    accounts: list[AccountFixture] = Field(
        default_factory=lambda: [AccountFixture(name=DEMO_ACCOUNT)]
    )
    users: list[UserFixture] = Field(
        default_factory=lambda: [
            UserFixture(
                email="demo@shipdeck.local",
                password="shipdeck-demo",  # noqa: S106 - a local stand-in
                first_name="Demo",
                last_name="User",
            )
        ]
    )
    projects: list[ProjectFixture] = Field(default_factory=_default_projects)
    clusters: list[ClusterFixture] = Field(
        default_factory=lambda: [ClusterFixture(name="shipdeck-local")]
    )
