"""visionlab.cli."""
