"""`decode_into`: decode many image files on a thread pool, straight into rows of an array.

Pillow releases the GIL while decoding and resizing, so threads decode in parallel and write
straight into a preallocated array or cache file with no pickling; nothing forks a process
that already runs TensorFlow (see BENCHMARKS.md, "Input pipeline", for threads vs processes).
A Rich progress bar on stderr shows the count.

Example:
    bad = decode_into(paths, images, digests, (224, 224))   # {index: reason} of bad files
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor, as_completed

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from visionlab.data.cache import DIGEST_SIZE
from visionlab.data.decode import BadImageError, decode_image
from visionlab.i18n import t

_FILES_PER_TASK = 8  # files per thread-pool task: amortizes scheduling, keeps progress smooth


def decode_into(
    paths: list[str],
    images: np.ndarray,
    digests: np.ndarray,
    image_size: tuple[int, int],
    color_mode: str = "rgb",
    resize_mode: str = "squash",
    workers: int | None = None,
    progress: bool = True,
    description: str | None = None,
) -> dict[int, str]:
    """Decode `paths[i]` into `images[i]` (and its truncated SHA-256 into `digests[i]`) on threads.

    Args:
        paths: image files.
        images: writable uint8 (len(paths), height, width, channels) array, or a
            `cache.RowWriter` of that shape; only `images[i] = array` is used.
        digests: writable uint8 (len(paths), 16) array or `cache.RowWriter`.
        image_size, color_mode, resize_mode: as in `decode_image`.
        workers: threads. Defaults to the number of usable CPU cores.
        progress: show a Rich progress bar. Defaults to True.
        description: progress bar label. Defaults to "Decoding images" (in the language).

    Returns:
        {index: reason} for the files that could not be decoded (their rows are untouched).
    """
    workers = workers or _usable_cores()
    # Digests are gathered here and written once at the end: one 16-byte pwrite per image
    # into a cache file would be a system call for almost nothing.
    local_digests = np.zeros((len(paths), DIGEST_SIZE), dtype=np.uint8)
    succeeded = np.zeros(len(paths), dtype=bool)

    def decode_chunk(indices: range) -> list[tuple[int, str]]:
        failures = []
        for index in indices:
            try:
                array = decode_image(paths[index], image_size, color_mode, resize_mode)
            except BadImageError as error:
                failures.append((index, error.reason))
                continue
            images[index] = array
            # SHA-256 (hardware-accelerated on x86) beats BLAKE2b here; 16 bytes are plenty.
            local_digests[index] = np.frombuffer(hashlib.sha256(array).digest()[:DIGEST_SIZE],
                                                 dtype=np.uint8)
            succeeded[index] = True
        return failures

    chunks = [range(start, min(start + _FILES_PER_TASK, len(paths)))
              for start in range(0, len(paths), _FILES_PER_TASK)]
    bad: dict[int, str] = {}
    with _progress_bar(progress) as bar:
        task = bar.add_task(description or t("data.decoding_images"), total=len(paths))
        if workers <= 1:
            for chunk in chunks:
                bad.update(decode_chunk(chunk))
                bar.advance(task, len(chunk))
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="decode") as pool:
                futures = {pool.submit(decode_chunk, chunk): len(chunk) for chunk in chunks}
                try:
                    for future in as_completed(futures):
                        bad.update(future.result())
                        bar.advance(task, futures[future])
                except BaseException:  # Ctrl-C: drop queued chunks instead of decoding them all
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    if succeeded.all():
        digests[0:len(paths)] = local_digests
    else:  # leave the digest rows of failed files untouched, like their image rows
        for index in np.flatnonzero(succeeded):
            digests[int(index)] = local_digests[index]
    return bad


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS / Windows
        return max(1, os.cpu_count() or 1)


def _progress_bar(enabled: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=not enabled)
