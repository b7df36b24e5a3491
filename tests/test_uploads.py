"""Uploads are judged by their bytes: real images re-encoded without metadata, PDFs kept private."""

from __future__ import annotations

import io
import re
import stat
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import pytest_asyncio
from PIL import ExifTags, Image
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from app import media
from app.errors import AppError, Invalid
from app.uploads import (
    IMAGE_MAX_BYTES,
    RESUME_MAX_BYTES,
    ImageKind,
    delete_image,
    delete_resume,
    public_image_path,
    resume_path,
    store_image,
    store_resume,
)
from app.web import app_error_handler

KEY = re.compile(r"[A-Za-z0-9_-]{22}")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
BAD_KEYS = ["", "../x", "a/b", "..", "/etc/passwd", "x" * 21, "x" * 23, "x" * 22 + "\n"]


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size)
    image.putpixel((0, 0), (255, 0, 0) if mode == "RGB" else 255)
    return image


def stored(upload_dir: Path, key: str) -> Image.Image:
    path = public_image_path(upload_dir, key)
    assert path is not None
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.format == "WEBP"
    return image


def noise(size: tuple[int, int] = (200, 200)) -> Image.Image:
    """An image that compresses badly, so cutting its file short loses pixel data."""
    return Image.effect_noise(size, 64).convert("RGB")


