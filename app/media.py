"""Stored images (booth logos, fair banners), served by their unguessable key."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.context import app_context
from app.errors import NotFound
from app.uploads import public_image_path

# A key names one immutable file: a replaced logo gets a new key, so caching forever is safe.
HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}


async def media_image(request: Request) -> Response:
    path = public_image_path(app_context(request).settings.upload_dir, request.path_params["key"])
    if path is None:
        raise NotFound("No such image.")
    return FileResponse(path, media_type="image/webp", headers=HEADERS)


routes = [Route("/media/{key}", media_image, name="media")]
