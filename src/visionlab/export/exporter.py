"""`export_model`: write an artifact, run it in its runtime, check parity, then publish it.

Everything is written into a hidden staging folder beside the destination; only when the parity
check passes is metadata.json added and the folder renamed into place. A failed export leaves
the destination as it was (a previous export stays).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visionlab import _io
from visionlab.export.errors import ExportError
from visionlab.export.metadata import METADATA_FILE, build_metadata
from visionlab.export.parity import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_TOLERANCE,
    check_parity,
    keras_outputs,
    measure_parity,
)
from visionlab.export.registry import ExportFormat, get_format
from visionlab.i18n import Message

EXPORTS_DIR = "exports"  # inside a run folder: exports/<format>/


@dataclass(frozen=True)
class ExportResult:
    """One finished export: where it is and what metadata.json says."""

    format: str
    directory: Path
    artifact: Path
    metadata_path: Path
    metadata: dict[str, Any]

    @property
    def parity(self) -> dict[str, Any]:
        """`max_abs_diff`, `images`, `runtime` … of the check made at export time."""
        return self.metadata["parity"]


def export_directory(run_path: str | os.PathLike[str], format: str | ExportFormat) -> Path:
    """Return the default folder of an export: `<run folder>/exports/<format>/`."""
    return Path(run_path) / EXPORTS_DIR / get_format(format).name


def export_model(model: Any, format: str | ExportFormat, directory: str | os.PathLike[str], *,
                 images: np.ndarray, description: dict[str, Any],
                 tolerance: float = DEFAULT_TOLERANCE,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> ExportResult:
    """Export a Keras model to `directory`, checked against itself on `images`.

    Args:
        model: the Keras model (inputs: raw pixels 0..255, preprocessing inside).
        format: a registered format name (`list_formats()`) or an `ExportFormat`.
        directory: the export folder; replaced when it holds an earlier export.
        images: (N, height, width, channels) test images for the parity check.
        description: class names, preprocessing and source (`metadata.describe_run(run)`).
        tolerance: largest allowed difference of any output probability. Defaults to 1e-5.
        batch_size: images per call in the parity check. Defaults to 64.

    Raises:
        ExportError: unknown format, missing `export` extra, a conversion failure, or the
            artifact differs from the Keras model by more than `tolerance`.

    Example:
        result = export_model(model, "onnx", "out/onnx", images=test_images,
                              description=describe_run(run))
        result.parity["max_abs_diff"]
    """
    export_format = get_format(format)
    versions = export_format.requirements()
    directory = Path(directory)
    _check_replaceable(directory)
    # First, as Keras's ONNX export refuses a model that was never called.
    reference = keras_outputs(model, images, batch_size)
    with _staging_directory(directory) as staging:
        artifact = staging / export_format.artifact
        try:
            format_details = export_format.write(model, artifact)
        except ExportError:
            raise
        except Exception as error:  # a converter's failure, e.g. an op it cannot express
            raise ExportError(Message("error.export.failed", {
                "format": export_format.name, "kind": type(error).__name__,
                "error": error})) from error
        runner = export_format.load(artifact)
        parity = measure_parity(reference, runner, images, batch_size)
        parity["tolerance"] = tolerance
        check_parity(parity, export_format.name, tolerance)
        metadata = build_metadata(model, format_name=export_format.name,
                                  artifact=export_format.artifact, description=description,
                                  runner_details=runner.details, format_details=format_details,
                                  versions=versions, parity=parity)
        _io.write_json(staging / METADATA_FILE, metadata)
        del runner  # release the artifact's files before the folder is renamed
    return ExportResult(format=export_format.name, directory=directory,
                        artifact=directory / export_format.artifact,
                        metadata_path=directory / METADATA_FILE, metadata=metadata)


def _check_replaceable(directory: Path) -> None:
    # Replacing a folder deletes it: only an earlier export (or nothing) may be replaced.
    if not directory.exists():
        return
    if not directory.is_dir():
        raise ExportError(Message("error.export.is_a_file", {"path": directory}))
    if any(directory.iterdir()) and not (directory / METADATA_FILE).is_file():
        raise ExportError(Message("error.export.not_an_export", {
            "path": directory, "file": METADATA_FILE}))


@contextlib.contextmanager
def _staging_directory(target: Path) -> Iterator[Path]:
    """Yield a hidden folder beside `target`; on success it replaces `target` by renames."""
    created = [parent for parent in (target.parent, *target.parent.parents)
               if not parent.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield staging
        _fsync_tree(staging)
        os.chmod(staging, 0o777 & ~_io.current_umask())  # mkdtemp makes it private (0700)
        _replace_directory(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for parent in created:  # the folders made for this export, innermost first
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise


def _replace_directory(source: Path, target: Path) -> None:
    # os.replace cannot put a folder over a non-empty one: move the old one aside first.
    if not target.exists():
        os.replace(source, target)
        return
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, holder / target.name)
    try:
        os.replace(source, target)
    except BaseException:
        os.replace(holder / target.name, target)
        raise
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _io.fsync_file(path)
