"""Suite-wide settings: wide, colourless terminal output so CLI tables are not folded."""

import os

os.environ.setdefault("COLUMNS", "200")
os.environ.setdefault("NO_COLOR", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
