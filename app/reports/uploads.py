"""Checking uploaded pictures before they are stored: a logo (PNG or SVG) and narrative photos (JPEG or
PNG). The bytes must be the image they claim to be, within a size; the type is read from the bytes,
never taken from the client. An SVG is refused if it could run a script or load anything: it must be
self-contained drawing."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from app.core.errors import AppError, InvalidInput

LOGO_MAX_BYTES = 512 * 1024
IMAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
SVG_TYPE = "image/svg+xml"
_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "animate", "set"}
_ANY_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)


class TooLarge(AppError):
    status = 413
    title = "Content too large"


@dataclass(frozen=True)
class CheckedImage:
    content: bytes
    content_type: str
    width: int
    height: int


def _raster(content: bytes, field: str, allowed: set[str]) -> CheckedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in allowed:
                raise InvalidInput(
                    f"the file is {kind or 'not an image'}; upload {' or '.join(sorted(allowed))}", field=field
                )
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    f"the image has {width}x{height} pixels; at most {MAX_PIXELS:,} are accepted", field=field
                )
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() checks the structure; decoding proves the pixels are there
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(f"the file is not a readable {' or '.join(sorted(allowed))} image", field=field) from None
    return CheckedImage(content=content, content_type=RASTER_TYPES[kind], width=width, height=height)


def _svg(content: bytes, field: str) -> CheckedImage:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(content, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError):
        raise InvalidInput("the SVG is not well-formed XML (or declares a DTD or entities)", field=field) from None
    if root.tag != f"{_SVG_NAMESPACE}svg":
        raise InvalidInput("the file is not an SVG image (its root element is not <svg>)", field=field)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in _FORBIDDEN_ELEMENTS:
            raise InvalidInput(f"the SVG contains <{name}>; a logo must be drawing only", field=field)
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                raise InvalidInput(f"the SVG has an event handler ({local}); a logo must be drawing only", field=field)
            if local == "href" and not value.strip().startswith("#"):
                raise InvalidInput("the SVG refers to another file or address; embed everything in it", field=field)
            if _ANY_URL.search(value):
                raise InvalidInput("the SVG refers to another file or address; embed everything in it", field=field)
        if name == "style" and element.text and (_ANY_URL.search(element.text) or "@import" in element.text):
            raise InvalidInput("the SVG's style refers to another file or address", field=field)
    width, height = _svg_size(root)
    return CheckedImage(content=content, content_type=SVG_TYPE, width=width, height=height)


def _svg_size(root) -> tuple[int, int]:
    """The drawing's proportions from its viewBox (or width/height); 200x100 when it gives none."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4:
            return max(1, round(float(box[2]))), max(1, round(float(box[3])))
        return (
            max(1, round(float(re.sub(r"[a-z%]+$", "", root.get("width", ""))))),
            max(1, round(float(re.sub(r"[a-z%]+$", "", root.get("height", ""))))),
        )
    except ValueError:
        return 200, 100


def _limit(content: bytes, limit: int, field: str) -> None:
    if not content:
        raise InvalidInput("the file is empty", field=field)
    if len(content) > limit:
        raise TooLarge(f"the file has {len(content):,} bytes; at most {limit:,} are accepted", field=field)


def check_logo(content: bytes, field: str = "file") -> CheckedImage:
    """A PNG or an SVG of at most LOGO_MAX_BYTES."""
    _limit(content, LOGO_MAX_BYTES, field)
    if content.lstrip()[:1] == b"<":
        return _svg(content, field)
    return _raster(content, field, {"PNG"})


def check_photo(content: bytes, field: str = "file") -> CheckedImage:
    """A JPEG or PNG photo of at most IMAGE_MAX_BYTES."""
    _limit(content, IMAGE_MAX_BYTES, field)
    return _raster(content, field, {"PNG", "JPEG"})
