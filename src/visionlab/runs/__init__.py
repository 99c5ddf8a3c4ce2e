"""Run folders: writing one (`folder.py`), reading it back (`run.py`), the machine it ran on
(`environment.py`) and the comparison table of several (`compare.py`)."""
