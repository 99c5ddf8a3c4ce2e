"""Decode image files with Pillow into uint8 (height, width, channels) arrays.

`decode_image` decodes one file (`decode_pool.decode_into` decodes many on a thread pool);
`is_image_file` and `list_image_files` say which files are images (`IMAGE_EXTENSIONS`).

Every way a file can fail (empty, truncated, corrupt, not an image, decompression bomb,
unreadable) becomes a `BadImageError` whose message is a short per-file reason, so a folder
loader can skip the file and report why instead of crashing. The reason is kept in English
where it is stored (the cache's meta.json, skipped.json, explore.json); `reason_text` shows it
in the reader's language.

Conversions (documented once here, relied on everywhere):
    * EXIF orientation is applied (`ImageOps.exif_transpose`), so phone photos stand upright.
    * Transparency (LA, RGBA, PA, palette images with a transparent index) is composited over
      white, which is what a viewer shows on a white page.
    * 16-bit images (I;16*, and I holding 16-bit data) are scaled to 8 bits by dividing by 257,
      so 65535 -> 255 and 32896 -> 128; float images (F) are taken as 0..1 when their maximum
      is at most 1, else as 0..255.
    * RGB -> grayscale uses Pillow's ITU-R 601 luma (L = 0.299 R + 0.587 G + 0.114 B); color
      JPEGs are decoded straight to that luma by libjpeg (its Y channel, unclipped).
    * Shrinking averages the covered area (Pillow BOX, like OpenCV's INTER_AREA: no aliasing,
      and ~30 % faster than Pillow's antialiased bilinear), after whole-factor `Image.reduce`
      steps when shrinking by more than 4x; enlarging is bilinear. JPEGs whose drawn content
      is at most half their size are first decoded at 1/2, 1/4 or 1/8 scale by libjpeg
      (`Image.draft`, e.g. 512 px -> 256 px for a 224 px target).
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from visionlab.errors import ConfigError, DataError
from visionlab.i18n import MESSAGES, Message

COLOR_MODES = ("rgb", "grayscale")
RESIZE_MODES = ("squash", "crop", "pad")
# Extensions treated as images; any other file in a class folder is ignored, not reported.
IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
)
# EXIF orientations 5..8 swap width and height.
_TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}
_EXIF_ORIENTATION_TAG = 0x0112
_REDUCING_GAP = 2.0
# The catalog keys of the reasons a file is bad, the more specific first (`reason_text` reads a
# stored English reason back by matching these templates in this order).
REASON_KEYS = ("data.bad_image.empty_file", "data.bad_image.permission",
               "data.bad_image.disappeared", "data.bad_image.too_many_pixels",
               "data.bad_image.decompression_bomb", "data.bad_image.not_an_image",
               "data.bad_image.truncated", "data.bad_image.corrupt")


class BadImageError(DataError):
    """A single file could not be decoded; `reason` says why in a few words (in English, as
    stored; `reason_message` renders in any language).

    Args:
        path: the file.
        reason_key: one of `REASON_KEYS`.
        **values: the reason's placeholders (Pillow's own words as `detail`).
    """

    def __init__(self, path: str | os.PathLike[str], reason_key: str, **values: Any) -> None:
        self.reason_message = Message(reason_key, values)
        super().__init__(Message("data.bad_image", {"path": str(path),
                                                    "reason": self.reason_message}))
        self.path = str(path)
        self.reason = self.reason_message.render("en")


def reason_text(reason: str, lang: str | None = None) -> str:
    """A bad file's stored English `reason` in `lang` (a reason it does not know stays as is).

    Args:
        reason: a `BadImageError.reason`, e.g. from `ImageDataset.skipped` or explore.json.
        lang: `"en"` or `"vi"`. Defaults to None (`i18n.current_language()`).

    Example:
        reason_text("empty file (0 bytes)", "vi")  # "tệp rỗng (0 byte)"
    """
    message = reason_message(reason)
    return message.render(lang) if isinstance(message, Message) else message


def reason_message(reason: str) -> Message | str:
    """A bad file's stored English `reason` as an `i18n.Message` (an unknown one as is)."""
    for key, pattern in _reason_patterns():
        match = pattern.fullmatch(reason)
        if match:
            return Message(key, match.groupdict())
    return reason


@cache
def _reason_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for key in REASON_KEYS:
        parts = re.split(r"\{(\w+)\}", MESSAGES["en"][key])  # text, name, text, name, text
        regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)"
                        for index, part in enumerate(parts))
        patterns.append((key, re.compile(regex, re.DOTALL)))
    return patterns


@dataclass
class DecodeStats:
    """Counts `decode_image` calls in this process (thread-safe); tests assert on it."""

    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_call(self) -> None:
        with self._lock:
            self.calls += 1

    def reset(self) -> None:
        with self._lock:
            self.calls = 0


stats = DecodeStats()


