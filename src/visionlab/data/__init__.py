"""visionlab.data."""
