"""Uploaded files, judged by their content: booth logos, fair banners and seeker résumés.

Images are decoded and re-encoded as WebP, so what is stored never carries the upload's
metadata (EXIF, GPS) or anything appended to it, and is served from ``upload_dir/public``.
Résumés are kept byte for byte in ``upload_dir/private``, which nothing serves statically.
File names are random keys; the client's file name and content type are never looked at.

The functions block (decoding an image takes up to a second): call them from a thread,
e.g. ``await run_in_threadpool(store_image, ...)``.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import struct
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import IO

from PIL import ExifTags, Image

from app.errors import Invalid

MIB = 1024 * 1024
IMAGE_MAX_BYTES = 2 * MIB
RESUME_MAX_BYTES = 5 * MIB
# Far below Pillow's own bomb limit (~89 Mpx): 40 Mpx of RGBA is already 160 MB decoded.
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")
WEBP_QUALITY = 85
# The PDF trailer must end the file; writers may add a little whitespace or junk after it.
PDF_EOF_WINDOW = 2048

_KEY = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
# What Pillow raises on bytes that are not a sound image of an allowed format.
_DECODE_ERRORS = (
    OSError,  # includes UnidentifiedImageError and truncated data
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
)
# How to turn a picture upright for each EXIF orientation (as ImageOps.exif_transpose does);
# the last four turn it a quarter, swapping width and height.
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = {5, 6, 7, 8}


class ImageKind(StrEnum):
    LOGO = "logo"
    BANNER = "banner"

    @property
    def bounds(self) -> tuple[int, int]:
        return (512, 512) if self is ImageKind.LOGO else (1600, 600)


def store_image(upload_dir: Path, data: bytes, kind: ImageKind) -> str:
    """Validate a PNG, JPEG or WebP image, store it as metadata-free WebP; return its key."""
    _check_size(data, IMAGE_MAX_BYTES, field=kind.value)
    image = _decode(data, kind)
    key = _new_key()
    public = upload_dir / "public"
    public.mkdir(parents=True, exist_ok=True)
    _write_atomically(
        public / f"{key}.webp",
        lambda fh: image.save(fh, format="WEBP", quality=WEBP_QUALITY),
        mode=0o644,
    )
    return key


def public_image_path(upload_dir: Path, key: str) -> Path | None:
    """Where the image with this key is stored, or None if the key is malformed or unknown."""
    return _existing(upload_dir / "public", key, ".webp")


def delete_image(upload_dir: Path, key: str) -> None:
    """Remove a stored image, e.g. a replaced logo; an unknown key is not an error."""
    if path := public_image_path(upload_dir, key):
        path.unlink(missing_ok=True)


def store_resume(upload_dir: Path, data: bytes) -> str:
    """Validate a PDF by its content and store it outside the web root; return its key."""
    _check_size(data, RESUME_MAX_BYTES, field="resume")
    if not data.startswith((b"%PDF-1.", b"%PDF-2.")) or b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise Invalid("The résumé must be a PDF file.", field="resume")
    key = _new_key()
    _write_atomically(_resume_dir(upload_dir) / f"{key}.pdf", lambda fh: fh.write(data), mode=0o600)
    return key


def resume_path(upload_dir: Path, key: str) -> Path | None:
    """Where the résumé with this key is stored, or None if the key is malformed or unknown."""
    return _existing(upload_dir / "private" / "resumes", key, ".pdf")


def delete_resume(upload_dir: Path, key: str) -> None:
    """Remove a stored résumé; an unknown key is not an error."""
    if path := resume_path(upload_dir, key):
        path.unlink(missing_ok=True)


def _check_size(data: bytes, limit: int, *, field: str) -> None:
    if not data:
        raise Invalid("The file is empty.", field=field)
    if len(data) > limit:
        raise Invalid("The file is larger than %(limit)s MB.", field=field, limit=limit // MIB)


def _decode(data: bytes, kind: ImageKind) -> Image.Image:
    """The upload's first frame, upright, within the kind's bounds, in RGB or RGBA."""
    try:
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as source:
            width, height = source.size
            if width * height > IMAGE_MAX_PIXELS:
                raise _too_many_pixels(kind)
            orientation = source.getexif().get(ExifTags.Base.Orientation)
            bounds = kind.bounds
            if orientation in _QUARTER_TURNS:
                bounds = (bounds[1], bounds[0])
            # JPEG can decode at 1/2..1/8 scale; ask for twice the bounds to keep quality.
            source.draft(None, (bounds[0] * 2, bounds[1] * 2))
            # Convert before resizing: palette images would otherwise resize without smoothing.
            image = source.convert("RGBA" if source.has_transparency_data else "RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(kind) from None
    except _DECODE_ERRORS:
        raise Invalid("The image must be a PNG, JPEG or WebP file.", field=kind.value) from None
    image.thumbnail(bounds)
    if orientation in _ORIENTATIONS:
        image = image.transpose(_ORIENTATIONS[orientation])
    image.info = {}  # belt and braces: nothing of the upload's metadata reaches the encoder
    return image


def _too_many_pixels(kind: ImageKind) -> Invalid:
    return Invalid(
        "The image has too many pixels: at most %(limit)s megapixels.",
        field=kind.value,
        limit=IMAGE_MAX_PIXELS // 1_000_000,
    )


def _resume_dir(upload_dir: Path) -> Path:
    """upload_dir/private/resumes, readable by this user only."""
    resumes = upload_dir / "private" / "resumes"
    for directory in (resumes.parent, resumes):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return resumes


def _new_key() -> str:
    return secrets.token_urlsafe(16)


def _existing(directory: Path, key: str, suffix: str) -> Path | None:
    # The regex is the whole guard against traversal: no '/', '.', '\\' or NUL can pass.
    if not _KEY.fullmatch(key):
        return None
    path = directory / f"{key}{suffix}"
    return path if path.is_file() else None


def _write_atomically(path: Path, write: Callable[[IO[bytes]], object], *, mode: int) -> None:
    """Write through a temporary file in the same directory, so readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
