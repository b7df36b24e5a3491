"""Browser fixtures: the demo server in a subprocess, one headless Chromium per session.

The server is started exactly as a person trying the platform would: ``jobfair demo
--no-serve`` loads the demo accounts, then ``jobfair serve`` runs it, each with its own
database, secret and upload directory in a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.support import CHROMIUM, free_port, missing

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 20.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def _jobfair_command() -> list[str]:
    script = Path(sys.executable).with_name("jobfair")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "app.cli"]


def _server_env(tmp: Path) -> dict[str, str]:
    # Inherited JOBFAIR_* settings (a Redis URL, production mode...) must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFAIR_")}
    env.update(
        JOBFAIR_DATABASE_URL=f"sqlite+aiosqlite:///{tmp / 'demo.db'}",
        JOBFAIR_SECRET_FILE=str(tmp / "secret"),
        JOBFAIR_UPLOAD_DIR=str(tmp / "uploads"),
        JOBFAIR_LOG_LEVEL="warning",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"jobfair serve exited with {process.returncode}:\n{log.read_text()}",
                    pytrace=False,
                )
            try:
                if client.get(url + "/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    pytest.fail(
        f"jobfair serve did not answer /healthz within {STARTUP_TIMEOUT_S:.0f} s:\n"
        f"{log.read_text()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real ``jobfair serve`` process holding the demo data."""
    tmp = tmp_path_factory.mktemp("demo")
    env = _server_env(tmp)
    command = _jobfair_command()
    demo = subprocess.run(
        [*command, "demo", "--no-serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if demo.returncode != 0:
        pytest.fail(
            f"jobfair demo --no-serve exited with {demo.returncode}:\n{demo.stdout}\n{demo.stderr}",
            pytrace=False,
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "serve.log"
    # The log goes to a file, not a pipe nobody reads, which would fill up and stall the server.
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, url, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium (Playwright's own browser downloads are not used)."""
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    """One headless Chromium for the session; each test uses its own contexts."""
    manager = await async_playwright().start()
    try:
        browser = await manager.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()
    finally:
        await manager.stop()


ContextFactory = Callable[..., Awaitable[BrowserContext]]


@pytest_asyncio.fixture(loop_scope="session")
async def new_context(browser: Browser, demo_server: str) -> AsyncIterator[ContextFactory]:
    """Make fresh browser contexts (own cookies) on the demo server; closed after the test."""
    contexts: list[BrowserContext] = []

    async def make(locale: str = "en-US", **options: Any) -> BrowserContext:
        context = await browser.new_context(base_url=demo_server, locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    try:
        yield make
    finally:
        for context in contexts:
            await context.close()