def png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header says it is width x height, with a valid header checksum."""
    data = bytearray(encode(picture((1, 1)), "PNG"))
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(data[12:29]).to_bytes(4, "big")
    return bytes(data)


def refused(call: Any, *args: Any) -> Invalid:
    with pytest.raises(Invalid) as info:
        call(*args)
    return info.value


# Images


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "RGB"), ("PNG", "RGBA"), ("PNG", "P"), ("JPEG", "RGB"), ("WEBP", "RGB")],
)
def test_allowed_formats_are_stored_as_webp(tmp_path: Path, fmt: str, mode: str) -> None:
    key = store_image(tmp_path, encode(picture(mode=mode), fmt), ImageKind.LOGO)
    assert KEY.fullmatch(key)
    image = stored(tmp_path, key)
    assert image.size == (64, 48)
    assert image.mode == ("RGBA" if mode == "RGBA" else "RGB")
    assert list(tmp_path.joinpath("public").iterdir()) == [tmp_path / "public" / f"{key}.webp"]


def test_transparency_is_kept(tmp_path: Path) -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    key = store_image(tmp_path, encode(image, "PNG"), ImageKind.LOGO)
    assert stored(tmp_path, key).getpixel((5, 5))[3] == 0  # type: ignore[index]


def test_exif_and_gps_are_stripped(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    data = encode(picture(), "JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    key = store_image(tmp_path, data, ImageKind.LOGO)
    image = stored(tmp_path, key)
    assert "exif" not in image.info
    assert not image.getexif()
    raw = (tmp_path / "public" / f"{key}.webp").read_bytes()
    assert b"EXIF" not in raw
    assert b"SpyCam" not in raw


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # taken with the camera turned: show rotated 90°
    data = encode(Image.new("RGB", (2000, 1000)), "JPEG", exif=exif)
    key = store_image(tmp_path, data, ImageKind.BANNER)
    assert stored(tmp_path, key).size == (300, 600)


def test_appended_payload_is_dropped(tmp_path: Path) -> None:
    polyglot = encode(picture(), "PNG") + b"<html><script>alert(1)</script></html>"
    key = store_image(tmp_path, polyglot, ImageKind.LOGO)
    assert b"<script>" not in (tmp_path / "public" / f"{key}.webp").read_bytes()


@pytest.mark.parametrize(
    ("kind", "size", "expected"),
    [
        (ImageKind.LOGO, (2000, 1000), (512, 256)),
        (ImageKind.LOGO, (300, 900), (171, 512)),
        (ImageKind.BANNER, (4000, 1000), (1600, 400)),
        (ImageKind.BANNER, (1000, 1000), (600, 600)),
        (ImageKind.BANNER, (100, 50), (100, 50)),  # never enlarged
    ],
)
def test_images_fit_within_their_kind(
    tmp_path: Path, kind: ImageKind, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    key = store_image(tmp_path, encode(picture(size), "PNG"), kind)
    assert stored(tmp_path, key).size == expected


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encode(picture(), "GIF"), id="gif"),
        pytest.param(encode(picture(), "BMP"), id="bmp"),
        pytest.param(encode(picture(), "TIFF"), id="tiff"),
        pytest.param(b"just some text, saved as logo.png\n", id="text"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", id="svg"),
        pytest.param(PDF, id="pdf"),
        pytest.param(encode(noise(), "PNG")[:20_000], id="truncated-png"),
        pytest.param(encode(noise(), "JPEG")[:5_000], id="truncated-jpeg"),
    ],
)
def test_other_content_is_refused(tmp_path: Path, data: bytes) -> None:
    error = refused(store_image, tmp_path, data, ImageKind.BANNER)
    assert error.message == "The image must be a PNG, JPEG or WebP file."
    assert error.field == "banner"
    assert not (tmp_path / "public").exists() or not any((tmp_path / "public").iterdir())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png_claiming(50_000, 50_000), id="bomb-header"),  # Pillow's own limit
        pytest.param(png_claiming(10_000, 10_000), id="pillow-warning"),
        pytest.param(encode(Image.new("L", (7000, 6000)), "PNG"), id="42-megapixels"),
    ],
)
def test_decompression_bombs_are_refused(tmp_path: Path, data: bytes) -> None:
    assert len(data) < IMAGE_MAX_BYTES
    error = refused(store_image, tmp_path, data, ImageKind.LOGO)
    assert error.message == "The image has too many pixels: at most %(limit)s megapixels."
    assert error.params == {"limit": 40}


def test_oversize_and_empty_images_are_refused(tmp_path: Path) -> None:
    error = refused(store_image, tmp_path, b"\x89PNG" + bytes(IMAGE_MAX_BYTES), ImageKind.LOGO)
    assert (error.message, error.params, error.field) == (
        "The file is larger than %(limit)s MB.",
        {"limit": 2},
        "logo",
    )
    assert refused(store_image, tmp_path, b"", ImageKind.LOGO).message == "The file is empty."


def test_image_keys_are_unguessable_and_looked_up_safely(tmp_path: Path) -> None:
    data = encode(picture(), "PNG")
    keys = {store_image(tmp_path, data, ImageKind.LOGO) for _ in range(20)}
    assert len(keys) == 20
    assert all(KEY.fullmatch(key) for key in keys)
    (tmp_path / "x.webp").write_bytes(b"outside")
    for key in [*BAD_KEYS, "A" * 22]:
        assert public_image_path(tmp_path, key) is None
    key = keys.pop()
    delete_image(tmp_path, key)
    assert public_image_path(tmp_path, key) is None
    delete_image(tmp_path, key)  # already gone: fine


# Résumés


def test_pdf_is_stored_privately(tmp_path: Path) -> None:
    key = store_resume(tmp_path, PDF)
    assert KEY.fullmatch(key)
    path = resume_path(tmp_path, key)
    assert path == tmp_path / "private" / "resumes" / f"{key}.pdf"
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (path.parent, path.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    assert not (tmp_path / "public").exists()


def test_pdf_2_and_trailing_bytes_after_eof_are_accepted(tmp_path: Path) -> None:
    data = PDF.replace(b"%PDF-1.4", b"%PDF-2.0") + b"\r\n" + b" " * 1000
    assert resume_path(tmp_path, store_resume(tmp_path, data)) is not None


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encode(picture(), "PNG"), id="png"),
        pytest.param(b"%PDF-1.7\n1 0 obj<<>>endobj\n", id="no-eof"),
        pytest.param(b"%PDF-1.7\n%%EOF\n" + b"x" * 4096, id="eof-not-at-end"),
        pytest.param(b"<html><body>%PDF-1.4 ...</body></html>\n%%EOF", id="html"),
        pytest.param(b" %PDF-1.4\n%%EOF", id="leading-space"),
        pytest.param(b"%PDF-3.0\n%%EOF", id="unknown-version"),
    ],
)
def test_non_pdfs_are_refused(tmp_path: Path, data: bytes) -> None:
    error = refused(store_resume, tmp_path, data)
    assert (error.message, error.field) == ("The résumé must be a PDF file.", "resume")
    assert not (tmp_path / "private").exists()


def test_empty_and_oversize_resumes_are_refused(tmp_path: Path) -> None:
    assert refused(store_resume, tmp_path, b"").message == "The file is empty."
    too_large = PDF[:-7] + b" " * (RESUME_MAX_BYTES - len(PDF) + 1) + b"\n%%EOF\n"
    error = refused(store_resume, tmp_path, too_large)
    assert (error.message, error.params) == ("The file is larger than %(limit)s MB.", {"limit": 5})
    assert store_resume(tmp_path, too_large[: RESUME_MAX_BYTES - 7] + b"\n%%EOF\n")


def test_resume_keys_are_looked_up_safely_and_deleted(tmp_path: Path) -> None:
    key = store_resume(tmp_path, PDF)
    for bad in [*BAD_KEYS, "A" * 22]:
        assert resume_path(tmp_path, bad) is None
        delete_resume(tmp_path, bad)
    assert public_image_path(tmp_path, key) is None  # résumés are never media
    delete_resume(tmp_path, key)
    assert resume_path(tmp_path, key) is None
    delete_resume(tmp_path, key)  # already gone: fine


# The /media route


@pytest_asyncio.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The media routes behind a stand-in for the lifespan's context.

    httpx's ASGI transport (Starlette's TestClient wants httpx2) runs no lifespan, so the
    state the lifespan would yield is put in the scope directly.
    """
    app = Starlette(routes=media.routes, exception_handlers={AppError: app_error_handler})
    context = SimpleNamespace(settings=SimpleNamespace(upload_dir=tmp_path))

    async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, "state": {"app": context}}, receive, send)

    transport = httpx.ASGITransport(app=with_state)
    headers = {"Accept": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        yield c


async def test_media_serves_stored_images(client: httpx.AsyncClient, tmp_path: Path) -> None:
    key = store_image(tmp_path, encode(picture(), "PNG"), ImageKind.LOGO)
    response = await client.get(f"/media/{key}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content)).format == "WEBP"


@pytest.mark.parametrize(
    "path", ["/media/" + "A" * 22, "/media/x", "/media/..%2Fx", "/media/%2E%2E", "/media/"]
)
async def test_media_unknown_keys_are_not_found(
    client: httpx.AsyncClient, tmp_path: Path, path: str
) -> None:
    (tmp_path / "x.webp").write_bytes(b"outside the public directory")
    store_resume(tmp_path, PDF)
    assert (await client.get(path)).status_code == 404


async def test_media_does_not_serve_resumes(client: httpx.AsyncClient, tmp_path: Path) -> None:
    key = store_resume(tmp_path, PDF)
    response = await client.get(f"/media/{key}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
