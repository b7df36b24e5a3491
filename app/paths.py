"""Where the non-Python parts of the project live (templates, static files, migrations)."""

from __future__ import annotations

from pathlib import Path


def _project_root() -> Path:
    # A checkout or editable install has frontend/ beside app/; an image that installs the
    # package elsewhere runs from the directory holding frontend/ and migrations/.
    beside_package = Path(__file__).resolve().parent.parent
    if (beside_package / "frontend").is_dir():
        return beside_package
    return Path.cwd()


ROOT = _project_root()
FRONTEND = ROOT / "frontend"
TEMPLATES = FRONTEND / "templates"
STATIC = FRONTEND / "static"
TRANSLATIONS = FRONTEND / "translations"
MIGRATIONS = ROOT / "migrations"
