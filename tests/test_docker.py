"""Static checks of the Docker deployment in docker/ (no Docker engine needed).

compose.yaml is loaded with PyYAML and its ``${VAR}`` expressions are interpolated by a
small re-implementation of Compose's rules; nginx.conf and the Dockerfile are checked
textually.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # not needed once the package is installed (pip install -e .)
    sys.path.append(str(ROOT))

from app.settings import ConfigError, Settings  # noqa: E402

DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
NGINX = DOCKER / "nginx.conf"
DOCKERFILE = DOCKER / "Dockerfile"
ENV_EXAMPLE = DOCKER / ".env.example"
SETTINGS = ROOT / "app" / "settings.py"

APP_SERVICES = ("app1", "app2")
SECRETS = ("JOBFAIR_SECRET_KEY", "POSTGRES_PASSWORD", "TURN_SECRET")
# Strong, distinct example values: a mix-up between two secrets cannot go unnoticed.
DOTENV: dict[str, str] = {
    "JOBFAIR_SECRET_KEY": "Zq3v9XkT2mLr8bNw4hYp7sDc1fGj6uEa0oKi5tRx",
    "POSTGRES_PASSWORD": "5f0c3e9a7b2d4c6e8a1b3d5f7e9c0a2b",
    "TURN_SECRET": "a8d3f1c7e5b9024d6c8e0f2a4b6d8e1c",
    "TURN_PUBLIC_HOST": "turn.example.org",
}


# -- Compose interpolation -----------------------------------------------------------------


class InterpolationError(ValueError):
    """Raised like ``docker compose`` does for ``${VAR:?msg}`` / ``${VAR?msg}``."""


_EXPRESSION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>.*))?", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Substitute ``$$``, ``$VAR``, ``${VAR}``, ``${VAR[:]-default}`` and ``${VAR[:]?msg}``."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        braced = _BRACED.fullmatch(match["braced"])
        if braced is None:
            raise InterpolationError(f"invalid interpolation format: {match[0]!r}")
        name, op, arg = braced["name"], braced["op"], braced["arg"] or ""
        value = env.get(name)
        if op is None:
            return value or ""
        # With a colon, an empty value counts as missing; without one, only an unset one.
        missing = value is None or (op.startswith(":") and value == "")
        if op.endswith("-"):
            return arg if missing else str(value)
        if missing:
            raise InterpolationError(f"required variable {name} is missing a value: {arg}")
        return str(value)

    return _EXPRESSION.sub(replace, text)


def interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    """Interpolate every string value (not key) of a parsed YAML document, like Compose."""
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    return node


def references(text: str) -> set[str]:
    """Names of the variables an interpolated string reads."""
    names: set[str] = set()
    for match in _EXPRESSION.finditer(text):
        if match["named"]:
            names.add(match["named"])
        elif match["braced"] is not None:
            braced = _BRACED.fullmatch(match["braced"])
            assert braced is not None, match[0]
            names.add(braced["name"])
    return names


def tree_references(node: Any) -> set[str]:
    """Names of the variables read anywhere in a parsed (not yet interpolated) document."""
    if isinstance(node, str):
        return references(node)
    if isinstance(node, dict):
        return set().union(*(tree_references(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(tree_references(item) for item in node))
    return set()


def raw_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def compose(env: Mapping[str, str] = DOTENV) -> dict[str, Any]:
    result = interpolate_tree(raw_compose(), env)
    assert isinstance(result, dict)
    return result


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment as a dict (Compose also allows a list of KEY=VALUE)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def app_env(env: Mapping[str, str] = DOTENV) -> dict[str, str]:
    return environment(compose(env)["services"]["app1"])


def read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not KEY=VALUE: {line!r}"
        values[key.strip()] = value.strip()
    return values


def command_args(service: Mapping[str, Any]) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else [str(arg) for arg in command]


def option(args: list[str], name: str) -> str:
    """The value of ``--name=value`` or ``--name value`` in a command line."""
    for index, arg in enumerate(args):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
        if arg == f"--{name}" and index + 1 < len(args):
            return args[index + 1]
    raise AssertionError(f"--{name} not found in {args}")


def test_interpolation_helper_follows_compose_rules() -> None:
    env = {"SET": "value", "EMPTY": ""}
    assert interpolate("${SET}/$SET/${UNSET}", env) == "value/value/"
    assert interpolate("${UNSET:-dflt} ${EMPTY:-dflt} ${SET:-dflt}", env) == "dflt dflt value"
    assert interpolate("${UNSET-dflt} [${EMPTY-dflt}]", env) == "dflt []"
    assert interpolate("${SET:?gone} [${EMPTY?gone}]", env) == "value []"
    assert interpolate("$${SET} costs $$5", env) == "${SET} costs $5"
    with pytest.raises(InterpolationError, match="UNSET is missing a value: gone"):
        interpolate("${UNSET:?gone}", env)
    with pytest.raises(InterpolationError, match="EMPTY"):
        interpolate("${EMPTY:?gone}", env)
    with pytest.raises(InterpolationError, match="UNSET"):
        interpolate("${UNSET?gone}", env)
    with pytest.raises(InterpolationError, match="invalid"):
        interpolate("${SET:+alt}", env)
    assert references("a${A}b$B${C:-x}${D:?y}$$E") == {"A", "B", "C", "D"}


# -- compose.yaml ----------------------------------------------------------------------------


def test_compose_interpolates_with_a_complete_env_file() -> None:
    services = compose()["services"]
    assert set(services) >= {"postgres", "redis", "coturn", "migrate", *APP_SERVICES, "proxy"}


@pytest.mark.parametrize("secret", SECRETS)
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_missing_secret_stops_compose(secret: str, value: str | None) -> None:
    env = {key: val for key, val in DOTENV.items() if key != secret}
    if value is not None:
        env[secret] = value
    with pytest.raises(InterpolationError, match=rf"{secret} is missing a value: .*docker/\.env"):
        compose(env)


def test_env_example_documents_every_variable_and_leaves_secrets_blank() -> None:
    example = read_dotenv(ENV_EXAMPLE)
    used = tree_references(raw_compose())
    assert used <= set(example), f"undocumented in .env.example: {used - set(example)}"
    for secret in SECRETS:
        assert secret in used
        assert example[secret] == "", f"{secret} must be blank in .env.example"
    # So an unedited copy of the example is refused instead of running with known secrets.
    with pytest.raises(InterpolationError):
        compose(example)


def test_app_replicas_share_image_build_and_environment() -> None:
    raw = raw_compose()
    services = raw["services"]
    shared_env = raw["x-jobfair-env"]
    for name in (*APP_SERVICES, "migrate"):
        # The very same mapping: all of them are configured from the one anchor.
        assert services[name]["environment"] is shared_env, name
        assert services[name]["image"] == services["app1"]["image"], name
        assert services[name]["build"] == services["app1"]["build"], name
    build = services["app1"]["build"]
    assert (DOCKER / build["context"]).resolve() == ROOT
    assert (DOCKER / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    resolved = compose()["services"]
    assert environment(resolved["app1"]) == environment(resolved["app2"])
    assert resolved["app1"]["command"] == resolved["app2"]["command"] == ["jobfair", "serve"]
    assert resolved["migrate"]["command"] == ["jobfair", "migrate"]


def test_database_and_redis_urls_name_the_services() -> None:
    services = compose()["services"]
    env = environment(services["app1"])
    database = urlsplit(env["JOBFAIR_DATABASE_URL"])
    postgres = environment(services["postgres"])
    assert database.scheme == "postgresql+asyncpg"
    assert database.hostname == "postgres"
    assert database.port in (None, 5432)
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"] == DOTENV["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres["POSTGRES_DB"]
    redis = urlsplit(env["JOBFAIR_REDIS_URL"])
    assert redis.scheme == "redis"
    assert redis.hostname == "redis"


def test_turn_secret_is_shared_with_coturn_from_one_variable() -> None:
    raw = raw_compose()
    raw_args = command_args(raw["services"]["coturn"])
    assert "--use-auth-secret" in raw_args
    assert references(raw["x-jobfair-env"]["JOBFAIR_TURN_SECRET"]) == {"TURN_SECRET"}
    assert references(option(raw_args, "static-auth-secret")) == {"TURN_SECRET"}

    services = compose()["services"]
    coturn_secret = option(command_args(services["coturn"]), "static-auth-secret")
    app_secret = environment(services["app1"])["JOBFAIR_TURN_SECRET"]
    assert app_secret == coturn_secret == DOTENV["TURN_SECRET"]


def test_coturn_ports_match_its_command_line() -> None:
    coturn = compose()["services"]["coturn"]
    args = command_args(coturn)
    ports = [str(port) for port in coturn["ports"]]
    listening = option(args, "listening-port")
    relay = f"{option(args, 'min-port')}-{option(args, 'max-port')}"
    assert f"{listening}:{listening}/udp" in ports
    assert f"{relay}:{relay}/udp" in ports
    assert option(args, "realm")
    ice = environment(compose()["services"]["app1"])["JOBFAIR_ICE_SERVERS"]
    assert f"turn:{DOTENV['TURN_PUBLIC_HOST']}:{listening}" in ice


def test_production_mode_and_secret_key_from_env_file() -> None:
    raw_value = raw_compose()["x-jobfair-env"]["JOBFAIR_SECRET_KEY"]
    assert re.fullmatch(r"\$\{JOBFAIR_SECRET_KEY:\?[^}]+\}", raw_value), raw_value
    env = app_env()
    assert env["JOBFAIR_ENV"] == "production"
    assert env["JOBFAIR_SECRET_KEY"] == DOTENV["JOBFAIR_SECRET_KEY"]
    assert env["JOBFAIR_HOST"] == "0.0.0.0"


def test_replicas_wait_for_migrations_and_healthy_backends() -> None:
    services = compose()["services"]
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert "redis" in depends, name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"].get("restart", "no") == "no"
    healthcheck = " ".join(services["postgres"]["healthcheck"]["test"])
    assert "pg_isready" in healthcheck


def test_replicas_share_the_upload_volume() -> None:
    services = compose()["services"]
    upload_dir = app_env()["JOBFAIR_UPLOAD_DIR"]
    mounts = [
        {
            str(volume).split(":")[1]: str(volume).split(":")[0]
            for volume in services[name]["volumes"]
        }
        for name in APP_SERVICES
    ]
    assert mounts[0].get(upload_dir) is not None
    assert mounts[0][upload_dir] == mounts[1].get(upload_dir)
    assert mounts[0][upload_dir] in compose()["volumes"]


def test_proxy_publishes_a_port_and_mounts_nginx_conf() -> None:
    proxy = compose()["services"]["proxy"]
    assert proxy["image"].startswith("nginx:1.27")
    assert any(str(port).endswith(":80") for port in proxy["ports"])
    sources = [(DOCKER / str(volume).split(":")[0]).resolve() for volume in proxy["volumes"]]
    assert NGINX in sources


def test_compose_variable_names_exist_in_settings() -> None:
    settings_text = SETTINGS.read_text()
    raw = raw_compose()
    names: set[str] = set()
    for service in raw["services"].values():
        names |= set(environment(service))
    names |= tree_references(raw)
    names |= set(read_dotenv(ENV_EXAMPLE))
    names |= set(dockerfile_env())
    jobfair_names = {name for name in names if name.startswith("JOBFAIR_")}
    assert len(jobfair_names) >= 10
    unknown = {name for name in jobfair_names if not re.search(rf"[\"']{name}[\"']", settings_text)}
    assert not unknown, f"not read by app/settings.py: {sorted(unknown)}"


# -- app settings --------------------------------------------------------------------------


def test_settings_accept_the_compose_environment() -> None:
    env = {**dockerfile_env(), **app_env()}
    settings = Settings.from_env(env)
    assert settings.production
    assert settings.secret_key == DOTENV["JOBFAIR_SECRET_KEY"]
    assert settings.turn_secret == DOTENV["TURN_SECRET"]
    assert urlsplit(settings.database_url).hostname == "postgres"
    assert settings.redis_url is not None
    assert urlsplit(settings.redis_url).hostname == "redis"
    assert (settings.host, settings.port) == ("0.0.0.0", 8000)
    assert str(settings.upload_dir) == "/data/uploads"
    urls = [url for server in settings.ice_servers for url in server.urls]
    assert any(url.startswith("stun:turn.example.org") for url in urls)
    assert any(url.startswith("turn:turn.example.org") for url in urls)
    assert settings.allowed_origins == ("http://localhost:8080",)
    assert settings.upload_max_bytes <= nginx_body_limit()


def test_settings_refuse_a_weak_secret_key_from_the_env_file() -> None:
    env = app_env({**DOTENV, "JOBFAIR_SECRET_KEY": "changeme"})
    with pytest.raises(ConfigError, match="JOBFAIR_SECRET_KEY"):
        Settings.from_env(env)


# -- nginx.conf ------------------------------------------------------------------------------


def nginx_text() -> str:
    return "\n".join(line.split("#", 1)[0] for line in NGINX.read_text().splitlines())


def nginx_blocks(head: str) -> list[tuple[str, str]]:
    """(header, body) of every ``<head> ... { ... }`` block, nested braces included."""
    text = nginx_text()
    blocks: list[tuple[str, str]] = []
    for match in re.finditer(rf"(?m)^\s*({head}[^{{;]*)\{{", text):
        depth, index = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        blocks.append((match[1].strip(), text[match.end() : index - 1]))
    return blocks


def directive(body: str, name: str) -> list[str]:
    """Arguments of every ``name ...;`` directive in ``body`` (nested blocks included)."""
    return [" ".join(m[1].split()) for m in re.finditer(rf"(?m)^\s*{name}\s+([^;]*);", body)]


def nginx_size(value: str) -> int:
    match = re.fullmatch(r"(\d+)([kKmMgG]?)", value)
    assert match, value
    return int(match[1]) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match[2].lower()]


def nginx_seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)(ms|s|m|h)?", value)
    assert match, value
    return int(match[1]) * {None: 1, "s": 1, "m": 60, "h": 3600}.get(match[2], 0)


def nginx_body_limit() -> int:
    (limit,) = directive(nginx_text(), "client_max_body_size")
    return nginx_size(limit)


def upstream_name() -> str:
    upstreams = nginx_blocks("upstream")
    (header, body) = upstreams[0]
    servers = " ".join(directive(body, "server"))
    assert "app1:8000" in servers
    assert "app2:8000" in servers
    return header.split()[1]


def test_nginx_upstream_names_both_replicas() -> None:
    name = upstream_name()
    services = compose()["services"]
    port = app_env()["JOBFAIR_PORT"]
    for _header, body in nginx_blocks("upstream"):
        for server in directive(body, "server"):
            host, _, server_port = server.split()[0].partition(":")
            assert host in services
            assert server_port == port
    passes = {arg for _h, body in nginx_blocks("location") for arg in directive(body, "proxy_pass")}
    assert passes == {f"http://{name}"}


def test_nginx_upgrades_websockets_on_ws() -> None:
    maps = [
        body
        for header, body in nginx_blocks("map")
        if header.split()[1:] == ["$http_upgrade", "$connection_upgrade"]
    ]
    assert maps, "map $http_upgrade $connection_upgrade { ... } is missing"
    assert re.search(r"(?m)^\s*default\s+upgrade\s*;", maps[0])
    ws = [
        body
        for header, body in nginx_blocks("location")
        if re.fullmatch(r"location\s+(=\s*)?/ws/?", header)
    ]
    assert len(ws) == 1, "one location for /ws"
    body = ws[0]
    assert directive(body, "proxy_http_version") == ["1.1"]
    headers = directive(body, "proxy_set_header")
    assert "Upgrade $http_upgrade" in headers
    assert "Connection $connection_upgrade" in headers
    for forwarded in ("Host", "X-Forwarded-For", "X-Forwarded-Proto"):
        assert any(h.startswith(f"{forwarded} ") for h in headers), forwarded
    (timeout,) = directive(body, "proxy_read_timeout")
    assert nginx_seconds(timeout) >= 600


def test_nginx_forwards_client_headers_and_limits_bodies() -> None:
    (server,) = [body for header, body in nginx_blocks("server") if header == "server"]
    headers = directive(server, "proxy_set_header")
    assert "Host $host" in headers
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    assert any(h.startswith("X-Forwarded-Proto ") for h in headers)
    # 5 MiB uploads plus room for the multipart envelope, but not unbounded.
    assert 5 * 1024 * 1024 < nginx_body_limit() <= 16 * 1024 * 1024
    healthz = [
        body
        for header, body in nginx_blocks("location")
        if header in ("location = /healthz", "location /")
    ]
    assert any(directive(body, "proxy_pass") for body in healthz)


# -- Dockerfile ------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with comments dropped and continuations joined."""
    lines = [
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result: list[tuple[str, str]] = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, args = line.strip().partition(" ")
            result.append((instruction.upper(), " ".join(args.split())))
    return result


def dockerfile_env() -> dict[str, str]:
    """ENV values of the final stage (the image the containers run)."""
    instructions = dockerfile_instructions()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    env: dict[str, str] = {}
    for name, args in instructions[last_from:]:
        if name == "ENV":
            env.update(pair.split("=", 1) for pair in args.split())
    return env


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    instructions = dockerfile_instructions()
    text = DOCKERFILE.read_text()
    users = [args for name, args in instructions if name == "USER"]
    assert users, "no USER"
    assert users[-1].split(":")[0] not in ("root", "0")
    (healthcheck,) = [args for name, args in instructions if name == "HEALTHCHECK"]
    assert "/healthz" in healthcheck
    assert "CMD" in healthcheck
    assert not re.search(r"playwright\s+install", text, re.IGNORECASE)
    assert ("EXPOSE", "8000") in instructions
    assert re.search(r"python:3\.11-slim", text)
    copies = " ".join(args for name, args in instructions if name == "COPY")
    for source in ("pyproject.toml", "README.md", "app/", "frontend/", "migrations/"):
        assert source in copies, source
    assert not re.search(r"(?m)^\s*COPY\s+\.\s", text), "copy only what the image needs"
    assert instructions[-1] == ("CMD", '["jobfair", "serve"]')
    assert dockerfile_env()["JOBFAIR_HOST"] == "0.0.0.0"
