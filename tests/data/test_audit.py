"""Tests for `visionlab.data.audit` (+ `data.exclude`, the audit page): on a folder of real photos
with planted exact and near duplicates, a train/test leak, a label conflict, a grayscale photo
saved as RGB and a tiny outlier, every planted case is found and no distinct photos are paired.
"""

from __future__ import annotations

import shutil
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from needs import needs, needs_module
from visionlab import api
from visionlab.config import DataConfig, load_config
from visionlab.data.audit import audit_dataset, near_pairs
from visionlab.data.dataset import ImageDataset, Split
from visionlab.data.exclude import exclude_images, read_exclude_list
from visionlab.data.prepare import prepare_dataset
from visionlab.errors import ConfigError, DataError

PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "dogs-vs-cats"


def _photos(kind: str, count: int) -> list[Path]:
    return sorted((PHOTOS / kind).glob("*.jpg"), key=lambda path: int(path.stem.split(".")[1])
                  )[:count]


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """train/ and test/ folders of distinct photos plus one of each planted problem."""
    needs(PHOTOS.is_dir(), f"the dogs-vs-cats photos ({PHOTOS})",
          "put the shared datasets beside the checkout")
    root = tmp_path_factory.mktemp("planted")
    cats, dogs = _photos("cat", 10), _photos("dog", 9)
    layout = {("train", "cat"): cats[:6], ("train", "dog"): dogs[:5],
              ("test", "cat"): cats[6:9], ("test", "dog"): dogs[5:8]}
    for (split, label), photos in layout.items():
        (root / split / label).mkdir(parents=True)
        for photo in photos:
            shutil.copy(photo, root / split / label / photo.name)
    train, test = root / "train", root / "test"
    shutil.copy(cats[0], train / "cat" / "exact_copy.jpg")  # exact duplicate within train
    with Image.open(cats[1]) as image:  # near duplicate: 60 % size, JPEG quality 70
        small = image.convert("RGB").resize((image.width * 3 // 5, image.height * 3 // 5))
        small.save(train / "cat" / "near_copy.jpg", quality=70)
    shutil.copy(dogs[0], test / "dog" / "leaked.jpg")  # train/test leak
    shutil.copy(cats[2], train / "dog" / "conflict.jpg")  # the same photo as a cat and a dog
    with Image.open(cats[9]) as image:  # gray pixels in an RGB JPEG (a photo not used above)
        image.convert("L").convert("RGB").save(train / "cat" / "gray_rgb.jpg", quality=95)
    with Image.open(dogs[8]) as image:  # a tiny photo among ~400x350 ones
        image.convert("RGB").resize((24, 20)).save(train / "dog" / "tiny.jpg", quality=95)
    (root / "names.txt").write_text("\n".join(
        f"{name}={photo.name}" for name, photo in
        (("cat0", cats[0]), ("cat1", cats[1]), ("cat2", cats[2]), ("dog0", dogs[0]))))
    return root


@pytest.fixture(scope="module")
def audited(planted, tmp_path_factory):
    needs_module("imagehash", "audit")
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VISIONLAB_CACHE", str(cache))
        found = api.audit(planted, output=planted.parent / "audit-out", progress=False)
    return found


def _names(group, root: Path) -> frozenset[str]:
    return frozenset(Path(image.path).relative_to(root).as_posix() for image in group.images)


def _original(planted: Path, key: str) -> str:
    return dict(line.split("=") for line in (planted / "names.txt").read_text().splitlines())[key]


def test_every_planted_case_is_found_and_nothing_else(planted, audited):
    result = audited.result
    groups = {_names(group, planted): group for group in result.groups}
    cat0, cat1 = _original(planted, "cat0"), _original(planted, "cat1")
    cat2, dog0 = _original(planted, "cat2"), _original(planted, "dog0")
    exact_copy = frozenset({f"train/cat/{cat0}", "train/cat/exact_copy.jpg"})
    near_copy = frozenset({f"train/cat/{cat1}", "train/cat/near_copy.jpg"})
    leak = frozenset({f"train/dog/{dog0}", "test/dog/leaked.jpg"})
    conflict = frozenset({f"train/cat/{cat2}", "train/dog/conflict.jpg"})
    assert set(groups) == {exact_copy, near_copy, leak, conflict}  # no false pair
    assert groups[exact_copy].kind == "exact" and not groups[exact_copy].is_leak
    assert groups[near_copy].kind == "near" and groups[near_copy].distance <= 4
    assert groups[leak].is_leak and not groups[leak].is_conflict
    assert groups[conflict].is_conflict and not groups[conflict].is_leak
    assert [Path(f.image.path).name for f in result.of_kind("grayscale_rgb")] == ["gray_rgb.jpg"]
    assert [Path(f.image.path).name for f in result.of_kind("size_outlier")] == ["tiny.jpg"]
    assert result.counts() == {  # 17 distinct photos and 6 planted files
        "images": 23, "exact_groups": 3, "exact_copies": 3, "near_pairs": 1, "leaks": 1,
        "conflicts": 1, "size_outliers": 1, "grayscale_rgb": 1}


def test_exclude_list_keeps_one_copy_and_the_test_split(planted, audited):
    entries = read_exclude_list(audited.files.exclude_list)
    cat0, cat2, dog0 = (_original(planted, key) for key in ("cat0", "cat2", "dog0"))
    assert f"train/dog/{dog0}" in entries and "test/dog/leaked.jpg" not in entries
    assert {f"train/cat/{cat2}", "train/dog/conflict.jpg"} <= set(entries)  # label unknown
    assert len({f"train/cat/{cat0}", "train/cat/exact_copy.jpg"} & set(entries)) == 1
    text = audited.files.exclude_list.read_text()
    assert "# train/cat/gray_rgb.jpg  # review: grayscale stored as RGB" in text
    assert "tiny.jpg" in text and "tiny.jpg" not in entries  # reviewed, not excluded


def test_page_shows_the_pairs_side_by_side(audited):
    page = audited.files.html.read_text()
    leaks = page[page.index('id="leaks"'):page.index('id="conflicts"')]
    assert leaks.count('<img src="data:image/png;base64,') == 2
    assert "test/dog/leaked.jpg" in leaks
    conflicts = page[page.index('id="conflicts"'):page.index('id="exact"')]
    assert "train/dog/conflict.jpg" in conflicts
    assert "near_copy.jpg" in page[page.index('id="near"'):page.index('id="size-outlier"')]
    assert audited.files.json.is_file()


def test_data_exclude_removes_the_listed_files_from_a_training_load(
        planted, audited, tmp_path, monkeypatch):
    monkeypatch.setenv("VISIONLAB_CACHE", str(tmp_path))
    base = {"dataset": str(planted), "image_size": [32, 32], "validation_split": 0.0}
    full = prepare_dataset(DataConfig(**base), seed=0, progress=False)
    config = DataConfig(**base, exclude=str(audited.files.exclude_list))
    trimmed = prepare_dataset(config, seed=0, progress=False)
    entries = read_exclude_list(audited.files.exclude_list)
    kept = {Path(path).relative_to(planted).as_posix()
            for split in trimmed.splits.values() for path in split.paths}
    assert not kept & set(entries)
    assert sum(map(len, trimmed.splits.values())) == sum(map(len, full.splits.values())) - len(
        entries)
    assert trimmed.info["excluded"] == len(entries) and trimmed.checksum != full.checksum


def test_data_exclude_must_name_an_existing_file(tmp_path):
    with pytest.raises(ConfigError, match="missing-audit.txt.*does not exist"):
        load_config(overrides=[f'data.exclude="{tmp_path / "missing-audit.txt"}"'])


def test_array_exclusion_by_index_and_unknown_entries(tmp_path):
    images = np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4, 1)
    dataset = ImageDataset("arrays", ["a", "b"], {
        "train": Split(images, np.array([0, 1, 0, 1, 0])),
        "test": Split(images[:2].copy(), np.array([0, 1]))}, "memory", "0" * 64)
    listing = tmp_path / "audit.txt"
    listing.write_text("# header\ntrain:1  # why\ntest:0\n\n")
    trimmed = exclude_images(dataset, listing)
    assert trimmed.splits["train"].labels.tolist() == [0, 0, 1, 0]
    assert len(trimmed.splits["test"]) == 1
    listing.write_text("train:99\n")
    with pytest.raises(DataError, match="train:99"):
        exclude_images(dataset, listing)


def test_array_duplicates_and_leaks_without_files():
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8)
    test = np.concatenate([train[:1], rng.integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)])
    dataset = ImageDataset("arrays", ["a", "b"], {
        "train": Split(train, np.array([0, 1, 0, 1, 0, 1])),
        "test": Split(test, np.array([0, 1, 0]))}, "memory", "0" * 64)
    result = audit_dataset(dataset, threshold=-1)  # exact only: no imagehash needed
    assert [group.is_leak for group in result.groups] == [True]
    assert result.exclusions() == [("train:0", "exact duplicate of test:0 [leak across splits]")]
    assert not result.sizes_checked and not result.of_kind("size_outlier")


def test_near_pairs_match_a_brute_force_search():
    rng = np.random.default_rng(1)
    base = rng.integers(0, 2**63, 300, dtype=np.uint64)
    flips = np.left_shift(np.uint64(1), rng.integers(0, 64, (300, 3)).astype(np.uint64))
    hashes = np.concatenate([base, base[:100] ^ flips[:100, 0] ^ flips[:100, 1]])
    for threshold in (0, 2, 4):
        first, second, distance = near_pairs(hashes, threshold)
        expected = [(i, j) for i, j in combinations(range(len(hashes)), 2)
                    if bin(int(hashes[i] ^ hashes[j])).count("1") <= threshold]
        assert list(zip(first.tolist(), second.tolist())) == expected
        assert (distance <= threshold).all()


def test_missing_imagehash_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "imagehash", None)  # import raises ImportError
    images = np.zeros((2, 8, 8, 1), dtype=np.uint8)
    dataset = ImageDataset("arrays", ["a"], {"train": Split(images, np.array([0, 0]))},
                           "memory", "0" * 64)
    with pytest.raises(DataError, match=r"pip install 'visionlab\[audit\]'"):
        audit_dataset(dataset)
