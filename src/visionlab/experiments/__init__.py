"""visionlab.experiments."""
