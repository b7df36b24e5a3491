"""Configuration from JOBFAIR_* variables: defaults, clear errors, secrets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import ROOT
from app.settings import ConfigError, Settings

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"


def test_defaults_run_on_one_machine(tmp_path: Path) -> None:
    settings = Settings.from_env({"JOBFAIR_SECRET_FILE": str(tmp_path / "secret")})
    assert settings.database_url == "sqlite+aiosqlite:///./jobfair.db"
    assert settings.redis_url is None
    assert settings.environment == "development"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert len(settings.secret_key) >= 32


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    env = {"JOBFAIR_SECRET_FILE": str(tmp_path / "secret")}
    first = Settings.from_env(env).secret_key
    assert Settings.from_env(env).secret_key == first
    assert (tmp_path / "secret").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"JOBFAIR_PORT": "eighty"}, "JOBFAIR_PORT"),
        ({"JOBFAIR_PORT": "70000"}, "JOBFAIR_PORT"),
        ({"JOBFAIR_ENV": "staging"}, "JOBFAIR_ENV"),
        ({"JOBFAIR_DATABASE_URL": "mysql://x"}, "JOBFAIR_DATABASE_URL"),
        ({"JOBFAIR_REDIS_URL": "http://redis"}, "JOBFAIR_REDIS_URL"),
        ({"JOBFAIR_REDIS_NAMESPACE": "has space"}, "JOBFAIR_REDIS_NAMESPACE"),
        ({"JOBFAIR_LOG_LEVEL": "loud"}, "JOBFAIR_LOG_LEVEL"),
        ({"JOBFAIR_UPLOAD_MAX_BYTES": "-1"}, "JOBFAIR_UPLOAD_MAX_BYTES"),
        ({"JOBFAIR_ICE_SERVERS": "http://stun.example"}, "JOBFAIR_ICE_SERVERS"),
        ({"JOBFAIR_ICE_SERVERS": "[{bad json"}, "JOBFAIR_ICE_SERVERS"),
        ({"JOBFAIR_ALLOWED_ORIGINS": "example.com"}, "JOBFAIR_ALLOWED_ORIGINS"),
        ({"JOBFAIR_ENV": "production"}, "JOBFAIR_SECRET_KEY"),
        ({"JOBFAIR_ENV": "production", "JOBFAIR_SECRET_KEY": "changeme"}, "JOBFAIR_SECRET_KEY"),
        ({"JOBFAIR_ENV": "production", "JOBFAIR_SECRET_KEY": "a" * 64}, "JOBFAIR_SECRET_KEY"),
    ],
)
def test_invalid_values_name_the_variable(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    env = {"JOBFAIR_SECRET_FILE": str(tmp_path / "secret"), **env}
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env(env)


def test_production_accepts_a_strong_secret() -> None:
    settings = Settings.from_env({"JOBFAIR_ENV": "production", "JOBFAIR_SECRET_KEY": STRONG})
    assert settings.production
    assert settings.secret_key == STRONG


def test_ice_servers_in_both_forms() -> None:
    plain = Settings.from_env(
        {"JOBFAIR_SECRET_KEY": STRONG, "JOBFAIR_ICE_SERVERS": "stun:a.example:3478,turn:b.example"}
    )
    assert [s.urls for s in plain.ice_servers] == [["stun:a.example:3478"], ["turn:b.example"]]
    listed = Settings.from_env(
        {
            "JOBFAIR_SECRET_KEY": STRONG,
            "JOBFAIR_ICE_SERVERS": '[{"urls": ["turn:t.example"], "username": "u", "credential": "c"}]',
        }
    )
    assert listed.ice_servers[0].username == "u"


def test_postgres_urls_get_the_async_driver() -> None:
    settings = Settings.from_env(
        {"JOBFAIR_SECRET_KEY": STRONG, "JOBFAIR_DATABASE_URL": "postgres://u@db/jobfair"}
    )
    assert settings.database_url == "postgresql+asyncpg://u@db/jobfair"


def test_cli_reports_bad_configuration_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=tmp_path,
        env={"JOBFAIR_PORT": "eighty", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "jobfair: invalid configuration: JOBFAIR_PORT must be a whole number (got 'eighty')"
    ]
    assert "Traceback" not in result.stderr
