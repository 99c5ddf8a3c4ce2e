"""The model registry and the built-in models.

Importing this package registers every built-in model: the dense nets (`dense.py`), the CNNs
(`cnn.py`) and the pretrained backbones (`backbones/`). A module that fails to import is an
error naming it, never a silently shorter model list.
"""

from visionlab.models import backbones, cnn, dense  # noqa: F401  (registers the built-in models)
