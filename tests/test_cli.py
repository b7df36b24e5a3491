"""The jobfair command: migrate, createuser and demo on a fresh SQLite database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.paths import ROOT


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFAIR_")}
    env |= {
        "JOBFAIR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "JOBFAIR_SECRET_FILE": str(tmp_path / "secret"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def roles(tmp_path: Path) -> dict[str, str]:
    with sqlite3.connect(tmp_path / "cli.db") as db:
        return dict(db.execute('SELECT email, role FROM "user"').fetchall())


def test_migrate_then_createuser(tmp_path: Path) -> None:
    migrated = run(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "up to date" in migrated.stdout
    created = run(
        tmp_path,
        "createuser",
        "--email",
        "Mod@Example.com",
        "--name",
        "审核员",
        "--role",
        "moderator",
        stdin="a-strong-password\n",
    )
    assert created.returncode == 0, created.stderr
    assert roles(tmp_path) == {"mod@example.com": "moderator"}
    again = run(
        tmp_path,
        "createuser",
        "--email",
        "mod@example.com",
        "--name",
        "X",
        "--role",
        "admin",
        "--password",
        "a-strong-password",
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    weak = run(
        tmp_path,
        "createuser",
        "--email",
        "a@example.com",
        "--name",
        "A",
        "--role",
        "admin",
        "--password",
        "short",
    )
    assert weak.returncode == 1
    assert "10 characters" in weak.stderr


def test_demo_loads_every_role_and_is_idempotent(tmp_path: Path) -> None:
    first = run(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "jobfair-demo-2026" in first.stdout
    loaded = roles(tmp_path)
    assert set(loaded.values()) == {"admin", "moderator", "organizer", "employer", "seeker"}
    second = run(tmp_path, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert roles(tmp_path) == loaded
    with sqlite3.connect(tmp_path / "cli.db") as db:
        orgs = db.execute("SELECT count(*) FROM organization").fetchone()[0]
        statuses = dict(
            db.execute("SELECT status, count(*) FROM posting_version GROUP BY status").fetchall()
        )
        queued = db.execute(
            "SELECT kind, count(*) FROM review_item WHERE status = 'open' GROUP BY kind"
        ).fetchall()
    assert orgs >= 3
    # Demo postings went through screening and review: some live, one returned, some waiting.
    assert statuses["live"] >= 4
    assert statuses["returned"] == 1
    assert dict(queued) == {"posting": 1, "organization": 1}
