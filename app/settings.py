"""One settings object, read from ``JOBFAIR_*`` environment variables.

Every variable is documented in the README's configuration table. Invalid values raise
:class:`ConfigError` whose message names the variable; the CLI prints it as one line.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import orjson

Environment = Literal["development", "production"]
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
# Values people paste from examples; refused as secrets in production.
WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "jobfair", "development", "test"}
MIN_SECRET_LENGTH = 32
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./jobfair.db"


class ConfigError(ValueError):
    """A configuration value is missing or invalid; the message names the variable."""


@dataclass(frozen=True, slots=True)
class IceServer:
    urls: list[str]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    redis_namespace: str = "jobfair"
    secret_key: str = field(default="", repr=False)
    environment: Environment = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    upload_dir: Path = Path("./uploads")
    upload_max_bytes: int = 5 * 1024 * 1024
    ice_servers: tuple[IceServer, ...] = ()
    turn_secret: str | None = field(default=None, repr=False)
    log_level: str = "info"
    allowed_origins: tuple[str, ...] = ()
    ws_max_connections: int = 20_000
    ws_max_frame_bytes: int = 16 * 1024
    ws_send_buffer_bytes: int = 1024 * 1024
    ws_idle_timeout_s: float = 75.0
    session_max_age_s: int = 14 * 24 * 3600

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from the environment, raising ConfigError on the first bad value."""
        env = os.environ if env is None else env
        reader = _Reader(env)
        environment = reader.choice("JOBFAIR_ENV", ("development", "production"), "development")
        settings = cls(
            database_url=reader.database_url(),
            redis_url=reader.redis_url(),
            redis_namespace=reader.namespace(),
            secret_key=reader.secret_key(production=environment == "production"),
            environment=environment,  # type: ignore[arg-type]
            host=reader.text("JOBFAIR_HOST", "127.0.0.1"),
            port=reader.integer("JOBFAIR_PORT", 8000, 1, 65535),
            upload_dir=Path(reader.text("JOBFAIR_UPLOAD_DIR", "./uploads")),
            upload_max_bytes=reader.integer(
                "JOBFAIR_UPLOAD_MAX_BYTES", 5 * 1024 * 1024, 1024, 1 << 30
            ),
            ice_servers=reader.ice_servers(),
            turn_secret=env.get("JOBFAIR_TURN_SECRET") or None,
            log_level=reader.choice("JOBFAIR_LOG_LEVEL", LOG_LEVELS, "info"),
            allowed_origins=reader.origins(),
            ws_max_connections=reader.integer("JOBFAIR_WS_MAX_CONNECTIONS", 20_000, 1, 1_000_000),
            ws_max_frame_bytes=reader.integer(
                "JOBFAIR_WS_MAX_FRAME_BYTES", 16 * 1024, 256, 1 << 20
            ),
            ws_send_buffer_bytes=reader.integer(
                "JOBFAIR_WS_SEND_BUFFER_BYTES", 1024 * 1024, 16 * 1024, 64 << 20
            ),
        )
        return settings


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str, default: str) -> str:
        value = self.env.get(name, "").strip()
        return value or default

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high} (got {value})")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        raw = self.env.get(name, "").strip().lower()
        if not raw:
            return default
        if raw not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)} (got {raw!r})")
        return raw

    def database_url(self) -> str:
        name = "JOBFAIR_DATABASE_URL"
        url = self.text(name, DEFAULT_DATABASE_URL)
        if url.startswith(("postgres://", "postgresql://")):
            # Accept the common libpq spelling and name the async driver ourselves.
            url = "postgresql+asyncpg://" + url.split("://", 1)[1]
        if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ConfigError(
                f"{name} must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (got {url!r})"
            )
        return url

    def redis_url(self) -> str | None:
        name = "JOBFAIR_REDIS_URL"
        url = self.env.get(name, "").strip()
        if not url or url == "memory://":
            return None
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(
                f"{name} must start with redis://, rediss:// or unix:// (got {url!r})"
            )
        return url

    def namespace(self) -> str:
        name = "JOBFAIR_REDIS_NAMESPACE"
        value = self.text(name, "jobfair")
        if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}", value):
            raise ConfigError(
                f"{name} must be 1-40 letters, digits, '.', '_' or '-' (got {value!r})"
            )
        return value

    def secret_key(self, *, production: bool) -> str:
        name = "JOBFAIR_SECRET_KEY"
        key = self.env.get(name, "").strip()
        if production:
            if not key:
                raise ConfigError(f"{name} is required when JOBFAIR_ENV=production")
            if len(key) < MIN_SECRET_LENGTH or key.lower() in WEAK_SECRETS or len(set(key)) < 10:
                raise ConfigError(
                    f"{name} is too weak: use at least {MIN_SECRET_LENGTH} random characters "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            return key
        if key:
            return key
        return _development_secret(Path(self.text("JOBFAIR_SECRET_FILE", ".jobfair-secret")))

    def ice_servers(self) -> tuple[IceServer, ...]:
        name = "JOBFAIR_ICE_SERVERS"
        raw = self.env.get(name, "").strip()
        if not raw:
            return ()
        if not raw.startswith("["):
            # Plain comma-separated URLs: "stun:stun.example.org:3478,turn:turn.example.org".
            urls = [u.strip() for u in raw.split(",") if u.strip()]
            bad = [u for u in urls if not u.startswith(("stun:", "turn:", "turns:"))]
            if bad:
                raise ConfigError(
                    f"{name} entries must start with stun:, turn: or turns: (got {bad[0]!r})"
                )
            return tuple(IceServer(urls=[u]) for u in urls)
        try:
            items = orjson.loads(raw)
            return tuple(
                IceServer(
                    urls=[item["urls"]] if isinstance(item["urls"], str) else list(item["urls"]),
                    username=item.get("username"),
                    credential=item.get("credential"),
                )
                for item in items
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise ConfigError(
                f"{name} must be comma-separated URLs or a JSON list of "
                '{"urls": ..., "username": ..., "credential": ...} objects'
            ) from None

    def origins(self) -> tuple[str, ...]:
        name = "JOBFAIR_ALLOWED_ORIGINS"
        raw = self.env.get(name, "").strip()
        origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
        for origin in origins:
            if not origin.startswith(("http://", "https://")):
                raise ConfigError(
                    f"{name} entries must start with http:// or https:// (got {origin!r})"
                )
        return origins


def _development_secret(path: Path) -> str:
    """Generate a secret once and keep it next to the database, so restarts keep sessions."""
    try:
        existing = path.read_text().strip()
    except FileNotFoundError:
        existing = ""
    except OSError as exc:
        raise ConfigError(
            f"JOBFAIR_SECRET_FILE {str(path)!r} cannot be read: {exc.strerror}"
        ) from None
    if len(existing) >= MIN_SECRET_LENGTH:
        return existing
    key = secrets.token_urlsafe(48)
    try:
        path.write_text(key + "\n")
        path.chmod(0o600)
    except OSError as exc:
        raise ConfigError(
            f"JOBFAIR_SECRET_FILE {str(path)!r} cannot be written: {exc.strerror}"
        ) from None
    return key
