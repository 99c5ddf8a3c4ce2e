"""Audit a dataset before training: duplicates, leaks between splits, label conflicts, odd files.

`audit_dataset(dataset)` looks at every image of every split of a loaded `ImageDataset` and
returns the findings as plain data (`AuditResult`); drawing them is `reports/audit.py`'s job.

- Exact duplicates: images whose decoded pixels are identical (a BLAKE2b digest of each row of
  the uint8 array). The same photo saved twice, or re-saved losslessly (JPEG -> PNG), counts.
- Near duplicates: two checks, both needed. (1) A 64-bit perceptual hash (`imagehash.phash`:
  the sign pattern of the lowest 8x8 DCT frequencies of a 32x32 grayscale copy) within
  `NEAR_DUPLICATE_DISTANCE` bits: a photo resized or re-encoded as JPEG stays within 0-2 bits
  of its source, two unrelated photos differ in about 32. Pairs are found with the pigeonhole
  rule: hashes within d bits agree exactly on at least one of d + 1 bands of the 64 bits, so
  only images sharing a band value are compared (no n^2 loop). (2) The pair's 16x16 grayscale
  thumbnails (mean removed) differ by at most `NEAR_PIXEL_DIFFERENCE` (L2 norm of the
  difference over the mean norm). The hash alone is not enough on small, plain images: on
  MNIST 609,248 pairs of digits are within 4 bits, 18,829 of them of different digits, while
  the closest two digits differ by 0.074 and a half-size JPEG re-encoding of a photo by 0.007
  (BENCHMARKS.md, "Dataset audit").
- Leaks: a duplicate (exact or near) whose images sit in different splits (train and test …).
- Label conflicts: a duplicate whose images carry different labels.
- Size outliers: files whose side (square root of the pixel count, read from the file header)
  is under a quarter or over 4 times the median side. Array datasets (MNIST …) have one size
  and no files: skipped.
- Grayscale stored as RGB: files saved with colour channels whose decoded channels are equal
  within `GRAY_TOLERANCE` (JPEG's colour rounding moves a gray pixel's channels by 1-2 levels).

Example:
    dataset = load_dataset("data/pets", image_size=(128, 128))
    result = audit_dataset(dataset)
    result.counts()      # {"exact_groups": 3, "near_pairs": 5, "leaks": 1, ...}
    result.exclusions()  # [("/data/pets/train/cat/12.jpg", "exact duplicate of ..."), ...]
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from visionlab.data.dataset import ImageDataset
from visionlab.errors import DataError
from visionlab.i18n import Message

NEAR_DUPLICATE_DISTANCE = 4  # Hamming bits of the 64-bit phash (see the module docstring)
NEAR_PIXEL_DIFFERENCE = 0.05  # relative L2 difference of the 16x16 thumbnails
THUMBNAIL_SIDE = 16
SIZE_OUTLIER_FACTOR = 4.0  # side under median / 4 or over median * 4
GRAY_TOLERANCE = 3  # largest channel difference of a "gray" pixel, in 0..255 levels
HASH_BITS = 64
_SPLIT_PRIORITY = {"test": 0, "validation": 1, "train": 2}  # which copy of a duplicate stays
_CHUNK = 65536  # pairs per vectorized step: bounds the (pairs, 256) temporaries


@dataclass(frozen=True)
class ImageRef:
    """One image of the dataset: its split, row in that split, label and file (None for arrays)."""

    split: str
    index: int
    label: int
    path: str | None = None

    @property
    def key(self) -> str:
        """The image's line in an exclude list: its path, or `split:index` for array datasets."""
        return self.path if self.path is not None else f"{self.split}:{self.index}"


@dataclass(frozen=True)
class DuplicateGroup:
    """Images that are exact (`distance` 0) or near duplicates of one another.

    Exact groups hold every image with the same pixels; near groups are one pair.
    """

    kind: str  # "exact" or "near"
    images: tuple[ImageRef, ...]
    distance: int = 0  # phash bits between the pair (near)

    @property
    def is_leak(self) -> bool:
        return len({image.split for image in self.images}) > 1

    @property
    def is_conflict(self) -> bool:
        return len({image.label for image in self.images}) > 1


@dataclass(frozen=True)
class ImageFinding:
    """One image flagged on its own: `kind` is "size_outlier" or "grayscale_rgb"."""

    kind: str
    image: ImageRef
    detail: str