def is_image_file(path: str | os.PathLike[str]) -> bool:
    """Return True for a visible file whose extension is an image extension (any case)."""
    name = os.path.basename(os.fspath(path))
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def list_image_files(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Path]:
    """Return the image files named by `paths`: files as given, folders expanded recursively.

    A folder contributes its `is_image_file` files at any depth, sorted by path; hidden files
    and folders (names starting with ".") are skipped. A file named directly is kept whatever
    its extension (decoding tells whether it is an image). Each file is listed once, in the
    order of `paths`.

    Args:
        paths: one path or several, each an image file or a folder.

    Raises:
        DataError: a path does not exist, or no image file was found.

    Example:
        list_image_files(["shoe.png", "photos/"])   # [shoe.png, photos/a.jpg, photos/b/c.png]
    """
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: dict[Path, None] = {}  # ordered set
    for raw in given:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.update(dict.fromkeys(_images_under(path)))
        elif path.exists():
            files[path] = None
        else:
            raise DataError(Message("error.data.image_missing", {"path": raw}))
    if not files:
        raise DataError(Message("error.data.no_image_files",
                                {"paths": ", ".join(map(str, given))}))
    return list(files)


def _images_under(folder: Path) -> list[Path]:
    images = []
    for directory, folder_names, file_names in os.walk(folder):
        folder_names[:] = [name for name in folder_names if not name.startswith(".")]
        images.extend(Path(directory, name) for name in file_names if is_image_file(name))
    return sorted(images)


def check_options(
    image_size: tuple[int, int] | None, color_mode: str, resize_mode: str
) -> tuple[int, int] | None:
    """Validate decoding options and return `image_size` as a (height, width) tuple of ints.

    Raises:
        ConfigError: naming the bad value and the allowed ones.
    """
    if color_mode not in COLOR_MODES:
        raise ConfigError(Message("error.data.color_mode", {
            "value": color_mode, "choices": ", ".join(COLOR_MODES)}))
    if resize_mode not in RESIZE_MODES:
        raise ConfigError(Message("error.data.resize_mode", {
            "value": resize_mode, "choices": ", ".join(RESIZE_MODES)}))
    if image_size is None:
        return None
    try:
        height, width = (int(side) for side in image_size)
    except (TypeError, ValueError):
        raise ConfigError(Message("error.data.image_size", {"value": repr(image_size)})) \
            from None
    if height < 1 or width < 1:
        raise ConfigError(Message("error.data.image_size", {"value": repr(image_size)}))
    return height, width


def decode_image(
    path: str | os.PathLike[str],
    image_size: tuple[int, int] | None,
    color_mode: str = "rgb",
    resize_mode: str = "squash",
) -> np.ndarray:
    """Decode an image file into a uint8 array of shape (height, width, channels).

    Args:
        path: JPEG, PNG, BMP, GIF (first frame), WebP or TIFF file.
        image_size: target (height, width), or None to keep the (EXIF-rotated) original size.
        color_mode: "rgb" (3 channels) or "grayscale" (1 channel). Defaults to "rgb".
        resize_mode: "squash" resizes to `image_size` ignoring the aspect ratio; "crop" keeps
            the aspect ratio, resizes the shorter side and center-crops; "pad" keeps the aspect
            ratio, fits the image inside and pads the rest with black. Defaults to "squash".

    Returns:
        A C-contiguous uint8 array, (height, width, 3) or (height, width, 1).

    Raises:
        BadImageError: the file is empty, truncated, corrupt, not an image, a decompression
            bomb or unreadable; `error.reason` is the per-file reason.

    Example:
        pixels = decode_image("cat.jpg", (224, 224), resize_mode="crop")  # (224, 224, 3)
    """
    size = check_options(image_size, color_mode, resize_mode)
    stats.record_call()
    image = _decoded(path, size, color_mode, resize_mode)
    # visionlab's own conversion and resize: an exception here is a bug, never a bad file.
    image = to_color_mode(image, color_mode)
    if size is not None:
        image = resize_image(image, size, resize_mode)
    array = np.asarray(image, dtype=np.uint8)
    if array.ndim == 2:
        array = array[:, :, np.newaxis]
    return np.ascontiguousarray(array)


def _decoded(path: str | os.PathLike[str], size: tuple[int, int] | None, color_mode: str,
             resize_mode: str) -> Image.Image:
    """Read and fully decode the file with Pillow (EXIF rotation applied).

    Only this stage can fail because of the file, so only its errors become `BadImageError`.
    """
    try:
        # One read into memory: Pillow's parser then makes no read syscalls of its own.
        with open(path, "rb") as handle:
            data = handle.read()
        if not data:
            raise BadImageError(path, "data.bad_image.empty_file")
        image = Image.open(io.BytesIO(data))
        _check_pixel_limit(path, image)
        orientation = image.getexif().get(_EXIF_ORIENTATION_TAG, 1)
        _draft_jpeg(image, size, color_mode, resize_mode, orientation)
        image.load()
        if orientation != 1:
            image = ImageOps.exif_transpose(image)
        return image
    except BadImageError:
        raise
    except PermissionError:
        raise BadImageError(path, "data.bad_image.permission") from None
    except FileNotFoundError:
        raise BadImageError(path, "data.bad_image.disappeared") from None
    except Image.DecompressionBombError as error:
        raise BadImageError(path, "data.bad_image.decompression_bomb", detail=error) from None
    except UnidentifiedImageError:
        raise BadImageError(path, "data.bad_image.not_an_image") from None
    except MemoryError:
        raise
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError, ...
        message = str(error) or type(error).__name__
        key = "data.bad_image.truncated" if "truncated" in message.lower() \
            else "data.bad_image.corrupt"
        raise BadImageError(path, key, detail=message) from None


