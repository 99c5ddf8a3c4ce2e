"""Mutated image files for the decoder fuzz test and `benchmarks/fuzz_decode.py`.

Seeds are real photos (the dog/cat JPEGs, foolbox's CIFAR PNGs) and re-encodings of them as
GIF, WebP and BMP. Each mutant is one of: bit flips, truncation at a random offset, a header
spliced onto another format's body, the right bytes under a wrong extension, or a header that
declares a huge size. Everything is drawn from one `numpy.random.Generator`, so a seed gives
the same corpus on every machine.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import signal
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp", "BMP": ".bmp"}
MUTATIONS = ("bit_flips", "truncate", "splice", "wrong_extension", "huge_size")
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "dogs-vs-cats"


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise `TimeoutError` in the main thread when the block runs longer than `seconds`.

    A hang in a decoder then fails the test naming the file, instead of stalling the suite
    (Pillow's decoders return to Python between chunks, where the alarm is handled).
    """
    def expired(signum, frame):
        raise TimeoutError(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def seed_images(limit: int = 6) -> list[bytes]:
    """Real photo files as bytes: dog/cat JPEGs and foolbox CIFAR PNGs (whatever is installed)."""
    files = sorted(SHARED.glob("*/*.jpg"))[:limit]
    # foolbox is installed for its data only (its real CIFAR-10 PNGs); it is never imported.
    spec = importlib.util.find_spec("foolbox")
    if spec is not None and spec.submodule_search_locations:
        data = Path(spec.submodule_search_locations[0]) / "data"
        files += sorted(data.glob("cifar10_*.png"))[:limit]
    return [path.read_bytes() for path in files]


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.convert("P" if fmt == "GIF" else "RGB").save(buffer, format=fmt)
    return buffer.getvalue()


def sources(seeds: list[bytes], side: int = 96) -> list[tuple[str, bytes]]:
    """Every seed in every format (re-encoded at `side` px so files stay small)."""
    out = []
    for data in seeds:
        with Image.open(io.BytesIO(data)) as image:
            small = image.convert("RGB")
            small.thumbnail((side, side))
            for fmt in FORMATS:
                out.append((fmt, _encode(small, fmt)))
    return out


def _huge(fmt: str, data: bytes) -> bytes:
    """Declare 60000 x 60000 (or the format's maximum) pixels in the header."""
    raw = bytearray(data)
    if fmt == "PNG" and raw[12:16] == b"IHDR":
        raw[16:24] = struct.pack(">II", 60000, 60000)
    elif fmt == "BMP":
        raw[18:26] = struct.pack("<ii", 60000, 60000)
    elif fmt == "GIF":
        raw[6:10] = struct.pack("<HH", 65535, 65535)
    elif fmt == "JPEG":
        marker = raw.find(b"\xff\xc0")
        if marker < 0:
            marker = raw.find(b"\xff\xc2")
        if marker >= 0:
            raw[marker + 5:marker + 9] = struct.pack(">HH", 65000, 65000)
    elif fmt == "WEBP":
        position = raw.find(b"VP8 ")
        if position >= 0:
            raw[position + 14:position + 18] = struct.pack("<HH", 16383, 16383)
    return bytes(raw)


def mutants(sources_: list[tuple[str, bytes]], count: int, seed: int = 0
            ) -> Iterator[tuple[str, str, bytes]]:
    """Yield `count` (file name, mutation, bytes) drawn with `seed`."""
    rng = np.random.default_rng(seed)
    for index in range(count):
        fmt, data = sources_[int(rng.integers(len(sources_)))]
        mutation = MUTATIONS[int(rng.integers(len(MUTATIONS)))]
        extension = FORMATS[fmt]
        raw = bytearray(data)
        if mutation == "bit_flips":
            for position in rng.integers(0, len(raw), size=int(rng.integers(1, 40))):
                raw[position] ^= 1 << int(rng.integers(8))
        elif mutation == "truncate":
            raw = raw[: int(rng.integers(0, len(raw)))]
        elif mutation == "splice":
            other_fmt, other = sources_[int(rng.integers(len(sources_)))]
            cut = int(rng.integers(1, min(len(raw), 200)))
            raw = raw[:cut] + bytearray(other[int(rng.integers(0, len(other))):])
        elif mutation == "wrong_extension":
            extension = list(FORMATS.values())[int(rng.integers(len(FORMATS)))]
        else:
            raw = bytearray(_huge(fmt, data))
        yield f"{index:05d}-{fmt.lower()}-{mutation}{extension}", mutation, bytes(raw)


def write_corpus(folder: Path, count: int, seed: int = 0) -> dict[str, str]:
    """Write `count` mutants into `folder/<class>/` (two classes); return {name: mutation}."""
    made = {}
    all_sources = sources(seed_images())
    for index, (name, mutation, data) in enumerate(mutants(all_sources, count, seed)):
        target = folder / ("a" if index % 2 else "b")
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
        made[name] = mutation
    return made