@dataclass
class AuditResult:
    """Everything `audit_dataset` found, as plain data (`to_dict` is JSON-ready)."""

    name: str
    source: str
    class_names: list[str]
    split_sizes: dict[str, int]
    groups: list[DuplicateGroup]
    findings: list[ImageFinding]
    threshold: int
    sizes_checked: bool
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def exact_groups(self) -> list[DuplicateGroup]:
        return [group for group in self.groups if group.kind == "exact"]

    @property
    def near_pairs(self) -> list[DuplicateGroup]:
        return [group for group in self.groups if group.kind == "near"]

    @property
    def leaks(self) -> list[DuplicateGroup]:
        return [group for group in self.groups if group.is_leak]

    @property
    def conflicts(self) -> list[DuplicateGroup]:
        return [group for group in self.groups if group.is_conflict]

    def of_kind(self, kind: str) -> list[ImageFinding]:
        return [finding for finding in self.findings if finding.kind == kind]

    def counts(self) -> dict[str, int]:
        """Numbers of each finding (`exact_copies`: images beyond the first of each group)."""
        exact = self.exact_groups
        return {
            "images": sum(self.split_sizes.values()),
            "exact_groups": len(exact),
            "exact_copies": sum(len(group.images) - 1 for group in exact),
            "near_pairs": len(self.near_pairs),
            "leaks": len(self.leaks),
            "conflicts": len(self.conflicts),
            "size_outliers": len(self.of_kind("size_outlier")),
            "grayscale_rgb": len(self.of_kind("grayscale_rgb")),
        }

    def exclusions(self) -> list[tuple[str, str]]:
        """(image key, reason) of each image to leave out of training, one entry per image.

        Of a duplicate group one copy stays (the test one first, so the test split is kept
        whole and the leaked copies leave train); every image of a label conflict goes, since
        its true label is unknown. Size outliers and grayscale images are for review only:
        they are not in this list (`reports.audit` writes them as commented lines).
        """
        chosen: dict[str, str] = {}
        for group in sorted(self.groups, key=lambda group: group.kind):  # exact before near
            if group.is_conflict:
                labels = " / ".join(sorted({self.class_names[image.label]
                                            for image in group.images}))
                for image in group.images:
                    chosen.setdefault(image.key, f"label conflict ({group.kind}): {labels}")
                continue
            keep, *others = sorted(group.images, key=_keep_order)
            if keep.key in chosen:  # the kept copy already goes as a copy of another image
                continue
            what = "exact duplicate" if group.kind == "exact" else (
                f"near duplicate ({group.distance} bits)")
            leak = " [leak across splits]" if group.is_leak else ""
            for image in others:
                chosen.setdefault(image.key, f"{what} of {keep.key}{leak}")
        return list(chosen.items())

    def to_dict(self) -> dict[str, Any]:
        def ref(image: ImageRef) -> dict[str, Any]:
            return {"split": image.split, "index": image.index,
                    "label": self.class_names[image.label], "path": image.path}

        return {
            "name": self.name, "source": self.source, "split_sizes": self.split_sizes,
            "threshold": self.threshold, "counts": self.counts(), "seconds": self.seconds,
            "groups": [{"kind": group.kind, "distance": group.distance, "leak": group.is_leak,
                        "conflict": group.is_conflict,
                        "images": [ref(image) for image in group.images]}
                       for group in self.groups],
            "findings": [{"kind": finding.kind, "detail": finding.detail, **ref(finding.image)}
                         for finding in self.findings],
        }


def _keep_order(image: ImageRef) -> tuple[int, str, int]:
    return _SPLIT_PRIORITY.get(image.split, 3), image.split, image.index


