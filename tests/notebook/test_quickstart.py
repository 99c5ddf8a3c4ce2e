"""docs/notebooks/quickstart.ipynb runs top to bottom in a real Jupyter kernel (nbclient and
ipykernel), on scikit-learn's digits for one epoch, in Vietnamese, and shows what it promises:
the live progress block, the run's summary card, the figures as PNG, the report and the
comparison in frames, and no error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from needs import needs_module
from visionlab import i18n

pytestmark = pytest.mark.xdist_group("notebook")

NOTEBOOK = Path(__file__).parents[2] / "docs" / "notebooks" / "quickstart.ipynb"
# Replaces the notebook's parameters cell (as papermill would): small, and in Vietnamese.
PARAMETERS = """\
DATASET = "digits"
RECIPE = "fashion-mnist-dense-128"
OVERRIDES = ["data.dataset=digits", "train.epochs=1", "model.units=[32]"]
LANG = "vi"
"""


def _outputs(notebook, source: str) -> list[dict]:
    """The outputs of the one code cell whose source starts with `source`."""
    (cell,) = [cell for cell in notebook.cells
               if cell.cell_type == "code" and cell.source.startswith(source)]
    return cell.outputs


def _html(outputs: list[dict]) -> str:
    return "".join(output.get("data", {}).get("text/html", "") for output in outputs)


def test_quickstart_notebook_runs_and_shows_card_figures_and_report(tmp_path: Path):
    nbformat = needs_module("nbformat", "notebook")
    nbclient = needs_module("nbclient", "notebook")
    needs_module("ipykernel", "notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    (parameters,) = [cell for cell in notebook.cells
                     if "parameters" in cell.metadata.get("tags", [])]
    parameters.source = PARAMETERS
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    outputs = [output for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs]
    errors = [output for output in outputs if output.output_type == "error"]
    assert not errors, json.dumps(errors, indent=1)[:3000]

    explore = _html(_outputs(notebook, "visionlab.explore("))
    assert "Images per class" in explore and "data:image/png;base64," in explore

    trained = _outputs(notebook, "run = visionlab.train(")
    progress = _html(trained)
    assert 'class="visionlab-progress"' in progress and "Trained 1 epoch(s)" in progress
    assert 'class="visionlab-run"' in trained[-1]["data"]["text/html"]  # the card, last
    card = _html(_outputs(notebook, "run.card("))
    assert i18n.t("label.test_accuracy", "vi") in card
    assert i18n.t("section.diagnosis", "vi") in card

    for call in ("run.plot_curves(", "run.plot_confusion_matrix(", "run.show_predictions(",
                 "run.top_losses("):
        (figure,) = [output for output in _outputs(notebook, call)
                     if "image/png" in output.get("data", {})]
        assert figure["data"]["image/png"], call

    predicted = "".join(output.get("text", "") for output in
                        _outputs(notebook, "from pathlib import Path"))
    assert predicted.count("new-images/image-") == 4

    report = _html(_outputs(notebook, "run.report("))
    assert report.startswith("<iframe srcdoc=") and "lang=&quot;vi&quot;" in report
    comparison = _html(_outputs(notebook, "wider = visionlab.train("))
    assert "<iframe srcdoc=" in comparison
    assert (tmp_path / "comparison" / "compare.html").is_file()
    assert len(list((tmp_path / "runs").glob("*/model.keras"))) == 2