def _check_pixel_limit(path: str | os.PathLike[str], image: Image.Image) -> None:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat the warning zone as bad too.
    limit = Image.MAX_IMAGE_PIXELS
    pixels = image.width * image.height
    if limit and pixels > limit:
        raise BadImageError(path, "data.bad_image.too_many_pixels", pixels=pixels, limit=limit)


def _draft_jpeg(
    image: Image.Image,
    size: tuple[int, int] | None,
    color_mode: str,
    resize_mode: str,
    orientation: int,
) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale (and straight to gray) when that is lossless.

    The scale is the smallest one that keeps the drawn content at least as big as it will be
    drawn, so the later resize still only shrinks (e.g. 512 px -> 256 px for a 224 px target).
    """
    if image.format != "JPEG":
        return
    mode = "L" if color_mode == "grayscale" else "RGB"
    if size is None:
        image.draft(mode, None)  # only picks the output colour space; no scaling
        return
    height, width = size
    if orientation in _TRANSPOSED_ORIENTATIONS:
        height, width = width, height  # the file is stored sideways; draft in stored orientation
    scale_x, scale_y = _content_scales(image.width, image.height, width, height, resize_mode)
    # draft keeps each side >= the requested one (it divides by the largest fitting 2**k).
    image.draft(mode, (math.ceil(image.width * scale_x), math.ceil(image.height * scale_y)))


def _content_scales(
    source_width: int, source_height: int, width: int, height: int, resize_mode: str
) -> tuple[float, float]:
    """Scale factors (x, y) the image content is drawn at for a (width, height) target."""
    scale_x, scale_y = width / source_width, height / source_height
    if resize_mode == "crop":
        return (max(scale_x, scale_y),) * 2
    if resize_mode == "pad":
        return (min(scale_x, scale_y),) * 2
    return scale_x, scale_y


def to_color_mode(image: Image.Image, color_mode: str) -> Image.Image:
    """Convert any Pillow mode to "RGB" (color_mode="rgb") or "L" (color_mode="grayscale").

    Transparency is composited over white and 16-bit data is scaled by 1/257.
    """
    target = "L" if color_mode == "grayscale" else "RGB"
    mode = image.mode
    if mode == target:
        return image
    if mode.startswith("I") or mode == "F":
        image = Image.fromarray(_to_uint8(np.asarray(image), mode), mode="L")
        return image if target == "L" else image.convert("RGB")
    has_alpha = mode in ("LA", "La", "RGBA", "RGBa", "PA") or (
        mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba).convert("RGB")
        return image if target == "RGB" else image.convert("L")
    if mode in ("1", "P", "CMYK", "YCbCr", "LAB", "HSV"):
        image = image.convert("RGB")
        return image if target == "RGB" else image.convert("L")
    return image.convert(target)


def _to_uint8(values: np.ndarray, mode: str) -> np.ndarray:
    if mode == "F":
        values = values.astype(np.float64)
        scale = 255.0 if values.size and np.nanmax(values) <= 1.0 else 1.0
        return np.clip(np.rint(np.nan_to_num(values) * scale), 0, 255).astype(np.uint8)
    # 16-bit (I;16, I;16B …, or I holding 16-bit samples): 65535 / 257 = 255 exactly.
    return np.clip(np.rint(values.astype(np.float64) / 257.0), 0, 255).astype(np.uint8)


def resize_image(image: Image.Image, size: tuple[int, int], resize_mode: str) -> Image.Image:
    """Resize an "RGB" or "L" Pillow image to (height, width) with "squash", "crop" or "pad".

    Args:
        image: the Pillow image.
        size: target (height, width).
        resize_mode: "squash", "crop" (center crop after covering) or "pad" (black borders).
    """
    height, width = size
    if image.size == (width, height):
        return image
    shrinking = max(_content_scales(image.width, image.height, width, height, resize_mode)) <= 1.0
    method = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    if resize_mode == "squash":
        # reducing_gap: shrink by whole factors with the fast `Image.reduce` (a box average
        # too) first, leaving at most a 2x BOX resize; same pixels within rounding.
        return image.resize((width, height), method, reducing_gap=_REDUCING_GAP)
    if resize_mode == "crop":
        return ImageOps.fit(image, (width, height), method=method)
    black = 0 if image.mode == "L" else (0, 0, 0)
    return ImageOps.pad(image, (width, height), method=method, color=black)