def audit_dataset(dataset: ImageDataset, *,
                  threshold: int = NEAR_DUPLICATE_DISTANCE) -> AuditResult:
    """Find duplicates, leaks, label conflicts, size outliers and grayscale-as-RGB images.

    Args:
        dataset: the loaded dataset; every split is audited.
        threshold: largest phash Hamming distance (bits of 64) of a near-duplicate candidate;
            -1 skips near duplicates (and the `imagehash` package). Defaults to
            `NEAR_DUPLICATE_DISTANCE` (4).

    Raises:
        DataError: a threshold outside -1..16, or `imagehash` (the `audit` extra) missing.
    """
    if not -1 <= threshold <= 16:
        raise DataError(Message("error.data.audit.threshold", {"threshold": threshold}))
    refs = _image_refs(dataset)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    digests = pixel_digests(dataset)
    groups = exact_groups(digests, refs)
    seconds["exact"] = time.perf_counter() - started
    if threshold >= 0:
        started = time.perf_counter()
        hashes, thumbnails = image_signatures(dataset)
        seconds["phash"] = time.perf_counter() - started
        started = time.perf_counter()
        first, second, distance = near_pairs(hashes, threshold)
        # Exact copies are grouped already; a near pair must also look alike pixel by pixel.
        keep = (digests[first] != digests[second]) & (
            thumbnail_difference(thumbnails, first, second) <= NEAR_PIXEL_DIFFERENCE)
        groups += [DuplicateGroup("near", (refs[i], refs[j]), int(bits))
                   for i, j, bits in zip(first[keep], second[keep], distance[keep])]
        seconds["pairs"] = time.perf_counter() - started
    started = time.perf_counter()
    findings = grayscale_rgb(dataset, refs)
    sizes = _header_sizes(refs)
    if sizes is not None:
        findings += size_outliers(sizes, refs)
    seconds["images"] = time.perf_counter() - started
    return AuditResult(
        name=dataset.name, source=dataset.source, class_names=list(dataset.class_names),
        split_sizes={name: len(split) for name, split in dataset.splits.items()},
        groups=groups, findings=findings, threshold=threshold,
        sizes_checked=sizes is not None, seconds=seconds)


def _image_refs(dataset: ImageDataset) -> list[ImageRef]:
    """One ImageRef per image, split after split (the row order of every array below)."""
    return [ImageRef(name, index, int(label), split.paths[index] if split.paths else None)
            for name, split in dataset.splits.items()
            for index, label in enumerate(np.asarray(split.labels))]


def pixel_digests(dataset: ImageDataset) -> np.ndarray:
    """A 128-bit BLAKE2b digest of each image's pixels, split after split, as a (N,) S16 array.

    One hash call per row of the uint8 array, no copy of the images: 0.14 s for MNIST's 70,000.
    """
    rows = [hashlib.blake2b(np.ascontiguousarray(image).data, digest_size=16).digest()
            for split in dataset.splits.values() for image in split.images]
    return np.array(rows, dtype="S16")


def exact_groups(digests: np.ndarray, refs: list[ImageRef]) -> list[DuplicateGroup]:
    """Group the images whose digests are equal (groups of two or more, in first-seen order)."""
    _, inverse, counts = np.unique(digests, return_inverse=True, return_counts=True)
    members: dict[int, list[int]] = {}
    for row in np.flatnonzero(counts[inverse] > 1):
        members.setdefault(int(inverse[row]), []).append(int(row))
    return [DuplicateGroup("exact", tuple(refs[row] for row in rows)) for rows in members.values()]


