"""Built-in recipes: TOML experiment files shipped in this folder, found by name.

To add a recipe, drop `NAME.toml` here; `visionlab recipes` lists it and `visionlab train NAME`
runs it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_RECIPE_PACKAGE = "visionlab.recipes"


def _recipe_dir() -> Path:
    return Path(str(resources.files(_RECIPE_PACKAGE)))


def list_recipes() -> list[str]:
    """Return the names of the built-in recipes, sorted."""
    return sorted(path.stem for path in _recipe_dir().glob("*.toml"))


def recipe_path(name: str) -> Path | None:
    """Return the TOML file of recipe `name`, or None when there is no such recipe."""
    path = _recipe_dir() / f"{name}.toml"
    return path if path.is_file() else None
