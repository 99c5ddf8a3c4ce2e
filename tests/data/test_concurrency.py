"""Two processes at once: the same decoded-cache entry is built without mixing files, readers
never see a half-built entry, a damaged entry is rebuilt, and two runs never share a folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from needs import needs
from visionlab.data import cache
from visionlab.data.folders import load_image_folder

PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "dogs-vs-cats"


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory) -> Path:
    needs(PHOTOS.is_dir(), f"the dog/cat photos in {PHOTOS}", "CI and make test have them")
    root = tmp_path_factory.mktemp("photos")
    for label in ("cat", "dog"):
        (root / label).mkdir()
        for path in sorted((PHOTOS / label).glob("*.jpg"))[:40]:
            shutil.copy(path, root / label / path.name)
    return root


def _load(folder: Path, cache_dir: Path):
    return load_image_folder(folder, image_size=(64, 64), cache_dir=cache_dir, progress=False,
                             workers=1)


def _entries(cache_dir: Path) -> list[str]:
    return sorted(path.name for path in cache_dir.iterdir())


def _start_together(script: str, count: int, go: Path) -> list[subprocess.Popen]:
    processes = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(count)]
    time.sleep(0.5)
    go.touch()  # both wait for this file, so they start decoding at the same moment
    return processes


def test_two_processes_building_the_same_entry_agree(photo_folder, tmp_path):
    cache_dir, go = tmp_path / "cache", tmp_path / "go"
    script = textwrap.dedent(f"""
        import hashlib, json, time, pathlib
        from visionlab.data.folders import load_image_folder
        while not pathlib.Path({str(go)!r}).exists():
            time.sleep(0.01)
        data = load_image_folder({str(photo_folder)!r}, image_size=(64, 64),
                                 cache_dir={str(cache_dir)!r}, progress=False, workers=1)
        print(json.dumps({{name: hashlib.sha256(split.images.tobytes()).hexdigest()
                          for name, split in data.splits.items()}}))
    """)
    outputs = []
    for process in _start_together(script, 2, go):
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-2000:]
        outputs.append(json.loads(stdout.strip().splitlines()[-1]))
    assert outputs[0] == outputs[1]
    (entry,) = _entries(cache_dir)  # one published entry, no temporary folder left
    assert not entry.startswith(".")
    again = _load(photo_folder, cache_dir)
    assert again.info["cache_hit"] is True


def test_a_build_that_loses_the_race_uses_the_winner_and_leaves_nothing(photo_folder,
                                                                          tmp_path,
                                                                          monkeypatch):
    cache_dir = tmp_path / "cache"
    winner = _load(photo_folder, tmp_path / "winner-cache")
    (entry_name,) = _entries(tmp_path / "winner-cache")
    original = cache.load_or_build
    seen = {}

    def racing_fill_wrapper(cache_dir_, key, shape, fill, meta, order):
        def fill_then_lose(images, digests, order_):
            # While we decode, readers see no entry; then another process publishes it.
            seen["visible_while_building"] = (cache_dir / key).exists()
            bad = fill(images, digests, order_)
            shutil.copytree(tmp_path / "winner-cache" / entry_name, cache_dir / key)
            return bad
        return original(cache_dir_, key, shape, fill_then_lose, meta, order)

    monkeypatch.setattr("visionlab.data.folders.cache.load_or_build", racing_fill_wrapper)
    loser = _load(photo_folder, cache_dir)
    assert seen["visible_while_building"] is False
    assert loser.info["cache_hit"] is True  # it returned the winner's entry
    assert _entries(cache_dir) == [entry_name]
    for name, split in winner.splits.items():
        np.testing.assert_array_equal(loser.splits[name].images, split.images)


def test_a_damaged_entry_is_rebuilt_by_itself(photo_folder, tmp_path):
    cache_dir = tmp_path / "cache"
    first = _load(photo_folder, cache_dir)
    # Copy out of the memory maps before the file under them is truncated (SIGBUS otherwise).
    expected = {name: np.array(split.images) for name, split in first.splits.items()}
    del first
    (entry,) = _entries(cache_dir)
    images = cache_dir / entry / "images.npy"
    images.write_bytes(images.read_bytes()[:1000])  # truncated by a crash or by hand
    rebuilt = _load(photo_folder, cache_dir)
    assert rebuilt.info["cache_hit"] is False
    assert _entries(cache_dir) == [entry]
    for name, images in expected.items():
        np.testing.assert_array_equal(rebuilt.splits[name].images, images)


def test_two_trainings_started_in_the_same_second_never_share_a_folder(tmp_path):
    go = tmp_path / "go"
    script = textwrap.dedent(f"""
        import pathlib, time
        from visionlab.runs.folder import new_run_dir
        while not pathlib.Path({str(go)!r}).exists():
            time.sleep(0.001)
        print(new_run_dir("same-name", {str(tmp_path / "runs")!r}))
    """)
    folders = []
    for process in _start_together(script, 3, go):
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr[-2000:]
        folders.append(stdout.strip().splitlines()[-1])
    assert len(set(folders)) == 3
    assert sorted(path.name for path in (tmp_path / "runs").iterdir()) == sorted(
        Path(folder).name for folder in folders)


def test_two_visionlab_train_commands_in_the_same_second_get_two_complete_runs(tmp_path):
    """The real command twice, released together: two folders, each a whole, completed run."""
    config = tmp_path / "tiny.toml"
    config.write_text('name = "same-second"\n[data]\ndataset = "digits"\n'
                      '[model]\nname = "mlp"\nunits = [8]\n[train]\nepochs = 1\nseed = 0\n')
    go, runs = tmp_path / "go", tmp_path / "runs"
    script = textwrap.dedent(f"""
        import pathlib, sys, time
        while not pathlib.Path({str(go)!r}).exists():
            time.sleep(0.001)
        from visionlab.cli.main import app
        sys.argv = ["visionlab", "train", {str(config)!r}, "--runs-dir", {str(runs)!r},
                    "--no-report"]
        app()
    """)
    for process in _start_together(script, 2, go):
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-2000:]
    folders = sorted(runs.iterdir())
    assert len(folders) == 2 and all(f.name.startswith("same-second-") for f in folders)
    for folder in folders:
        info = json.loads((folder / "run.json").read_text())
        assert info["status"] == "completed" and info["name"] == folder.name
        assert (folder / "model.keras").is_file() and (folder / "history.csv").is_file()