def image_signatures(dataset: ImageDataset) -> tuple[np.ndarray, np.ndarray]:
    """The 64-bit `imagehash.phash` and the 16x16 grayscale thumbnail of every image.

    Returns:
        (hashes uint64 (N,), thumbnails float32 (N, 256) with each row's mean removed), split
        after split.

    Raises:
        DataError: `imagehash` is not installed.
    """
    try:
        import imagehash  # optional: the `audit` extra
    except ImportError:
        raise DataError(Message("error.data.audit.no_imagehash")) from None
    weights = np.left_shift(np.uint64(1), np.arange(HASH_BITS - 1, -1, -1, dtype=np.uint64))
    total = sum(len(split) for split in dataset.splits.values())
    hashes = np.zeros(total, dtype=np.uint64)
    thumbnails = np.zeros((total, THUMBNAIL_SIDE * THUMBNAIL_SIDE), dtype=np.float32)
    side = (THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    row = 0
    for split in dataset.splits.values():
        for image in split.images:
            pixels = np.asarray(image)
            gray = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
            gray = gray.convert("L")
            bits = imagehash.phash(gray).hash.reshape(-1)  # (64,) bool, first bit highest
            hashes[row] = np.bitwise_or.reduce(weights[bits]) if bits.any() else 0
            thumbnails[row] = np.asarray(gray.resize(side, Image.BILINEAR)).reshape(-1)
            row += 1
    thumbnails -= thumbnails.mean(axis=1, keepdims=True)
    return hashes, thumbnails


def near_pairs(hashes: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (first, second, distance) of every pair of hashes within `threshold` bits.

    Pigeonhole: two 64-bit hashes within d bits agree exactly on one of d + 1 bands at least.
    Per band, the rows are sorted by the band's value and each row is compared with the next
    rows of equal value, offset by offset, with vectorized XOR and popcount: the work grows with
    the candidate pairs, not with n^2.

    Args:
        hashes: uint64 hashes, (N,).
        threshold: the largest Hamming distance of a pair.

    Returns:
        Three int64 arrays, first < second, sorted by (first, second).
    """
    hashes = np.asarray(hashes, dtype=np.uint64)
    edges = np.linspace(0, HASH_BITS, threshold + 2).astype(int)
    found: list[np.ndarray] = []
    for low, high in zip(edges[:-1], edges[1:]):
        mask = np.uint64((1 << int(high - low)) - 1)
        band = (hashes >> np.uint64(low)) & mask
        order = np.argsort(band, kind="stable")
        sorted_band = band[order]
        # End (exclusive) of the run of equal band values each sorted position belongs to.
        starts = np.flatnonzero(np.r_[True, sorted_band[1:] != sorted_band[:-1]])
        run_end = np.repeat(np.r_[starts[1:], len(order)], np.diff(np.r_[starts, len(order)]))
        positions = np.arange(len(order))
        offset = 1
        while True:
            # Only positions whose run reaches `offset` further: the work is the pairs only.
            positions = positions[positions + offset < run_end[positions]]
            if not len(positions):
                break
            left, right = order[positions], order[positions + offset]
            close = np.bitwise_count(hashes[left] ^ hashes[right]) <= threshold
            found.append(np.stack([np.minimum(left, right), np.maximum(left, right)])[:, close])
            offset += 1
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    first, second = np.unique(np.concatenate(found, axis=1).astype(np.int64), axis=1)
    return first, second, np.bitwise_count(hashes[first] ^ hashes[second]).astype(np.int64)


def thumbnail_difference(thumbnails: np.ndarray, first: np.ndarray,
                         second: np.ndarray) -> np.ndarray:
    """||a - b|| / mean(||a||, ||b||) of each pair's mean-free thumbnails (0: identical)."""
    difference = np.empty(len(first), dtype=np.float32)
    norms = np.linalg.norm(thumbnails, axis=1)
    for start in range(0, len(first), _CHUNK):
        left, right = first[start:start + _CHUNK], second[start:start + _CHUNK]
        scale = np.maximum((norms[left] + norms[right]) / 2, 1e-3)
        difference[start:start + _CHUNK] = np.linalg.norm(
            thumbnails[left] - thumbnails[right], axis=1) / scale
    return difference


def grayscale_rgb(dataset: ImageDataset, refs: list[ImageRef]) -> list[ImageFinding]:
    """3-channel images (files saved in colour) whose channels are equal within the tolerance."""
    findings: list[ImageFinding] = []
    start = 0
    for split in dataset.splits.values():
        if split.images.shape[-1] == 3:
            for row, image in enumerate(split.images):
                pixels = np.asarray(image, dtype=np.int16)
                spread = int(np.abs(np.diff(pixels, axis=-1)).max())
                ref = refs[start + row]
                if spread <= GRAY_TOLERANCE and _stored_as_colour(ref.path):
                    findings.append(ImageFinding(
                        "grayscale_rgb", ref,
                        f"3 channels, at most {spread} levels apart"))
        start += len(split)
    return findings


def _stored_as_colour(path: str | None) -> bool:
    """True when the file is saved with colour channels (array images have no file: True)."""
    if path is None:
        return True
    try:
        with Image.open(path) as image:  # lazy: parses the header, decodes nothing
            return image.mode not in ("1", "L", "LA", "I", "I;16", "F")
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def _header_sizes(refs: list[ImageRef]) -> np.ndarray | None:
    """(N, 2) width and height of each file from its header; None for array datasets."""
    if not refs or any(ref.path is None for ref in refs):
        return None
    sizes = np.zeros((len(refs), 2), dtype=np.int64)
    for row, ref in enumerate(refs):
        try:
            with Image.open(os.fspath(ref.path)) as image:  # header only
                sizes[row] = image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            continue  # unreadable since loading: left at 0 x 0 and not judged
    return sizes


def size_outliers(sizes: np.ndarray, refs: list[ImageRef],
                  factor: float = SIZE_OUTLIER_FACTOR) -> list[ImageFinding]:
    """Files whose side (sqrt of width x height) is under median / factor or over median x
    factor."""
    sides = np.sqrt(sizes.prod(axis=1).astype(np.float64))
    known = sides > 0
    if not known.any():
        return []
    median = float(np.median(sides[known]))
    outside = known & ((sides < median / factor) | (sides > median * factor))
    return [ImageFinding("size_outlier", refs[row],
                         f"{sizes[row, 0]}x{sizes[row, 1]} pixels; the median side is "
                         f"{median:.0f}")
            for row in np.flatnonzero(outside)]
