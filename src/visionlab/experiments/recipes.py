"""Built-in recipes: TOML experiment files shipped in `visionlab/recipes/`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import tomllib

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


def recipe_table() -> list[dict[str, Any]]:
    """Return one row per recipe: name, description, dataset, model, and the published figure."""
    from visionlab.experiments.config import load_config
    from visionlab.experiments.transfer import total_epochs

    rows = []
    for name in list_recipes():
        data = tomllib.loads(recipe_path(name).read_text(encoding="utf-8"))  # type: ignore[union-attr]
        reference = data.get("reference", {})
        rows.append({
            "name": name,
            "description": data.get("description", ""),
            "dataset": data.get("data", {}).get("dataset", ""),
            "model": data.get("model", {}).get("name", ""),
            "epochs": total_epochs(load_config(recipe_path(name))),
            "reference_metric": reference.get("metric"),
            "reference_value": reference.get("value"),
            "source": reference.get("source", ""),
        })
    return rows
