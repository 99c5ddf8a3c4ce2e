"""visionlab.data: find, decode, split and batch image datasets.

Importing this package (or any module in it) registers the built-in datasets, so
`registry.list_datasets()` is complete and a broken built-in module fails at import, by name.
"""

from visionlab.data import builtin  # noqa: F401  (registers the built-in datasets)
