"""run.json records visionlab's own version and commit apart from the user's project commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import visionlab
from visionlab.runs import environment


def _git(directory: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=directory, check=True, capture_output=True, text=True).stdout


def test_project_commit_is_the_working_directory_repository(tmp_path: Path, monkeypatch):
    _git(tmp_path, "init", "-q")
    (tmp_path / "train.toml").write_text("[data]\n")
    _git(tmp_path, "add", "train.toml")
    _git(tmp_path, "commit", "-q", "-m", "project")
    project = _git(tmp_path, "rev-parse", "HEAD").strip()
    monkeypatch.chdir(tmp_path)
    info = environment.environment_info()
    assert info["project_commit"] == project
    assert info["visionlab"] == visionlab.__version__
    assert info["visionlab_commit"] != project
    assert "git_commit" not in info


def test_no_project_commit_outside_a_repository(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert environment.project_commit() is None


def test_visionlab_commit_is_its_own_checkout():
    top = Path(environment.__file__).resolve().parents[3]
    if (top / ".git").exists():
        assert environment.visionlab_commit() == _git(top, "rev-parse", "HEAD").strip()
    else:  # an installed release: no commit, never someone else's
        assert environment.visionlab_commit() is None
