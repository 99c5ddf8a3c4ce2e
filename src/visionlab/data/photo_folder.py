"""Built-in datasets that are folders of photos, checked photo by photo against a SHA-256 list.

A photo dataset (`dogs_vs_cats`) is one folder per class (`cat/cat.0.jpg`, `dog/dog.0.jpg` …)
with no split on disk. visionlab ships the list of its photos and their SHA-256s
(`data/checksums/<name>.sha256`, in `sha256sum -c` format), and that list is the dataset: a
folder holds it when every listed photo is there with its listed hash and its class folders
hold no other image.

Lookup: `--data-path` (and nothing else when given), else `$VISIONLAB_DATA/<name>/`. Every
photo is hashed before the folder is decoded (0.4 s for the 32 MB of dogs_vs_cats).

`fetch` installs the photos into the visionlab cache (or `--data-path`) from the first of:
the photos already there (only verified); the local copy given with `--from` (a folder laid out
like the dataset, or the source archive); the visionlab cache (when installing elsewhere); the
source repository's archive at a pinned commit, downloaded with `locate.download_file`. From an
archive only the members `<top>/<archive_folder>/<listed path>` are extracted, and an archive
with an absolute or `..` member path is refused whole. Photos go into a hidden staging folder
beside the target, and only when every listed photo matched its hash is that folder renamed
into place: a failure never leaves a half-installed dataset.

Loading decodes the verified folder with `folders.load_image_folder`, so the photos are split
exactly as an image folder of class folders is: seeded and stratified, `test_fraction` and
then `validation_fraction` of all photos held out.

Example:
    fetch("dogs_vs_cats", source="../shared/datasets/dogs-vs-cats")
    pets = load_dataset("dogs_vs_cats", image_size=(160, 160), seed=0)
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import secrets
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from functools import cached_property
from importlib import resources
from pathlib import Path, PurePosixPath

from visionlab._io import sha256_file
from visionlab.data.dataset import ImageDataset
from visionlab.data.folders import load_image_folder, scan_image_folder
from visionlab.data.locate import (
    Location,
    Place,
    SourceFile,
    cache_label,
    dataset_cache_dir,
    download_file,
)
from visionlab.data.registry import BuiltinDataset
from visionlab.errors import DataError
from visionlab.i18n import Message, count

LAYOUT = "photo-folder"
# Larger than any photo of a listed dataset: reading stops there (a zip bomb is not extracted).
MAX_PHOTO_BYTES = 32 << 20
_SHOWN = 5  # file names quoted in one message


def read_checksum_list(text: str, source: str) -> dict[str, str]:
    """Parse `sha256sum` output, one `<sha256>  <relative path>` a line, into {path: sha256}.

    Args:
        text: the list's text.
        source: what the list is, for messages.

    Raises:
        DataError: a line is not a SHA-256 and a relative path without `..`.
    """
    checksums = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        # sha256sum writes "<hex>  <name>" (text mode) or "<hex> *<name>" (binary mode).
        digest, separator, name = line[:64], line[64:66], line[66:]
        if (len(digest) != 64 or separator not in ("  ", " *")
                or not all(char in "0123456789abcdefABCDEF" for char in digest)
                or not is_safe_member(name)):
            raise DataError(Message("error.data.photos.checksum_line",
                                    {"number": number, "source": source, "line": repr(line)}))
        checksums[name] = digest.lower()
    return checksums


def is_safe_member(name: str) -> bool:
    """Return True for a relative `/`-separated path that stays below its folder (no `..`)."""
    path = PurePosixPath(name)
    return (bool(name) and "\\" not in name and ":" not in name and not path.is_absolute()
            and ".." not in path.parts)


def _some(names: list[str]) -> str | Message:
    shown = ", ".join(names[:_SHOWN])
    if len(names) <= _SHOWN:
        return shown
    return Message("data.photos.and_more", {"shown": shown, "more": count(len(names) - _SHOWN)})


def _file_sha256(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


class PhotoFolderDataset(BuiltinDataset):
    """A built-in dataset that is a folder of class folders of photos, listed with SHA-256s.

    Subclasses name the shipped list (`checksum_file`, in `visionlab/data/checksums/`), the
    archive to download (`archive_url`) and where the photos are inside its top folder
    (`archive_folder`).
    """

    checksum_file: str = ""
    archive_url: str = ""
    archive_folder: str = ""
    image_shape = (0, 0, 3)  # photos of any size, decoded at `image_size`

    @cached_property
    def file_checksums(self) -> dict[str, str]:
        """{relative path: SHA-256} of every photo, read from the list shipped with visionlab."""
        listed = resources.files("visionlab.data") / "checksums" / self.checksum_file
        return read_checksum_list(listed.read_text(encoding="utf-8"),
                                  f"visionlab's checksum list {self.checksum_file}")

    def shape_text(self) -> str:
        return "any (RGB photos)"

    @property
    def expected_files(self) -> str:
        """What a folder of the dataset holds, for messages."""
        folders = " and ".join(f"{name}/" for name in self.class_names)
        return (f"the {len(self.file_checksums):,} photos in {folders} listed in "
                f"{self.checksum_file}")

    def search_places(self, data_path: str | Path | None = None) -> list[Place]:
        """Return the lookup order: `data_path` alone when given, else the visionlab cache."""
        if data_path is not None:
            return [Place("--data-path", Path(data_path).expanduser())]
        return [Place(cache_label(), dataset_cache_dir(self.name))]

    def find(self, path: Path, place: str) -> Location | None:
        """Return `path` when it holds every listed photo (by name only), else None."""
        if path.is_dir() and all((path / name).is_file() for name in self.file_checksums):
            return Location(path, place, LAYOUT)
        return None

    def locate(self, data_path: str | Path | None = None) -> Location | None:
        for place in self.search_places(data_path):
            location = self.find(place.path, place.label)
            if location is not None:
                return location
        return None

    def verify(self, location: Location) -> None:
        """Check that `location` holds exactly the listed photos, each with its SHA-256.

        Raises:
            DataError: naming the photos that differ, and any image or class folder that is
                not part of the dataset (the folder loader would train on it).
        """
        folder = location.path
        listing = scan_image_folder(folder)
        extra = [listed.relative_path for listed in listing.files
                 if listed.relative_path not in self.file_checksums]
        if listing.class_names != list(self.class_names) or extra:
            found = Message("data.photos.the_images", {"names": _some(extra)}) if extra else \
                Message("data.photos.the_class_folders",
                        {"names": ", ".join(listing.class_names)})
            raise DataError(Message("error.data.photos.foreign_files", {
                "folder": folder, "place": location.place, "found": found, "name": self.name,
                "files": self.expected_files}))
        differing = [name for name, digest in self.file_checksums.items()
                     if _file_sha256(folder / name) != digest]
        if differing:
            raise DataError(Message("error.data.photos.installed_differ", {
                "count": count(len(differing)), "folder": folder, "place": location.place,
                "name": self.name, "names": _some(differing)}))

    def load(self, data_path: str | Path | None = None, *, download: bool = True,
             progress: bool = True, image_size: tuple[int, int] | None = None,
             color_mode: str | None = None, resize_mode: str = "squash",
             validation_fraction: float = 0.0, test_fraction: float = 0.2, seed: int = 0,
             strict: bool = False, cache_dir: str | os.PathLike[str] | bool | None = None,
             workers: int | None = None, require_test: bool = True) -> ImageDataset:
        """Find (or fetch) and verify the photos, then decode and split them as an image folder.

        The keyword arguments after `progress` mean what they mean for
        `folders.load_image_folder` (image size 224x224 RGB by default, `test_fraction` and
        then `validation_fraction` of all photos held out, stratified with `seed`).

        Example:
            pets = get_dataset_entry("dogs_vs_cats").load(image_size=(64, 64), seed=1)
        """
        location = self.locate(data_path)
        if location is None and data_path is not None:
            raise DataError(Message("error.data.photos.data_path_lacks", {
                "path": Path(data_path).expanduser(), "name": self.name,
                "files": self.expected_files}))
        if location is None:
            location = self.fetch(progress=progress, download=download)
        else:
            self.verify(location)
        # None means "load_image_folder's default", so those are left out.
        optional = {"image_size": image_size, "color_mode": color_mode, "cache_dir": cache_dir,
                    "workers": workers}
        dataset = load_image_folder(
            location.path, resize_mode=resize_mode, validation_fraction=validation_fraction,
            test_fraction=test_fraction, seed=seed, strict=strict, progress=progress,
            require_test=require_test,
            **{name: value for name, value in optional.items() if value is not None},
        )
        info = {**dataset.info, "found_in": location.place, "format": LAYOUT, "split_seed": seed}
        return dataclasses.replace(dataset, name=self.name, info=info)

    def fetch(self, destination: str | Path | None = None, *, progress: bool = True,
              download: bool = True, source: str | Path | None = None) -> Location:
        """Install the photos into `destination`: verify, else copy a local copy, else download.

        Args:
            destination: target folder. Defaults to None (the visionlab cache).
            progress: show download progress. Defaults to True.
            download: allow downloading when no local copy exists. Defaults to True.
            source: install from this folder (laid out like the dataset, or holding the
                archive's folder layout) or this `.zip` archive only (`--from`). Defaults to None.
        """
        target = Path(destination).expanduser() if destination else dataset_cache_dir(self.name)
        place = "--data-path" if destination else cache_label()
        present = self.find(target, place)
        if present is not None:
            self.verify(present)
            return dataclasses.replace(present, note=Message("data.location.already_present"))
        if source is not None:
            return self._install_local(Place("--from", Path(source).expanduser()), target, place)
        for candidate in self.search_places():
            if candidate.path.resolve() != target.resolve() and \
                    self.find(candidate.path, candidate.label) is not None:
                return self._install_local(candidate, target, place)
        if not download:
            raise self.not_found_error(target, place)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{target.name}-download-",
                                         dir=target.parent) as temporary:
            archive = Path(temporary) / "archive.zip"
            try:
                download_file(SourceFile(archive.name, self.archive_url), archive,
                              dataset=self.name, progress=progress)
            except DataError as error:
                raise self.not_found_error(target, place, failure=str(error)) from None
            location = self._install(target, place,
                                     lambda staging: self._extract(archive, self.archive_url,
                                                                   staging))
        return dataclasses.replace(location, note=Message("data.location.downloaded",
                                                          {"urls": self.archive_url}))

    def not_found_error(self, target: Path, place: str, failure: str | None = None) -> DataError:
        """Build the error for photos that are neither installed nor obtainable."""
        reason = Message("error.data.photos.download_failed", {"failure": failure}) \
            if failure else Message("error.data.download_not_allowed")
        return DataError(Message("error.data.photos.not_found", {
            "name": self.name, "files": self.expected_files, "target": target, "place": place,
            "reason": reason, "url": self.archive_url}))

    def _install_local(self, source: Place, target: Path, place: str) -> Location:
        """Install from a local folder or `.zip` archive, verifying every photo."""
        path = source.path
        if path.is_file() and zipfile.is_zipfile(path):
            location = self._install(target, place,
                                     lambda staging: self._extract(path, str(path), staging))
            return dataclasses.replace(location, note=Message(
                "data.location.extracted", {"source": path, "place": source.label}))
        # A folder laid out like the dataset, or a checkout of the source repository.
        folder = next((candidate for candidate in (path, path / self.archive_folder)
                       if all((candidate / name).is_dir() for name in self.class_names)), None)
        if folder is None:
            raise DataError(Message("error.data.photos.source_lacks", {
                "label": source.label, "path": path, "name": self.name,
                "files": self.expected_files,
                "folders": " and ".join(f"{name}/" for name in self.class_names)}))
        location = self._install(target, place, lambda staging: self._copy(folder, staging))
        return dataclasses.replace(location, note=Message(
            "data.location.copied", {"source": folder, "place": source.label}))

    def _copy(self, folder: Path, staging: Path) -> None:
        """Copy the listed photos of `folder` into `staging`, each verified."""
        missing, differing = [], []
        for name, digest in self.file_checksums.items():
            try:
                data = (folder / name).read_bytes()
            except FileNotFoundError:
                missing.append(name)
                continue
            if hashlib.sha256(data).hexdigest() != digest:
                differing.append(name)
                continue
            _write_photo(staging, name, data)
        self._check_complete(str(folder), missing, differing)

    def _extract(self, archive: Path, origin: str, staging: Path) -> None:
        """Extract the listed photos of the zip `archive` (from `origin`) into `staging`.

        Only members `<top>/<archive_folder>/<listed path>` are read; nothing else is written.
        """
        prefix = PurePosixPath(self.archive_folder).parts
        written, differing = set(), []
        try:
            with zipfile.ZipFile(archive) as opened:
                members = opened.infolist()
                unsafe = [member.filename for member in members
                          if not is_safe_member(member.filename)]
                if unsafe:
                    raise DataError(Message("error.data.photos.unsafe_members", {
                        "origin": origin, "names": _some(unsafe), "name": self.name}))
                for member in members:
                    parts = PurePosixPath(member.filename).parts
                    name = "/".join(parts[1 + len(prefix):])
                    if member.is_dir() or parts[1:1 + len(prefix)] != prefix or \
                            name not in self.file_checksums or name in written:
                        continue
                    with opened.open(member) as handle:
                        data = handle.read(MAX_PHOTO_BYTES + 1)
                    if hashlib.sha256(data).hexdigest() != self.file_checksums[name]:
                        differing.append(name)
                        continue
                    _write_photo(staging, name, data)
                    written.add(name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise DataError(Message("error.data.photos.bad_archive",
                                    {"origin": origin, "error": error})) from None
        missing = [name for name in self.file_checksums
                   if name not in written and name not in differing]
        self._check_complete(Message("data.photos.the_archive", {"origin": origin}), missing,
                             differing)

    def _check_complete(self, origin: str | Message, missing: list[str],
                        differing: list[str]) -> None:
        if differing:
            raise DataError(Message("error.data.photos.copy_differs", {
                "count": count(len(differing)), "origin": origin, "name": self.name,
                "names": _some(differing)}))
        if missing:
            raise DataError(Message("error.data.photos.copy_incomplete", {
                "origin": origin, "count": count(len(missing)), "name": self.name,
                "names": _some(missing), "files": self.expected_files}))

    def _install(self, target: Path, place: str, write: Callable[[Path], None]) -> Location:
        """Write the photos into a staging folder beside `target` with `write`, then rename it.

        Raises:
            DataError: `target` is a non-empty folder that does not hold the dataset (it is
                never replaced), or a photo failed verification (nothing is left behind).
        """
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise DataError(Message("error.data.photos.target_occupied",
                                    {"target": target, "place": place, "name": self.name}))
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".{target.name}-{os.getpid()}-{secrets.token_hex(4)}.partial"
        staging.mkdir()
        try:
            write(staging)
            if target.exists():
                target.rmdir()  # the empty folder checked above
            os.rename(staging, target)
        except OSError:
            installed = self.find(target, place)
            if installed is None:
                raise
            self.verify(installed)  # another process installed it meanwhile
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Location(target, place, LAYOUT)


def _write_photo(staging: Path, name: str, data: bytes) -> None:
    path = staging / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
