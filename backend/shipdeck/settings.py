"""The one settings object. Nothing else in the code reads the environment.

Every variable is `SHIPDECK_<GROUP>_<NAME>`, e.g. `SHIPDECK_DATABASE_URL`,
`SHIPDECK_DEEPSEEK_API_KEY`: the first `_` after the prefix separates the group from the field.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import quote_plus

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shipdeck import runtime_contract

DEFAULT_DATA_DIR = Path(".data")


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = runtime_contract.CONTAINER_PORT
    # Origins allowed for CORS and for cookie-authenticated writes (CSRF check). The app's own
    # origin is always allowed.
    allowed_origins: list[str] = Field(default_factory=list)
    public_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 256 * 1024
    # Addresses whose X-Forwarded-For is believed (the load balancer's subnets in production).
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    keepalive_timeout_seconds: int = runtime_contract.SERVER_KEEPALIVE_TIMEOUT_SECONDS
    drain_seconds: float = runtime_contract.DRAIN_SECONDS
    graceful_shutdown_seconds: float = runtime_contract.GRACEFUL_SHUTDOWN_SECONDS
    # Directory of the built web app to serve at "/" (the local run); empty to serve none.
    static_dir: str = ""


class DatabaseSettings(BaseModel):
    # Either a full SQLAlchemy URL, or the parts below (production: parts come from the RDS
    # secret). Without either, an SQLite file under the data directory.
    url: str = ""
    host: str = ""
    port: int = 3306
    name: str = "shipdeck"
    user: str = ""
    password: SecretStr = SecretStr("")
    pool_size: int = 10
    max_overflow: int = 10
    # Fail fast: a request must not wait longer than this for a connection.
    pool_timeout_seconds: float = 3.0
    connect_timeout_seconds: float = 3.0
    # Longest a single statement may run before the request fails with 503.
    statement_timeout_seconds: float = 10.0
    pool_recycle_seconds: int = 1800
    migrate_on_start: bool = False
    echo: bool = False

    def resolved_url(self, data_dir: Path) -> str:
        if self.url:
            return self.url
        if self.host:
            password = quote_plus(self.password.get_secret_value())
            user = quote_plus(self.user)
            return (
                f"mysql+asyncmy://{user}:{password}@{self.host}:{self.port}/{self.name}"
                "?charset=utf8mb4"
            )
        return f"sqlite+aiosqlite:///{(data_dir / 'shipdeck.sqlite3').resolve()}"


class DynamoDBSettings(BaseModel):
    table_name: str = "shipdeck"
    # Empty means the real AWS endpoint for the region; the local run and tests point this at a
    # DynamoDB-API server on loopback.
    endpoint_url: str = ""
    region: str = "us-east-1"
    # Local servers still need some credentials to sign requests.
    access_key_id: str = ""
    secret_access_key: SecretStr = SecretStr("")
    connect_timeout_seconds: float = 1.0
    read_timeout_seconds: float = 2.0
    # Tries per call, the first included (so a dead endpoint fails within ~2 x 3 s).
    max_attempts: int = 2
    create_table: bool = False


class AuthSettings(BaseModel):
    session_idle_minutes: int = 60 * 24
    session_absolute_hours: int = 24 * 14
    cookie_name: str = "shipdeck_session"
    cookie_secure: bool = True
    # argon2id cost; OWASP's minimum is m=19 MiB, t=2. Tests lower it to stay fast.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    argon2_parallelism: int = 1
    # Failed sign-ins allowed per window, per account and per client address.
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: int = 15 * 60
    # Accounts created per client address per hour (scripted sign-up is refused beyond it).
    signups_per_address_per_hour: int = 20


class LogSettings(BaseModel):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # JSON for machines (CloudWatch); "console" for a human at a terminal.
    format: Literal["json", "console"] = "json"


class ResilienceSettings(BaseModel):
    """How a call to an external service is bounded (docs/integrations.md explains the numbers)."""

    connect_timeout_seconds: float = 3.0
    read_timeout_seconds: float = 20.0
    # Whole call, retries included; a stream has its own deadline.
    total_timeout_seconds: float = 30.0
    retry_attempts: int = 3
    retry_initial_wait_seconds: float = 0.2
    retry_max_wait_seconds: float = 2.0
    # Consecutive failures that open the breaker, and how long it stays open before a trial.
    breaker_threshold: int = 5
    breaker_open_seconds: float = 30.0
    # At most this many calls in flight per process; the next waits this long, then fails.
    max_concurrency: int = 100
    queue_timeout_seconds: float = 0.5


class DeepSeekSettings(ResilienceSettings):
    # Empty key: the local run starts the DeepSeek simulator and uses its key.
    api_key: SecretStr = SecretStr("")
    base_url: str = "http://127.0.0.1:8101"
    model: str = "deepseek-v4-flash"
    # Thinking mode makes every answer wait for a long hidden reasoning; the co-pilot's tasks
    # do not need it.
    thinking: bool = False
    # Before the first token: connection, queueing and retries.
    first_token_timeout_seconds: float = 30.0
    stream_deadline_seconds: float = 180.0
    max_concurrency: int = 1000
    retry_attempts: int = 2


class SleakOpsSettings(ResilienceSettings):
    # Empty key: the local run starts the SleakOps simulator and uses its key.
    api_key: SecretStr = SecretStr("")
    base_url: str = "http://127.0.0.1:8102/api/"
    read_timeout_seconds: float = 10.0
    total_timeout_seconds: float = 15.0


class ReleaseSettings(BaseModel):
    # The outbox relay and the reconciler run inside every API process.
    background_workers: bool = True
    # How often the reconciler looks for releases to poll, and how often one release is polled.
    reconcile_interval_seconds: float = 2.0
    poll_interval_seconds: float = 5.0
    # A process that claims a release to poll holds it this long at most (then another may).
    poll_lease_seconds: float = 60.0
    # Unfinished after this long: the release ends as timed_out (SleakOps' CLI waits 180 min).
    deadline_minutes: int = 60
    # A release still without a SleakOps id after this long was interrupted mid-submission.
    submission_grace_seconds: float = 120.0
    # SleakOps answering 404 for a release this many polls in a row ends it as error.
    max_not_found_polls: int = 5
    relay_interval_seconds: float = 1.0
    relay_batch_size: int = 100


class TimelineSettings(BaseModel):
    heartbeat_seconds: float = runtime_contract.SSE_HEARTBEAT_SECONDS
    # How often a process reads new events of a project that has live subscribers.
    poll_interval_seconds: float = 0.5
    # Browsers wait this long before reconnecting a closed stream.
    retry_milliseconds: int = 2000


class AssistantSettings(BaseModel):
    daily_token_quota: int = 200_000
    max_output_tokens: int = 1200
    # Bounded prompts: the project context, history and release data are cut to fit.
    max_prompt_chars: int = 24_000
    history_messages: int = 20
    max_message_chars: int = 8_000


class DemoSettings(BaseModel):
    email: str = "demo@example.com"
    password: SecretStr = SecretStr("shipdeck-demo")
    name: str = "Demo User"
    team: str = "Demo Team"
    project: str = "shipdeck-demo"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SHIPDECK_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="ignore",
    )

    environment: Literal["local", "test", "dev", "prod"] = "local"
    data_dir: Path = DEFAULT_DATA_DIR
    http: HttpSettings = Field(default_factory=HttpSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    dynamodb: DynamoDBSettings = Field(default_factory=DynamoDBSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    deepseek: DeepSeekSettings = Field(default_factory=DeepSeekSettings)
    sleakops: SleakOpsSettings = Field(default_factory=SleakOpsSettings)
    releases: ReleaseSettings = Field(default_factory=ReleaseSettings)
    timeline: TimelineSettings = Field(default_factory=TimelineSettings)
    assistant: AssistantSettings = Field(default_factory=AssistantSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()

    @cached_property
    def database_url(self) -> str:
        return self.database.resolved_url(self.data_dir)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
